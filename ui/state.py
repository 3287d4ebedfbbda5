"""The session's canonical state: the one module that owns ``st.session_state`` keys,
their invalidation and the few computations every page shares.

Canonical keys (widgets keep their own keys and copy into these) are listed in
``CANONICAL``; the widget keys of each form start with a prefix in ``WIDGET_PREFIXES``,
and each ``forget_*`` function below drops one form's widget keys so its widgets re-seed
from the canonical state. The profile is cached here keyed on (lead set, lists,
overrides), so moving a slider never re-profiles an upload. When the rows are gone (a
reload: they live only in the session) ``profile_snapshot`` keeps the list's counts.
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
from ui import url_state
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


CANONICAL: dict[str, Any] = {
    "questionnaire_id": DEFAULT_QUESTIONNAIRE,
    "answers": {},  # question id -> answer
    "sales": {},  # the sales page's inputs (ratings, headcount, ...), given ones only
    "overrides": {},  # row -> category, set while reviewing (session only)
    "leadset": None,  # the uploaded rows (session only, never in the URL)
    "lists": None,  # own / competitors / partners / ICP
    "profile": None,  # the lead profile of (leadset, lists, overrides)
    "profile_key": None,
    "leadset_serial": 0,  # bumped per file and per mapping change (widget keys use it)
    "profile_snapshot": None,  # the list's counts when its rows are not in this session
    "overrides_count": 0,  # corrections carried by the URL when the rows are gone
    "target_source": "profile",  # which target figure the diagnosis uses (list / stated)
}
WIDGET_PREFIXES = {
    "answers": ("q_",),
    "sales": ("rating_", "sales_"),
    "lists": ("lists_", "add_"),
    "mapping": ("map_",),
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
    for key, default in CANONICAL.items():
        if key not in ss:
            ss[key] = json.loads(json.dumps(default))


def _forget(prefixes: tuple[str, ...]) -> None:
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(prefixes):
            del st.session_state[key]


def forget_answer_widgets() -> None:
    """Drop the questionnaire's widget keys (they re-seed from ``answers``)."""
    _forget(WIDGET_PREFIXES["answers"])


def forget_sales_widgets() -> None:
    """Drop the sales page's widget keys (they re-seed from ``sales``), e.g. after the
    team's ratings were taken over; the cached diagnosis goes with them."""
    _forget(WIDGET_PREFIXES["sales"])
    st.session_state.pop("diagnosis_cache", None)


def forget_list_widgets() -> None:
    """Drop the lists form's widget keys (they re-seed from ``lists``)."""
    _forget(WIDGET_PREFIXES["lists"])


def forget_widgets() -> None:
    """Drop every form's widget keys so every widget re-seeds from the canonical state."""
    _forget(tuple(p for prefixes in WIDGET_PREFIXES.values() for p in prefixes))
    st.session_state.pop("diagnosis_cache", None)


def set_lists(lists: Lists | None) -> None:
    """Make ``lists`` the session's lists; the form's text boxes show them next run."""
    st.session_state["lists"] = lists
    st.session_state["profile_key"] = None
    forget_list_widgets()


def set_answers(answers: dict) -> None:
    """Replace the questionnaire answers (the widgets re-seed)."""
    st.session_state["answers"] = dict(answers)
    forget_answer_widgets()
    st.session_state.pop("diagnosis_cache", None)


def set_sales(sales: dict) -> None:
    """Replace the sales inputs (the widgets re-seed)."""
    st.session_state["sales"] = dict(sales)
    forget_sales_widgets()


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
    """The lead profile of the uploaded list, computed once per (list, lists, overrides);
    without rows in this session, the counts kept from before a reload (a dict), or None."""
    key = profile_key()
    ss = st.session_state
    if key is None:
        return ss.get("profile_snapshot")
    if ss.get("profile") is None or ss.get("profile_key") != key:
        ss["profile"] = ss["leadset"].profile(current_lists(), dict(ss["overrides"]))
        ss["profile_key"] = key
        ss["profile_snapshot"] = ss["profile"].summary()
    return ss["profile"]


def rows_missing() -> bool:
    """Whether the list's counts are known but its rows are not in this session."""
    ss = st.session_state
    return ss.get("leadset") is None and ss.get("profile_snapshot") is not None


def corrections_count() -> int:
    """How many rows were reclassified by hand (kept as a count across a reload)."""
    ss = st.session_state
    if ss.get("leadset") is not None:
        return len(ss.get("overrides") or {})
    return int(ss.get("overrides_count") or 0)


def diagnosis_profile(profile):
    """The profile the diagnosis uses: none when the user chose the stated target figure."""
    if profile is None or st.session_state.get("target_source") == "facts":
        return None
    return profile


def current_diagnosis(facts, profile, lang: str):
    """The diagnosis for these facts and this profile (cached for the same inputs)."""
    if facts is None:
        return None
    profile = diagnosis_profile(profile)
    summary = profile.summary() if hasattr(profile, "summary") else profile
    key = (facts.model_dump_json(), json.dumps(summary, sort_keys=True), lang)
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
    ss["overrides_count"] = 0
    ss["profile"] = None
    ss["profile_key"] = None
    ss["profile_snapshot"] = None
    ss["target_source"] = "profile"
    _forget(WIDGET_PREFIXES["mapping"])
    ss.pop("diagnosis_cache", None)


def clear_leadset() -> None:
    """Forget the uploaded list (and close it) and its counts: the diagnosis goes back to
    the stated figures."""
    set_leadset(None)


