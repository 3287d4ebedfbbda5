"""The profile tries an e-mail as written first and normalises only the ones that fail
(issue 14): whatever the spelling, validity, domain and duplicates must be those of the
e-mail after NFKC, trim and lower-case."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.leads.features import EMAIL_RE
from tests.test_profile import lead, leadset_from_rows

LOCAL = st.text(alphabet="abcXYZ019._-+ＡＢｃ", min_size=1, max_size=6)
DOMAIN = st.sampled_from(
    ["example.co.jp", "EXAMPLE.com", "ｅｘａｍｐｌｅ．ｊｐ", "a.b", "x_y.jp", "no-dot"]
)
EMAIL = st.builds(
    lambda pad, local, at, domain: f"{pad}{local}{at}{domain}{pad}",
    st.sampled_from(["", " ", "\u3000"]),
    LOCAL,
    st.sampled_from(["@", "＠", "@@"]),
    DOMAIN,
)


def normalised(email: str) -> str:
    return unicodedata.normalize("NFKC", email).strip(" ").lower()


@settings(max_examples=40, deadline=None)
@given(st.lists(EMAIL, min_size=1, max_size=6))
def test_validity_domain_and_duplicates_are_those_of_the_normalised_email(emails):
    """Test that each row's e-mail validity and domain, and which rows are e-mail
    duplicates, follow the e-mail after NFKC, trim and lower-case."""
    rows = [lead(e, last=f"L{i}", first="F") for i, e in enumerate(emails)]
    with leadset_from_rows(rows) as leads:
        leads.profile()
        got = leads.con.execute(
            "SELECT f.email_valid, f.domain, d.duplicate FROM _features f "
            "LEFT JOIN _duplicates d USING (_row) ORDER BY _row"
        ).fetchall()
    seen: set[str] = set()
    for email, (valid, domain, duplicate) in zip(emails, got, strict=True):
        norm = normalised(email)
        expected_valid = re.fullmatch(EMAIL_RE, norm) is not None
        assert valid == expected_valid, email
        assert domain == (norm.split("@", 1)[1] if expected_valid else None), email
        assert (duplicate == "duplicate_email") == (expected_valid and norm in seen), email
        if expected_valid:
            seen.add(norm)
