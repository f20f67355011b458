"""``client.encrypt(text)``: encrypt a DNS TXT value, such as a forwarding recipient.

The server publishes ``forward-email=<base64>`` records it can decrypt, so a domain's
forwarding targets need not be readable in public DNS. The endpoint is public.
"""

from __future__ import annotations

from forwardemail_async._core.requester import Requester

__all__ = ["encrypt_txt"]


def _check(value: object) -> str:
    # A blank value, 1000 characters or more, or a site-verification record: the server
    # answers 400 (with its generic "An unknown error has occurred." text).
    if not isinstance(value, str):
        raise TypeError(f"the value to encrypt must be a str, not {type(value).__name__}")
    return value


async def encrypt_txt(requester: Requester, value: str) -> str:
    """POST /v1/encrypt without credentials; the answer is the text of the TXT record.

    Encrypting has no side effect, so it may be repeated after a failure whatever the retry
    policy says about POSTs.
    """
    response = await requester.send(
        "POST",
        "/v1/encrypt",
        json={"input": _check(value)},
        authenticated=False,
        allow_non_idempotent_retry=True,
    )
    return response.text().strip()
