"""Team mode inside the whole app (AppTest of app.py): the lead takes the team ratings
over and the results page names the phase the team disagrees on."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from engine import team
from engine.core.i18n import t
from engine.store.db import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def team_store(tmp_path, monkeypatch):
    """The app's store: a fresh DuckDB file, whatever DATABASE_URL says."""
    s = Store(f"duckdb:///{tmp_path / 'store.duckdb'}")
    monkeypatch.setattr("engine.store.db.open_store", lambda url=None: s)
    yield s
    s.close()


def test_team_ratings_reach_the_results_page(team_store):
    """Test that after the lead takes the team ratings over, the results page runs and
    warns that the raters disagree on closing."""
    new = team.start_round(team_store, "Acme")
    for role, closing in (("marketing", 1), ("sales", 5)):
        team.submit_rating(
            team_store,
            new.invite_token,
            {
                "role": role,
                "ratings": {
                    "appointment": 3,
                    "relationship": 3,
                    "opportunity": 3,
                    "closing": closing,
                },
            },
        )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    answers = yaml.safe_load((ROOT / "sample_data" / "answers_quick.yaml").read_text("utf-8"))
    at.session_state["answers"] = dict(answers.get("answers", answers))
    at.query_params["team_admin"] = new.admin_token
    at.switch_page("pages/team.py").run()
    at.button(key="team_use_in_diagnosis").click().run()
    assert at.session_state["sales"]["rating_spread"]["closing"] == 4
    at.switch_page("pages/results.py").run()
    assert not at.exception
    shown = " ".join(e.value for e in [*at.markdown, *at.warning, *at.info])
    assert "Raters disagree strongly" in shown
    assert t("team.phase.closing", "en").lower() in shown.lower()


@pytest.mark.parametrize(
    ("param", "heading"), [("team", "team.member.heading"), ("team_admin", "team.lead.heading")]
)
def test_team_link_without_its_path_opens_the_team_page(team_store, param, heading):
    """Test that ``/?team=...`` and ``/?team_admin=...`` (the /team path cut off) open the
    member form and the lead's view, keeping the token."""
    new = team.start_round(team_store, "Acme")
    token = new.invite_token if param == "team" else new.admin_token
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.query_params[param] = token
    at.run()
    assert not at.exception and not at.error
    assert [h.value for h in at.header] == [t(heading, "en", company="Acme")]
    assert at.query_params[param] == token
