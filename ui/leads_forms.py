"""The lead-list page's forms: reading an upload, the column mapping, the lists."""

from __future__ import annotations

import time

import streamlit as st

from engine.core import yamlio
from engine.core.errors import SenryokuError
from engine.leads.intake import failed_upload_wait
from engine.leads.lists import Lists, lists_from_yaml_text
from engine.leads.mapping import FIELDS as MAPPING_FIELDS
from ui.components import show_error
from ui.i18n import tr
from ui.leads import LIST_KINDS, open_upload, progress_callback
from ui.state import (
    clear_leadset,
    current_lists,
    remap,
    set_lists,
    upload_failed,
    upload_failures,
    upload_read,
)

UPLOADER_KEY = "leads_file"


# Streamlit cuts a text area's value to max_chars on the server too: about 5,000 lines,
# far more than a company's own, competitor or partner list, and cheap to check.
LISTS_TEXT_MAX_CHARS = 100_000


def uploader_key() -> str:
    """The uploader's key; a new one after "remove this list" so its file chip goes too."""
    nonce = st.session_state.get("leads_file_nonce", 0)
    return UPLOADER_KEY if not nonce else f"{UPLOADER_KEY}_{nonce}"


def remove_list() -> None:
    """Forget the list, its counts and the uploader's file."""
    clear_leadset()
    st.session_state["leads_file_nonce"] = st.session_state.get("leads_file_nonce", 0) + 1
    st.session_state.pop("leads_file_id", None)


def read_upload(uploaded) -> None:
    """Read the file into the session; on failure the previous list and its results go
    too (never a stale result under a new file's name) and the box ends in an error."""
    st.session_state["leads_file_id"] = uploaded.file_id
    with st.status(tr("app.leads.reading"), expanded=True) as status:
        wait = failed_upload_wait(upload_failures())
        if wait:
            st.caption(tr("journey.upload_wait", seconds=f"{wait:g}"))
            time.sleep(wait)
        bar = st.progress(0.0)
        try:
            leadset = open_upload(uploaded.name, uploaded.getvalue(), progress_callback(bar))
        except Exception as exc:  # never a traceback on the page; SenryokuError says why
            clear_leadset()
            upload_failed()
            status.update(label=tr("journey.upload_failed"), state="error", expanded=True)
            show_error(exc)
            return
        upload_read()
        bar.progress(1.0)
        ingest = leadset.ingest
        if uploaded.name.lower().endswith(".xlsx"):
            label = tr("journey.read_done_xlsx", rows=f"{ingest.rows:,}")
        else:
            label = tr("app.leads.read_done", rows=f"{ingest.rows:,}", encoding=ingest.encoding)
        status.update(label=label, state="complete", expanded=False)


# ---- column mapping ----


def _examples(leadset, profile) -> dict[str, str]:
    """One non-empty value per header, from the review rows (shown only to this session)."""
    out: dict[str, str] = {}
    category = max(profile.categories, key=lambda c: profile.categories[c], default=None)
    if category is None:
        return out
    try:
        frame = leadset.rows(category, limit=20)
    except SenryokuError:
        return out
    for header in leadset.headers:
        if header in frame.columns:
            values = [str(v) for v in frame[header] if v is not None and str(v).strip()]
            if values:
                out[header] = values[0][:24]
    return out


def _header_label(header: str | None, examples: dict[str, str]) -> str:
    if header is None:
        return tr("app.leads.mapping_none")
    example = examples.get(header)
    return tr("journey.header_example", header=header, example=example) if example else header


def _lowered(before: dict[str, float], after: dict[str, float]) -> list[str]:
    return [
        tr(
            "journey.mapping.lowered_item",
            field=tr(f"app.fields.{f}"),
            before=f"{v:.0%}",
            after=f"{after.get(f, 0.0):.0%}",
        )
        for f, v in before.items()
        if after.get(f, 0.0) < v - 1e-9
    ]


def _try_mapping(leadset, profile, changed: dict) -> None:
    """Apply ``changed``; when a field's completeness would drop, undo and ask first."""
    old = {f: leadset.mapping.get(f) for f in changed}
    leadset.set_mapping(changed)
    after = leadset.profile(current_lists(), dict(st.session_state["overrides"]))
    lowered = _lowered(dict(profile.completeness), dict(after.completeness))
    if lowered and st.session_state.get("mapping_confirm") != changed:
        leadset.set_mapping(old)
        st.session_state["mapping_pending"] = (changed, lowered)
    else:
        st.session_state.pop("mapping_pending", None)
    st.session_state.pop("mapping_confirm", None)
    remap()


