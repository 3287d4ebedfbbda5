"""Team links: random lead tokens, invite tokens derived from them, and the hashes the store
keeps instead of either (a leaked database gives nobody a working link)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_token() -> str:
    """A fresh random token (lead or member link): 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    """The sha256 the store keeps in place of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derive_invite(admin_token: str, round_id: str, generation: int) -> str:
    """The invite token of a round's ``generation``, recomputable from the lead token alone."""
    mac = hmac.new(
        admin_token.encode("utf-8"), f"{round_id}:invite:{generation}".encode(), hashlib.sha256
    )
    # 24 bytes like secrets.token_urlsafe(24): 32 URL-safe characters.
    return base64.urlsafe_b64encode(mac.digest()[:24]).decode("ascii")


def plausible_token(token: object) -> bool:
    """True when ``token`` could be a token at all (checked before any hashing or lookup)."""
    return isinstance(token, str) and 16 <= len(token) <= 128
