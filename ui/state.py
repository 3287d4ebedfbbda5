"""The session's canonical state and the few computations every page shares.

Canonical keys (widgets keep their own keys and copy into these): ``lang``,
``questionnaire_id``, ``answers``, ``sales``, ``leadset`` (session only), ``lists``,
``overrides``, ``profile``. The profile is cached here keyed on (lead set, lists,
overrides), so moving a slider never re-profiles an upload.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st

from engine.core.errors import SenryokuError
from engine.diagnosis.diagnose import diagnose
from engine.diagnosis.facts import Facts, set_path
from engine.diagnosis.questionnaire import Questionnaire, available_questionnaires, load_answers
from engine.leads.leadset import LeadSet
from engine.leads.lists import Lists, load_lists
from ui.i18n import language_from_locale

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_LEADS = ROOT / "sample_data" / "salesforce_leads_ja.csv"
SAMPLE_LISTS = ROOT / "sample_data" / "lists.yaml"
SAMPLE_ANSWERS = ROOT / "sample_data" / "answers_quick.yaml"

DEFAULT_QUESTIONNAIRE = "quick"
# A closing-heavy team: the situation the source talk warns about, so a newcomer sees
# the marketing/sales gap called out.
SAMPLE_SALES: dict[str, Any] = {
    "ratings": {"appointment": 2, "relationship": 2, "opportunity": 3, "closing": 5},
    "headcount": 8,
    "inside_sales_headcount": 0,
    "opportunities_per_rep_month": 4,
    "sales_cycle_months": 6,
    "style": "route",
}


def init_state() -> None:
    """Fill the canonical keys once per session; the language follows the browser."""
    ss = st.session_state
    if "lang" not in ss:
        try:
            locale = st.context.locale
        except Exception:  # no browser context (AppTest, bare script run)
            locale = None
        ss["lang"] = language_from_locale(locale)
    ss.setdefault("questionnaire_id", DEFAULT_QUESTIONNAIRE)
    ss.setdefault("answers", {})
    ss.setdefault("sales", {})
    ss.setdefault("overrides", {})
    ss.setdefault("leadset", None)
    ss.setdefault("lists", None)
    ss.setdefault("profile", None)
    ss.setdefault("profile_key", None)
    ss.setdefault("leadset_serial", 0)


# ---- questionnaire and lists ----


def questionnaires() -> dict[str, Questionnaire]:
    """Every questionnaire in ``questionnaires/`` by id."""
    return available_questionnaires()


def current_questionnaire():
    """The questionnaire the user picked (the first available when the id is unknown)."""
    available = questionnaires()
    if not available:
        return None
    qid = st.session_state.get("questionnaire_id")
    if qid not in available:
        qid = DEFAULT_QUESTIONNAIRE if DEFAULT_QUESTIONNAIRE in available else next(iter(available))
        st.session_state["questionnaire_id"] = qid
    return available[qid]


def empty_lists() -> Lists:
    """An empty ``Lists``: nothing own, competing or partnering yet."""
    return Lists()


def current_lists():
    """The session's lists, an empty one when none were given."""
    lists = st.session_state.get("lists")
    return lists if lists is not None else empty_lists()


# ---- facts, profile, diagnosis ----


def sales_paths(sales: dict[str, Any]) -> dict[str, Any]:
    """The sales-page inputs as ``{fact path: value}`` (``sales.ratings.closing`` ...)."""
    paths: dict[str, Any] = {}
    for key, value in sales.items():
        if key == "ratings":
            for phase, rating in (value or {}).items():
                paths[f"sales.ratings.{phase}"] = rating
        elif value is not None:
            paths[f"sales.{key}"] = value
    return paths


def current_facts() -> Facts | None:
    """Facts from the answers with the sales-page inputs laid over them; None when no
    questionnaire is available. Raises InputError (naming the fact path) when the answers
    and sales inputs cannot make facts."""
    questionnaire = current_questionnaire()
    if questionnaire is None:
        return None
    facts = questionnaire.to_facts(dict(st.session_state["answers"]))
    paths = sales_paths(st.session_state.get("sales") or {})
    if not paths:
        return facts
    data = facts.model_dump()
    for path, value in paths.items():
        set_path(data, path, value)
    data["assumed"] = [p for p in data.get("assumed", []) if p not in paths]
    return Facts.from_dict(data)


def profile_key() -> tuple | None:
    """What the profile depends on: the lead set, the lists and the overrides."""
    if st.session_state.get("leadset") is None:
        return None
    lists = current_lists()
    lists_json = lists.model_dump_json() if lists is not None else ""
    overrides = tuple(sorted((int(k), v) for k, v in st.session_state["overrides"].items()))
    return (st.session_state["leadset_serial"], lists_json, overrides)


