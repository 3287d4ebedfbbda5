"""Step 2 (optional): upload a lead list and see how many real target leads it holds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from engine.core import yamlio
from engine.core.errors import SenryokuError
from engine.core.vocab import CATEGORIES
from engine.leads import export
from engine.leads.lists import lists_from_yaml_text
from engine.leads.mapping import FIELDS as MAPPING_FIELDS
from engine.reports import charts
from ui.components import privacy_note, show_error
from ui.i18n import lang, tr
from ui.leads import (
    LIST_KINDS,
    lists_from_form,
    lists_to_text,
    open_upload,
    progress_callback,
    reset_profile,
)
from ui.state import clear_leadset, current_lists, current_profile, ensure_routed

ensure_routed()

# Streamlit cuts a text area's value to max_chars on the server too: about 5,000 lines,
# far more than a company's own, competitor or partner list, and cheap to check.
LISTS_TEXT_MAX_CHARS = 100_000


def _get(obj, key, default=None):
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _read_upload(uploaded) -> None:
    with st.status(tr("app.leads.reading"), expanded=True) as status:
        bar = st.progress(0.0)
        try:
            leadset = open_upload(uploaded.name, uploaded.getvalue(), progress_callback(bar))
        except SenryokuError as exc:
            status.update(state="error")
            st.session_state["leads_file_id"] = uploaded.file_id
            show_error(exc)
            return
        except Exception as exc:  # never a traceback on the page
            status.update(state="error")
            st.session_state["leads_file_id"] = uploaded.file_id
            show_error(exc)
            return
        bar.progress(1.0)
        st.session_state["leads_file_id"] = uploaded.file_id
        ingest = leadset.ingest
        status.update(
            label=tr("app.leads.read_done", rows=f"{ingest.rows:,}", encoding=ingest.encoding),
            state="complete",
            expanded=False,
        )


def _mapping_editor(leadset) -> None:
    headers = list(leadset.ingest.headers)
    options = [None, *headers]
    with st.expander(tr("app.leads.mapping_title")):
        st.caption(tr("app.leads.mapping_help"))
        with st.form("mapping_form", border=False):
            cols = st.columns(3)
            chosen = {}
            for i, field in enumerate(MAPPING_FIELDS):
                current = leadset.mapping.get(field)
                with cols[i % 3]:
                    chosen[field] = st.selectbox(
                        field,
                        options,
                        index=options.index(current) if current in options else 0,
                        format_func=lambda h: tr("app.leads.mapping_none") if h is None else h,
                        key=f"map_{field}",
                    )
            if st.form_submit_button(tr("app.leads.mapping_apply")):
                changed = {f: h for f, h in chosen.items() if leadset.mapping.get(f) != h}
                if changed:
                    try:
                        leadset.set_mapping(changed)
                    except SenryokuError as exc:
                        show_error(exc)
                    else:
                        reset_profile()
                        st.rerun()


def _lists_editor() -> None:
    lists = current_lists()
    with st.expander(tr("app.leads.lists_title")):
        st.caption(tr("app.leads.lists_help"))
        yaml_file = st.file_uploader(tr("app.leads.lists_upload"), type=["yaml", "yml"])
        if yaml_file is not None and st.session_state.get("lists_file_id") != yaml_file.file_id:
            st.session_state["lists_file_id"] = yaml_file.file_id
            try:
                text = yamlio.upload_text(yaml_file.getvalue(), yaml_file.name)
                st.session_state["lists"] = lists_from_yaml_text(text)
                st.rerun()
            except SenryokuError as exc:
                show_error(exc)
            except (UnicodeDecodeError, ValueError) as exc:
                show_error(exc)
        with st.form("lists_form", border=False):
            texts = {
                kind: st.text_area(
                    tr(f"app.leads.lists_fields.{kind}"),
                    value=lists_to_text(lists, kind),
                    key=f"lists_{kind}",
                    height=90,
                    max_chars=LISTS_TEXT_MAX_CHARS,
                )
                for kind in LIST_KINDS
            }
            icp = getattr(lists, "icp", None)
            keywords = st.text_area(
                tr("app.leads.lists_fields.exclude_keywords"),
                value="\n".join(getattr(icp, "exclude_keywords", []) or []),
                key="lists_exclude_keywords",
                height=70,
                max_chars=LISTS_TEXT_MAX_CHARS,
            )
            free_mail = st.checkbox(
                tr("app.leads.lists_fields.allow_free_mail"),
                value=bool(getattr(icp, "allow_free_mail", False)),
                key="lists_allow_free_mail",
            )
            if st.form_submit_button(tr("app.leads.lists_apply")):
                try:
                    st.session_state["lists"] = lists_from_form(texts, keywords, free_mail)
                except SenryokuError as exc:
                    show_error(exc)
                except ValueError as exc:
                    show_error(exc)
                else:
                    st.rerun()


def _composition(profile) -> None:
    categories = dict(_get(profile, "categories", {}) or {})
    rows = int(_get(profile, "rows", 0) or 0)
    targets = int(categories.get("target", 0))
    st.subheader(tr("app.leads.composition_title"))
    with st.container(horizontal=True, key="lead_metrics"):
        st.metric(tr("app.leads.total_rows"), f"{rows:,}", width="content")
        st.metric(tr("app.leads.target_leads"), f"{targets:,}", width="content")
        share = targets / rows if rows else 0
        st.metric(tr("app.leads.target_share"), f"{share:.0%}", width="content")
        st.metric(tr("app.leads.not_target"), f"{rows - targets:,}", width="content")
    left, right = st.columns([3, 2])
    with left:
        st.altair_chart(charts.composition_chart(categories, lang()), width="stretch")
    with right:
        table = pd.DataFrame(
            [
                {
                    tr("app.leads.category_table"): r["label"],
                    tr("app.leads.count"): r["value"],
                    tr("app.leads.share"): f"{r['share']:.1%}",
                }
                for r in charts.composition_data(categories, lang())
            ]
        )
        st.dataframe(table, hide_index=True, width="stretch", key="category_counts")


def _details(profile) -> None:
    stages = dict(_get(profile, "stages", {}) or {})
    left, right = st.columns(2)
    with left:
        st.subheader(tr("app.leads.waterfall_title"))
        st.altair_chart(charts.waterfall_chart(stages, None, lang()), width="stretch")
    with right:
        st.subheader(tr("app.leads.lead_age_title"))
        lead_age = _get(profile, "lead_age")
        median = _get(lead_age, "median_months")
        if lead_age and charts.lead_age_data(lead_age, lang()):
            st.altair_chart(charts.lead_age_chart(lead_age, lang()), width="stretch")
            if median is not None:
                st.caption(
                    tr(
                        "app.leads.lead_age_median",
                        months=f"{float(median):.1f}",
                        column=", ".join(_get(lead_age, "source") or []),
                    )
                )
        else:
            st.caption(tr("app.leads.lead_age_none"))
    left, right = st.columns(2)
    with left:
        st.subheader(tr("app.leads.completeness_title"))
        completeness = dict(_get(profile, "completeness", {}) or {})
        if completeness:
            df = pd.DataFrame(
                {
                    "field": [tr(f"app.fields.{f}") for f in completeness],
                    "share": [float(v) for v in completeness.values()],
                }
            )
            st.dataframe(
                df,
                hide_index=True,
                width="stretch",
                column_config={
                    "field": st.column_config.TextColumn(" "),
                    "share": st.column_config.ProgressColumn(
                        "%", min_value=0.0, max_value=1.0, format="percent"
                    ),
                },
            )
    with right:
        st.subheader(tr("app.leads.top_accounts_title"))
        top = list(_get(profile, "top_accounts", []) or [])[:10]
        if top:
            df = pd.DataFrame(
                [
                    {
                        tr("app.leads.company"): _get(a, "company"),
                        tr("app.leads.leads"): _get(a, "leads"),
                        tr("app.leads.targets"): _get(a, "targets"),
                    }
                    for a in top
                ]
            )
            st.dataframe(df, hide_index=True, width="stretch")


def _apply_review(editor_key: str, frame_key: str) -> None:
    """Copy the category changes of the review table into the overrides."""
    state = st.session_state.get(editor_key) or {}
    frame = st.session_state.get(frame_key)
    if frame is None:
        return
    overrides = dict(st.session_state["overrides"])
    changed = 0
    for idx, edits in (state.get("edited_rows") or {}).items():
        new = edits.get("category")
        if new in CATEGORIES and int(idx) < len(frame):
            row_id = int(frame.iloc[int(idx)]["_row"])
            overrides[row_id] = new
            changed += 1
    if changed:
        st.session_state["overrides"] = overrides
        st.session_state["review_applied"] = changed


def _review(leadset, profile) -> None:
    st.subheader(tr("app.leads.review_title"))
    st.caption(tr("app.leads.review_help"))
    categories = dict(_get(profile, "categories", {}) or {})
    present = [c for c in CATEGORIES if categories.get(c)] or list(CATEGORIES)
    category = st.selectbox(
        tr("app.leads.review_category"),
        present,
        format_func=lambda c: f"{tr(f'app.categories.{c}')} ({categories.get(c, 0):,})",
        key="review_category",
    )
    try:
        frame = leadset.rows(category, limit=20, lang=lang())
    except SenryokuError as exc:
        show_error(exc)
        return
    frame = frame.copy()
    if "_row" in frame.columns:
        overrides = st.session_state["overrides"]
        frame["category"] = [overrides.get(int(r), category) for r in frame["_row"]]
    frame_key = "review_frame"
    st.session_state[frame_key] = frame
    count = len(st.session_state["overrides"])
    editor_key = f"review_editor_{category}_{st.session_state['leadset_serial']}_{count}"
    columns = list(frame.columns)
    lead_cols = ["category"] + (["reason"] if "reason" in columns else [])
    order = [c for c in lead_cols + columns if c != "_row"]
    st.data_editor(
        frame,
        key=editor_key,
        hide_index=True,
        width="stretch",
        height=320,
        column_order=list(dict.fromkeys(order)),
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
        args=(editor_key, frame_key),
    )
    applied = st.session_state.pop("review_applied", 0)
    if applied:
        st.success(tr("app.leads.review_applied", count=applied))
    if st.session_state["overrides"]:
        with st.container(horizontal=True):
            st.caption(tr("app.leads.overrides_count", count=len(st.session_state["overrides"])))
            if st.button(tr("app.leads.overrides_reset"), key="overrides_reset"):
                st.session_state["overrides"] = {}
                st.rerun()
    _add_to_list()


def _add_to_list() -> None:
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
            text = lists_to_text(current_lists(), kind)
            texts = {k: lists_to_text(current_lists(), k) for k in LIST_KINDS}
            texts[kind] = f"{text}\n{value.strip()}" if text else value.strip()
            icp = getattr(current_lists(), "icp", None)
            try:
                st.session_state["lists"] = lists_from_form(
                    texts,
                    "\n".join(getattr(icp, "exclude_keywords", []) or []),
                    bool(getattr(icp, "allow_free_mail", False)),
                )
            except (SenryokuError, ValueError) as exc:
                show_error(exc)
            else:
                st.session_state["add_done"] = tr(
                    "app.leads.add_done",
                    value=value.strip(),
                    kind=tr(f"app.leads.lists_fields.{kind}"),
                )
                st.rerun()
    done = st.session_state.pop("add_done", None)
    if done:
        st.success(done)


def _downloads(leadset) -> None:
    st.subheader(tr("app.leads.download_title"))
    st.caption(tr("app.leads.download_help"))

    def csv_data() -> bytes:
        return export.csv_bytes(leadset.cleaned_targets())

    def xlsx_data() -> bytes:
        return export.xlsx_bytes(leadset.cleaned_targets())

    with st.container(horizontal=True):
        st.download_button(
            tr("app.leads.download_csv"),
            csv_data,
            file_name="target_leads.csv",
            mime="text/csv",
            key="download_targets_csv",
            on_click="ignore",
        )
        st.download_button(
            tr("app.leads.download_xlsx"),
            xlsx_data,
            file_name="target_leads.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="download_targets_xlsx",
            on_click="ignore",
        )


st.header(tr("app.leads.title"))
st.caption(tr("app.leads.intro"))
privacy_note()

uploaded = st.file_uploader(
    tr("app.leads.upload_label"),
    type=["csv", "tsv", "txt", "xlsx"],
    help=tr("app.leads.upload_help"),
    key="leads_file",
)
if uploaded is not None and st.session_state.get("leads_file_id") != uploaded.file_id:
    _read_upload(uploaded)

leadset = st.session_state.get("leadset")
if leadset is None:
    st.page_link("pages/sales.py", label=tr("app.leads.next"), icon=":material/arrow_forward:")
    st.stop()

if st.button(tr("app.leads.remove"), key="leads_remove"):
    clear_leadset()
    st.rerun()

_mapping_editor(leadset)
_lists_editor()
try:
    with st.spinner():
        profile = current_profile()
except SenryokuError as exc:
    show_error(exc)
    st.stop()
_composition(profile)
_details(profile)
_review(leadset, profile)
_downloads(leadset)
st.page_link("pages/sales.py", label=tr("app.leads.next"), icon=":material/arrow_forward:")
