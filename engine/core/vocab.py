"""The domain's vocabulary, defined once: every sub-system names phases, stages, lead
categories, placements and initiatives with these tuples (in this order)."""

from __future__ import annotations

# sales funnel phases the team rates 1..5 (domain.md §2), in funnel order
PHASES = ("appointment", "relationship", "opportunity", "closing")

# lead stages of the waterfall (domain.md §3); "unknown" when a row's stage is not recognised
STAGES = ("lead", "mql", "isal", "isql", "sal", "sql", "won", "unknown")
# the part of the waterfall drawn as the funnel chart, and the inside-sales stages in it
WATERFALL_STAGES = ("mql", "isal", "isql", "sal", "sql")
INSIDE_SALES_STAGES = ("isal", "isql")

# what a lead-list row is, in the order a row's category is decided (domain.md §1)
CATEGORIES = (
    "target",
    "duplicate",
    "invalid",
    "internal",
    "competitor",
    "partner",
    "departed",
    "out_of_profile",
)

# where inside sales goes (domain.md §4)
PLACEMENTS = ("not_yet", "qualify_before_sales", "appointment_setting", "nurture_long_cycle")

# the three initiatives the diagnosis ranks
INITIATIVES = ("lead_gen", "content", "scoring")

# roadmap horizons
HORIZONS = ("1m", "3m", "1y", "2y")
