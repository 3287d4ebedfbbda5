"""Senryoku (戦力診断) — entry point: shared state, language, share links, routing."""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from ui.components import language_switch, show_error, step_indicator
from ui.housekeeping import start_memory_housekeeping
from ui.i18n import tr
from ui.state import apply_share_token_from_url, init_state, sync_url

# Query parameters that belong to the team page (invite, member and lead links).
TEAM_PARAMS = ("team", "member", "team_admin")

# The icon is served by the app itself: a ":material/...:" icon makes every browser fetch
# it from fonts.gstatic.com, telling a third party who visits.
ICON = Path(__file__).resolve().parent / "static" / "senryoku.png"
st.set_page_config(page_title="戦力診断 Senryoku", page_icon=str(ICON), layout="wide")
start_memory_housekeeping()
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
TEAM_PAGE = st.Page("pages/team.py", title=tr("app.nav.team"), url_path="team")
# The operator's page: reachable at /admin, not listed for prospects.
ADMIN_PAGE = st.Page(
    "pages/admin.py", title=tr("app.nav.admin"), url_path="admin", visibility="hidden"
)

current = st.navigation({tr("app.nav.journey"): STEPS, tr("app.nav.more"): [TEAM_PAGE, ADMIN_PAGE]})
if current.url_path == "" and any(st.query_params.get(p) for p in TEAM_PARAMS):
    # A team link without its /team path (cut off, or typed by hand) still opens the team page.
    st.switch_page(TEAM_PAGE, query_params=st.query_params.to_dict())

language_switch()
journey_page = current.url_path in {p.url_path for p in STEPS}
if journey_page:
    step_indicator(STEPS, current)
if share_error:
    show_error(share_error)
try:
    current.run()
except StopException:  # a page that stops early has still changed what the URL keeps
    if journey_page:
        sync_url()
    raise
if journey_page:
    sync_url()
