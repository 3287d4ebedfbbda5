"""Real date headers of trade-show and card exports are read as the contact date."""

from __future__ import annotations

import pytest

from engine.leads.mapping import auto_map


@pytest.mark.parametrize(
    "header", ["来場日", "来場日時", "交換日", "名刺交換日", "受付日", "Visit Date"]
)
def test_trade_show_and_card_dates_map_to_the_exchange_date(header):
    """Test that a trade-show visit or card exchange date column feeds lead freshness."""
    mapping = auto_map(["氏名", "会社名", "メールアドレス", header])
    assert mapping["exchange_date"] == header
