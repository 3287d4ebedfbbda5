"""Opt-in at the end of a diagnosis: send the result with contact details to the operator.

Nothing is sent unless the prospect ticks the consent box (unticked by default; the send
button stays disabled until then). What is stored is described in engine/store/submissions.py:
facts, ratings, the recommendation and aggregate counts, never lead rows.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.core.errors import SenryokuError
from engine.core.i18n import t
from engine.store.db import open_store
from engine.store.submissions import Contact, save_submission

SENT_KEY = "consent_sent_to"


def render_consent(facts: Any, diagnosis: Any, profile: Any, lang: str) -> None:
    """Draw the opt-in form; on a consented send, store the submission and confirm."""
    st.subheader(t("hosting.consent.title", lang))
    sent_to = st.session_state.get(SENT_KEY)
    if sent_to:
        st.success(t("hosting.consent.success", lang, email=sent_to))
        return
    st.caption(t("hosting.consent.intro", lang))
    company = st.text_input(t("hosting.consent.company", lang), key="consent_company")
    name = st.text_input(t("hosting.consent.name", lang), key="consent_name")
    email = st.text_input(t("hosting.consent.email", lang), key="consent_email")
    consent = st.checkbox(t("hosting.consent.checkbox", lang), value=False, key="consent_given")
    clicked = st.button(
        t("hosting.consent.submit", lang), key="consent_submit", disabled=not consent
    )
    if not consent:
        st.caption(t("hosting.consent.needs_consent", lang))
    if not clicked:
        return
    try:
        contact = Contact.from_form(company, name, email)
        save_submission(open_store(), facts, diagnosis, profile, contact, consent, lang=lang)
    except SenryokuError as exc:  # a field to correct, or the store is unreachable
        st.error(exc.message(lang))
        return
    except Exception:  # noqa: BLE001 - a failed send must not break the results page
        st.error(t("hosting.consent.failed", lang))
        return
    st.session_state[SENT_KEY] = contact.email
    st.rerun()