def mapping_editor(leadset, profile) -> None:
    """Which header holds which field, named in the user's language with an example."""
    headers = list(leadset.headers)
    options = [None, *headers]
    examples = _examples(leadset, profile)
    serial = st.session_state["leadset_serial"]
    pending = st.session_state.get("mapping_pending")
    with st.expander(tr("app.leads.mapping_title"), expanded=pending is not None):
        st.caption(tr("app.leads.mapping_help"))
        if pending:
            st.warning(
                tr("journey.mapping.lowered", fields=tr("journey.list_sep").join(pending[1]))
            )
            if st.button(tr("journey.mapping.apply_anyway"), key="mapping_anyway"):
                st.session_state["mapping_confirm"] = pending[0]
                _apply_mapping(leadset, profile, pending[0])
        with st.form(f"mapping_form_{serial}", border=False):
            cols = st.columns(3)
            chosen = {}
            for i, field in enumerate(MAPPING_FIELDS):
                current = leadset.mapping.get(field)
                with cols[i % 3]:
                    chosen[field] = st.selectbox(
                        tr(f"journey.mapping_fields.{field}"),
                        options,
                        index=options.index(current) if current in options else 0,
                        format_func=lambda h: _header_label(h, examples),
                        key=f"map_{field}_{serial}",
                    )
            if st.form_submit_button(tr("app.leads.mapping_apply")):
                changed = {f: h for f, h in chosen.items() if leadset.mapping.get(f) != h}
                if changed:
                    _apply_mapping(leadset, profile, changed)


def _apply_mapping(leadset, profile, changed: dict) -> None:
    try:
        _try_mapping(leadset, profile, changed)
    except SenryokuError as exc:
        show_error(exc)
    else:
        st.rerun()


# ---- lists ----


def _lists_from_form(texts: dict[str, str], keywords: str, free_mail: bool) -> Lists:
    lists = Lists()
    for kind in LIST_KINDS:
        lists = lists.with_lines(kind, texts.get(kind, ""))
    words = [k.strip() for k in (keywords or "").splitlines() if k.strip()]
    icp = lists.icp.model_copy(
        update={"allow_free_mail": bool(free_mail), "exclude_keywords": words}
    )
    return lists.model_copy(update={"icp": icp})


def _seed_list_widgets(lists: Lists) -> None:
    """The text boxes show the session's lists (e.g. just loaded from YAML)."""
    ss = st.session_state
    for kind in LIST_KINDS:
        ss.setdefault(f"lists_{kind}", lists.lines(kind))
    ss.setdefault("lists_exclude_keywords", "\n".join(lists.icp.exclude_keywords))
    ss.setdefault("lists_allow_free_mail", bool(lists.icp.allow_free_mail))


def _read_lists_file(yaml_file) -> None:
    st.session_state["yaml_lists_file_id"] = yaml_file.file_id
    try:
        # refused by size before decoding, then read by the one bounded YAML loader
        text = yamlio.upload_text(yaml_file.getvalue(), yaml_file.name)
        set_lists(lists_from_yaml_text(text))
    except SenryokuError as exc:
        show_error(exc)
        return
    st.session_state["notice_lists"] = tr("journey.lists_loaded")
    st.rerun()


def lists_editor() -> None:
    """The own / competitor / partner lists and the ICP, one line per domain or company."""
    lists = current_lists()
    _seed_list_widgets(lists)
    with st.expander(tr("app.leads.lists_title"), expanded=lists != Lists()):
        st.caption(tr("app.leads.lists_help"))
        yaml_file = st.file_uploader(
            tr("app.leads.lists_upload"), type=["yaml", "yml"], key="yaml_lists_file"
        )
        if (
            yaml_file is not None
            and st.session_state.get("yaml_lists_file_id") != yaml_file.file_id
        ):
            _read_lists_file(yaml_file)
        notice = st.session_state.pop("notice_lists", None)
        if notice:
            st.success(notice)
        with st.form("lists_form", border=False):
            texts = {
                kind: st.text_area(
                    tr(f"app.leads.lists_fields.{kind}"),
                    key=f"lists_{kind}",
                    height=90,
                    max_chars=LISTS_TEXT_MAX_CHARS,
                )
                for kind in LIST_KINDS
            }
            keywords = st.text_area(
                tr("app.leads.lists_fields.exclude_keywords"),
                key="lists_exclude_keywords",
                height=70,
                max_chars=LISTS_TEXT_MAX_CHARS,
            )
            free_mail = st.checkbox(
                tr("app.leads.lists_fields.allow_free_mail"), key="lists_allow_free_mail"
            )
            if st.form_submit_button(tr("app.leads.lists_apply")):
                try:
                    new = _lists_from_form(texts, keywords, free_mail)
                except SenryokuError as exc:
                    show_error(exc)
                else:
                    set_lists(new)
                    st.session_state["notice_lists"] = tr("app.leads.lists_applied")
                    st.rerun()
