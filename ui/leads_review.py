"""The lead-list page's review table (one-click correction), "add to a list" and the
cleaned list's downloads (named per session and per build: issue 15, item 2)."""

from __future__ import annotations

import hashlib
import secrets

import streamlit as st

from engine.core.errors import SenryokuError
from engine.core.vocab import CATEGORIES
from engine.leads import export
from ui.components import show_error
from ui.i18n import lang, tr
from ui.leads import LIST_KINDS
from ui.state import current_lists, profile_key, set_lists

FRAME_KEY = "review_frame"


def _apply_review(editor_key: str) -> None:
    """Copy the category changes of the review table into the overrides."""
    state = st.session_state.get(editor_key) or {}
    frame = st.session_state.get(FRAME_KEY)
    if frame is None:
        return
    overrides = dict(st.session_state["overrides"])
    changed = 0
    for idx, edits in (state.get("edited_rows") or {}).items():
        new = edits.get("category")
        if new in CATEGORIES and int(idx) < len(frame):
            overrides[int(frame.iloc[int(idx)]["_row"])] = new
            changed += 1
    if changed:
        st.session_state["overrides"] = overrides
        st.session_state["review_applied"] = changed


def _review_frame(leadset, category: str):
    frame = leadset.rows(category, limit=20, lang=lang()).copy()
    overrides = st.session_state["overrides"]
    frame["category"] = [overrides.get(int(r), category) for r in frame["_row"]]
    # empty cells read empty, never "None"
    return frame.astype(object).where(frame.notna(), "")


def review(leadset, profile) -> None:
    """Example rows per category; changing a row's category re-counts at once."""
    st.subheader(tr("app.leads.review_title"))
    st.caption(tr("app.leads.review_help"))
    categories = dict(profile.categories)
    present = [c for c in CATEGORIES if categories.get(c)] or list(CATEGORIES)
    category = st.selectbox(
        tr("app.leads.review_category"),
        present,
        format_func=lambda c: f"{tr(f'app.categories.{c}')} ({categories.get(c, 0):,})",
        key="review_category",
    )
    try:
        frame = _review_frame(leadset, category)
    except SenryokuError as exc:
        show_error(exc)
        return
    st.session_state[FRAME_KEY] = frame
    count = len(st.session_state["overrides"])
    editor_key = f"review_editor_{category}_{st.session_state['leadset_serial']}_{count}"
    columns = list(frame.columns)
    order = ["category", "reason", *columns]
    st.data_editor(
        frame,
        key=editor_key,
        hide_index=True,
        width="stretch",
        height=320,
        column_order=[c for c in dict.fromkeys(order) if c in columns and c != "_row"],
        disabled=[c for c in columns if c != "category"],
        column_config={
            "category": st.column_config.SelectboxColumn(
                tr("app.leads.review_new_category"),
                options=list(CATEGORIES),
                format_func=lambda c: tr(f"app.categories.{c}"),
                required=True,
            ),
            "reason": st.column_config.TextColumn(tr("app.leads.review_reason")),
        },
        on_change=_apply_review,
        args=(editor_key,),
    )
    _corrections()
    add_to_list()


def _corrections() -> None:
    applied = st.session_state.pop("review_applied", 0)
    if applied:
        st.success(tr("app.leads.review_applied", count=applied))
    if st.session_state["overrides"]:
        with st.container(horizontal=True):
            st.caption(tr("app.leads.overrides_count", count=len(st.session_state["overrides"])))
            if st.button(tr("app.leads.overrides_reset"), key="overrides_reset"):
                st.session_state["overrides"] = {}
                st.rerun()


def add_to_list() -> None:
    """Add a domain or company seen in the rows to a list, read as the engine reads it."""
    with st.form("add_to_list_form", border=True):
        st.markdown(f"**{tr('app.leads.add_to_list')}**")
        kind = st.selectbox(
            tr("app.leads.add_kind"),
            LIST_KINDS,
            format_func=lambda k: tr(f"app.leads.lists_fields.{k}"),
            key="add_kind",
        )
        value = st.text_input(tr("app.leads.add_value"), key="add_value")
        if st.form_submit_button(tr("app.leads.add_button")) and value.strip():
            try:
                lists = current_lists().add_lines(kind, value)
            except SenryokuError as exc:
                show_error(exc)
            else:
                set_lists(lists)
                st.session_state["done_add"] = tr(
                    "app.leads.add_done",
                    value=value.strip(),
                    kind=tr(f"app.leads.lists_fields.{kind}"),
                )
                st.rerun()
    done = st.session_state.pop("done_add", None)
    if done:
        st.success(done)


def download_name(stem: str, suffix: str) -> str:
    """A file name unique to this session and this build of the list. Streamlit names a
    download by a hash of its name and, above 1 MiB, only samples of its bytes: two
    sessions' near-identical lists under one name were served the first one's file."""
    ss = st.session_state
    if "download_salt" not in ss:
        ss["download_salt"] = secrets.token_hex(8)
    build = hashlib.sha256(f"{ss['download_salt']}|{profile_key()!r}".encode()).hexdigest()
    return f"{stem}_{build[:10]}.{suffix}"


def downloads(leadset) -> None:
    """The cleaned target list as CSV (UTF-8 with BOM) and as Excel."""
    st.subheader(tr("app.leads.download_title"))
    st.caption(tr("app.leads.download_help"))
    with st.container(horizontal=True):
        st.download_button(
            tr("app.leads.download_csv"),
            lambda: export.csv_bytes(leadset.cleaned_targets()),
            file_name=download_name("target_leads", "csv"),
            mime="text/csv",
            key="download_targets_csv",
            on_click="ignore",
        )
        st.download_button(
            tr("app.leads.download_xlsx"),
            lambda: export.xlsx_bytes(leadset.cleaned_targets()),
            file_name=download_name("target_leads", "xlsx"),
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_targets_xlsx",
            on_click="ignore",
        )