def upload_failed() -> None:
    """Count a failed upload (the next one waits longer, see ``failed_upload_wait``)."""
    st.session_state["upload_failures"] = st.session_state.get("upload_failures", 0) + 1


def upload_read() -> None:
    """A list was read: the failures in a row start again from zero."""
    st.session_state["upload_failures"] = 0


def upload_failures() -> int:
    """Failed uploads in a row in this session."""
    return int(st.session_state.get("upload_failures", 0))


def remap() -> None:
    """Make the next page run re-profile (after a mapping change)."""
    st.session_state["leadset_serial"] = st.session_state.get("leadset_serial", 0) + 1
    st.session_state.pop("diagnosis_cache", None)


# ---- sample data, saved inputs, share links ----


def load_sample(progress=None) -> None:
    """Load the sample Salesforce export, lists, answers and sales ratings."""
    ss = st.session_state
    qid, answers = load_answers(SAMPLE_ANSWERS)
    leadset = LeadSet.open(SAMPLE_LEADS, progress=progress, isolated=True)
    ss["questionnaire_id"] = qid or DEFAULT_QUESTIONNAIRE
    ss["answers"] = dict(answers)
    ss["sales"] = json.loads(json.dumps(SAMPLE_SALES))
    ss["lists"] = load_lists(SAMPLE_LISTS)
    set_leadset(leadset)
    forget_widgets()


def apply_inputs(questionnaire_id: str, answers: dict, sales: dict, lists=None) -> None:
    """Replace the session's answers and sales (and lists, when given)."""
    ss = st.session_state
    ss["questionnaire_id"] = questionnaire_id
    ss["answers"] = dict(answers)
    ss["sales"] = dict(sales)
    if lists is not None:
        ss["lists"] = lists
        ss["profile_key"] = None
    forget_widgets()


def apply_share_token_from_url() -> str | None:
    """Restore the journey from the URL (``?s=`` answers and sales, ``?j=`` language,
    lists, the list's counts) once per token; returns an error message code when a link
    is broken, None otherwise. Tokens this session wrote itself are not re-applied."""
    from engine.diagnosis import share

    ss = st.session_state
    error = None
    token = st.query_params.get("s")
    if token and ss.get("share_applied") != token and not _is_own(token):
        ss["share_applied"] = token
        try:
            data = share.decode(token)
        except SenryokuError as exc:
            error = exc.code
        else:
            apply_inputs(data["questionnaire_id"], data["answers"], data["sales"])
    journey = st.query_params.get("j")
    if journey and ss.get("journey_applied") != journey and not _is_own(journey):
        ss["journey_applied"] = journey
        try:
            data = url_state.decode_journey(journey)
        except SenryokuError as exc:
            return error or exc.code
        _apply_journey(data)
    return error


def _apply_journey(data: dict) -> None:
    ss = st.session_state
    ss["lang"] = data["lang"]
    if data["lists"] is not None:
        set_lists(data["lists"])
    if ss.get("leadset") is None:
        ss["profile_snapshot"] = data["profile"]
        ss["overrides_count"] = data["overrides_count"]
    ss["target_source"] = data["target_source"]
    ss.pop("diagnosis_cache", None)


def journey_params() -> dict[str, str]:
    """The URL's journey parameters for the session as it is now: ``s`` (answers and
    sales, the share token) and ``j`` (language, lists, the list's counts)."""
    from engine.diagnosis import share

    ss = st.session_state
    params: dict[str, str] = {}
    if ss.get("answers") or ss.get("sales"):
        try:
            params["s"] = share.encode(ss["questionnaire_id"], ss["answers"], ss["sales"])
        except SenryokuError:  # not shareable (said on the results page); the rest is kept
            pass
    journey = url_state.encode_journey(
        ss.get("lang", "ja"),
        ss.get("lists"),
        ss.get("profile_snapshot"),
        corrections_count(),
        ss.get("target_source", "profile"),
    )
    if journey:
        params["j"] = journey
    _remember_written(params.values())
    return params


# How many of the session's own URL tokens are remembered (a link drawn a few runs ago
# carries an older one).
MAX_WRITTEN = 64


def _remember_written(tokens) -> None:
    """Remember tokens this session put in a URL or a link: coming back in (a link clicked
    before the last change reached the page) they are stale, not a new link to apply."""
    written = st.session_state.setdefault("url_written", {})
    for token in tokens:
        written[token] = True
    while len(written) > MAX_WRITTEN:
        del written[next(iter(written))]


def _is_own(token: str) -> bool:
    return token in (st.session_state.get("url_written") or {})


def sync_url() -> None:
    """Write the journey's inputs into the URL (``s`` and ``j``) as the user goes, so a
    reload or a bookmark restores them; called after every run of a journey page."""
    ss = st.session_state
    wanted = journey_params()
    ss["share_applied"], ss["journey_applied"] = wanted.get("s"), wanted.get("j")
    for key in ("s", "j"):
        value = wanted.get(key)
        if value is None:
            if key in st.query_params:
                del st.query_params[key]
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def switch_page(page: str) -> None:
    """``st.switch_page`` carrying the journey in the new page's URL (a switch starts
    the next page with the URL it is given)."""
    params = journey_params()
    st.session_state["share_applied"] = params.get("s")
    st.session_state["journey_applied"] = params.get("j")
    st.switch_page(page, query_params=params)


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
    from ui.components import language_switch, show_error

    init_state()
    share_error = apply_share_token_from_url()
    language_switch()
    if share_error:
        show_error(share_error)
