"""Checks for the ids some routes put into their URL path, applied before anything is sent.

Member, catch-all password, push-token and message ids are MongoDB ObjectIds; invite links
carry an ObjectId or a hex invite token (never a domain name). Holding a path value to its
one exact form keeps it from changing the route.
"""

from __future__ import annotations

import re

__all__ = ["invite_reference", "object_id"]

_OBJECT_ID = re.compile(r"[0-9a-f]{24}")
# helpers/encrypt-decrypt.js writes hex; its legacy format puts a "-" between IV and data.
_INVITE_TOKEN = re.compile(r"[0-9a-f][0-9a-f-]{23,}")


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value.strip()


def object_id(value: object, what: str) -> str:
    """A 24-character hex ObjectId, lowercased."""
    text = _text(value, what).lower()
    if not _OBJECT_ID.fullmatch(text):
        raise ValueError(f"{what} must be a 24-character hex id, got {value!r}")
    return text


def invite_reference(value: object, what: str = "invite") -> str:
    """The domain's ObjectId or the hex token of an invite link.

    The server never looks the value up as a domain name, so a name is refused here instead
    of becoming a 404 there.
    """
    text = _text(value, what).lower()
    if "." in text:
        raise ValueError(
            f"{what} must be the domain's id or the token from the invite link, not a domain "
            f"name ({value!r}): the server does not accept names here"
        )
    if not _INVITE_TOKEN.fullmatch(text):
        raise ValueError(f"{what} must be a domain id or a hex invite token, got {value!r}")
    return text