def current_profile():
    """The lead profile of the uploaded list, computed once per (list, lists, overrides)."""
    key = profile_key()
    if key is None:
        return None
    ss = st.session_state
    if ss.get("profile") is None or ss.get("profile_key") != key:
        ss["profile"] = ss["leadset"].profile(current_lists(), dict(ss["overrides"]))
        ss["profile_key"] = key
    return ss["profile"]


def current_diagnosis(facts, profile, lang: str):
    """The diagnosis for these facts and this profile (cached for the same inputs)."""
    if facts is None:
        return None
    key = (facts.model_dump_json(), st.session_state.get("profile_key"), lang)
    cached = st.session_state.get("diagnosis_cache")
    if cached and cached[0] == key:
        return cached[1]
    diagnosis = diagnose(facts, profile, lang)
    st.session_state["diagnosis_cache"] = (key, diagnosis)
    return diagnosis


# ---- lead set lifecycle (personal data: session memory only) ----


def set_leadset(leadset) -> None:
    """Make ``leadset`` the session's list, closing the one before it."""
    ss = st.session_state
    old = ss.get("leadset")
    if old is not None and old is not leadset:
        try:
            old.close()
        except Exception:  # a failed close must not keep the new list from loading
            pass
    ss["leadset"] = leadset
    ss["leadset_serial"] = ss.get("leadset_serial", 0) + 1
    ss["overrides"] = {}
    ss["profile"] = None
    ss["profile_key"] = None
    ss.pop("diagnosis_cache", None)


def clear_leadset() -> None:
    """Forget the uploaded list (and close it)."""
    set_leadset(None)


# ---- sample data, saved inputs, share links ----


def load_sample(progress=None) -> None:
    """Load the sample Salesforce export, lists, answers and sales ratings."""
    ss = st.session_state
    qid, answers = load_answers(SAMPLE_ANSWERS)
    ss["questionnaire_id"] = qid or DEFAULT_QUESTIONNAIRE
    ss["answers"] = dict(answers)
    ss["sales"] = json.loads(json.dumps(SAMPLE_SALES))
    ss["lists"] = load_lists(SAMPLE_LISTS)
    set_leadset(LeadSet.open(SAMPLE_LEADS, progress=progress, isolated=True))
    forget_widgets()


def forget_widgets() -> None:
    """Drop the widget keys so every widget re-seeds from the canonical state."""
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(("q_", "rating_", "sales_")):
            del st.session_state[key]


def apply_inputs(questionnaire_id: str, answers: dict, sales: dict, lists=None) -> None:
    """Replace the session's answers and sales (and lists, when given)."""
    ss = st.session_state
    ss["questionnaire_id"] = questionnaire_id
    ss["answers"] = dict(answers)
    ss["sales"] = dict(sales)
    if lists is not None:
        ss["lists"] = lists
        ss["profile_key"] = None
    ss.pop("diagnosis_cache", None)
    forget_widgets()


def apply_share_token_from_url() -> str | None:
    """Restore answers and sales from ``?s=<token>`` once per token; returns an error
    message code when the link is broken, None otherwise."""
    from engine.diagnosis import share

    token = st.query_params.get("s")
    if not token or st.session_state.get("share_applied") == token:
        return None
    st.session_state["share_applied"] = token
    try:
        data = share.decode(token)
    except SenryokuError as exc:
        return exc.code
    apply_inputs(data["questionnaire_id"], data["answers"], data["sales"])
    return None


def ensure_routed() -> None:
    """Set up the session when Streamlit ran a page file without ``app.py``.

    With a ``pages/`` folder next to the entry script, Streamlit runs the page file by
    itself (its older multipage mode) until some run has called ``st.navigation`` — so
    the very first request of a fresh server, when it is a deep link such as a share
    link to ``/results``, would skip app.py's state, share link and language switch.
    This run sets them up itself (no rerun, so no click is lost); the flag is cleared
    so every later run goes through app.py's router."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    if not PagesManager.uses_pages_directory:
        return
    PagesManager.uses_pages_directory = False
    from ui.components import language_switch
    from ui.i18n import tr

    init_state()
    share_error = apply_share_token_from_url()
    language_switch()
    if share_error:
        st.error(tr(share_error))


def set_sales(sales: dict) -> None:
    """Replace the sales inputs; the sales page's widgets re-seed from them and the cached
    diagnosis is dropped (e.g. after the team's ratings were taken over)."""
    # Same name and meaning as the journey branch's set_sales: keep that one at merge.
    st.session_state["sales"] = dict(sales)
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(("rating_", "sales_")):
            del st.session_state[key]
    st.session_state.pop("diagnosis_cache", None)
