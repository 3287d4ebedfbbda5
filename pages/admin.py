"""Admin page (operator only): consented submissions — list, export, delete."""

import re

import pandas as pd
import streamlit as st

from engine.core.errors import SenryokuError
from engine.store.db import open_store
from engine.store.submissions import delete_submission, export_csv, export_xlsx, list_submissions
from ui.admin_auth import require_operator
from ui.components import show_error
from ui.i18n import tr
from ui.state import ensure_routed

COLUMNS = (
    "created_at",
    "company",
    "contact_name",
    "email",
    "industry",
    "target_leads",
    "lead_base",
    "placement",
)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def _plain(text: object) -> str:
    """User-typed text for a markdown element: every markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))


ensure_routed()
st.title(tr("hosting.admin.title"))
if not require_operator():
    st.stop()

try:
    store = open_store()
    submissions = list_submissions(store)
except SenryokuError as exc:
    show_error(exc)
    st.stop()

if flash := st.session_state.pop("admin_flash", None):
    st.success(tr(flash))

if not submissions:
    st.info(tr("hosting.admin.empty"))
    st.stop()

st.write(tr("hosting.admin.count", n=len(submissions)))
table = pd.DataFrame([{c: s[c] for c in COLUMNS} for s in submissions])
table.columns = [tr(f"hosting.admin.columns.{c}") for c in COLUMNS]
st.dataframe(table, hide_index=True, key="admin_table")

left, right = st.columns(2)
left.download_button(
    tr("hosting.admin.export_csv"),
    data=export_csv(store),
    file_name="senryoku_submissions.csv",
    mime="text/csv",
    key="admin_export_csv",
)
right.download_button(
    tr("hosting.admin.export_xlsx"),
    data=export_xlsx(store),
    file_name="senryoku_submissions.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="admin_export_xlsx",
)

st.divider()
by_id = {s["id"]: s for s in submissions}
chosen = st.selectbox(
    tr("hosting.admin.delete_pick"),
    options=list(by_id),
    format_func=lambda i: (
        f"{by_id[i]['created_at']} · {by_id[i]['company']} · {by_id[i]['contact_name']}"
    ),
    key="admin_delete_pick",
)
if st.button(tr("hosting.admin.delete_button"), key="admin_delete"):
    st.session_state["admin_pending_delete"] = chosen

pending = st.session_state.get("admin_pending_delete")
if pending:
    target = by_id.get(pending)
    if target is None:
        st.session_state.pop("admin_pending_delete", None)
        st.warning(tr("hosting.admin.delete_missing"))
    else:
        st.warning(
            tr(
                "hosting.admin.delete_confirm",
                company=_plain(target["company"]),
                name=_plain(target["contact_name"]),
                created_at=_plain(target["created_at"]),
            )
        )
        yes, no = st.columns(2)
        if yes.button(tr("hosting.admin.delete_yes"), key="admin_delete_yes", type="primary"):
            st.session_state.pop("admin_pending_delete", None)
            found = delete_submission(store, pending)
            st.session_state["admin_flash"] = (
                "hosting.admin.deleted" if found else "hosting.admin.delete_missing"
            )
            st.rerun()
        if no.button(tr("hosting.admin.delete_no"), key="admin_delete_no"):
            st.session_state.pop("admin_pending_delete", None)
            st.rerun()
