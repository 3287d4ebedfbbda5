"""Senryoku (戦力診断) — entry point: shared state, language, share links, routing."""

from pathlib import Path

import streamlit as st

from ui.components import language_switch, step_indicator
from ui.i18n import tr
from ui.state import apply_share_token_from_url, init_state

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="戦力診断 Senryoku", page_icon="📊", layout="wide")
init_state()
share_error = apply_share_token_from_url()

STEPS = [
    st.Page(
        "pages/questionnaire.py",
        title=tr("app.nav.questionnaire"),
        url_path="questionnaire",
        default=True,
    ),
    st.Page("pages/leads.py", title=tr("app.nav.leads"), url_path="leads"),
    st.Page("pages/sales.py", title=tr("app.nav.sales"), url_path="sales"),
    st.Page("pages/results.py", title=tr("app.nav.results"), url_path="results"),
]
extra = []
if (ROOT / "pages" / "team.py").exists():
    extra.append(st.Page("pages/team.py", title=tr("app.nav.team"), url_path="team"))
if (ROOT / "pages" / "admin.py").exists():
    extra.append(st.Page("pages/admin.py", title=tr("app.nav.admin"), url_path="admin"))

pages = {tr("app.nav.journey"): STEPS}
if extra:
    pages[tr("app.nav.more")] = extra
current = st.navigation(pages)

language_switch()
if current in STEPS or current.url_path in {p.url_path for p in STEPS}:
    step_indicator(STEPS, current)
if share_error:
    st.error(tr(share_error))
current.run()
