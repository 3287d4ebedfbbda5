"""Peer comparison on the results page: your target leads vs other diagnoses in your
industry, from stored aggregates; drawn only when at least 5 comparable ones exist."""

from __future__ import annotations

from typing import Any

import streamlit as st

from engine.core.i18n import t
from engine.store.db import open_store
from engine.store.submissions import PEER_MIN_N, peer_comparison


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if obj is None:
            return None
        obj = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
    return obj


def render_peer(facts: Any, diagnosis: Any, lang: str) -> None:
    """Draw the comparison, or nothing while fewer than 5 comparable submissions exist
    (or the store cannot be reached: the results page never fails because of it)."""
    industry = _get(facts, "company", "industry")
    target_leads = _get(diagnosis, "target_leads")
    if target_leads is None:
        return
    try:
        peers = peer_comparison(open_store(), industry, int(target_leads), min_n=PEER_MIN_N)
    except Exception:  # noqa: BLE001 - an optional panel; the store being down is not the user's problem
        return
    if peers is None:
        return
    st.subheader(t("hosting.peer.title", lang))
    if industry:
        key = f"hosting.industries.{industry}"
        label = t(key, lang)
        label = str(industry) if label == key else label
        st.caption(t("hosting.peer.caption_industry", lang, n=peers["n"], industry=label))
    else:
        st.caption(t("hosting.peer.caption_all", lang, n=peers["n"]))
    yours, median, middle = st.columns(3)
    yours.metric(t("hosting.peer.yours", lang), f"{int(target_leads):,}")
    median.metric(t("hosting.peer.median", lang), f"{peers['median']:,.0f}")
    middle.metric(
        t("hosting.peer.middle", lang),
        t("hosting.peer.range", lang, p25=f"{peers['p25']:,.0f}", p75=f"{peers['p75']:,.0f}"),
    )
    st.write(t("hosting.peer.percentile", lang, percentile=f"{peers['your_percentile']:g}"))
