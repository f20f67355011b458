"""A domain's allowlist and denylist, and the test of its custom S3 backup storage.

These are methods of ``client.domains`` (mixed into :class:`DomainsService`):
``update_allowlist``, ``update_denylist`` and ``test_s3_connection``. All three need a domain
admin (``NotAdminError``), a paid account and a paid domain (``PaymentRequiredError``).
"""

from __future__ import annotations

from collections.abc import Iterable

from forwardemail_async._core.params import check_str, drop_none
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import Domain, StatusMessage

__all__ = ["DomainListsMixin"]

_ONE = "/v1/domains/{domain}"
_S3_TEST = _ONE + "/test-s3-connection"


def _entries(value: object, name: str) -> str:
    """The entries as the newline-separated text the server parses.

    The server splits the text on newlines, commas and spaces, lowercases and de-duplicates
    it, and drops whatever is not an IP address, a domain name or an email address (the
    returned :class:`Domain` shows what it kept); a JSON array, however, empties the list.
    So entries go as text.
    """
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of str, not {type(value).__name__}")
    entries: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise TypeError(f"every entry of {name} must be a str, not {type(item).__name__}")
        entries.append(item.strip())
    return "\n".join(entries)


class DomainListsMixin:
    """``client.domains`` methods for the allowlist, the denylist and custom S3 storage."""

    __slots__ = ()
    _requester: Requester

    async def update_allowlist(self, domain: str, entries: Iterable[str]) -> Domain:
        """Replace the domain's allowlist: senders (IP addresses, domain names, email
        addresses) whose mail to the domain is always accepted. An empty list clears it.

        Returns the updated :class:`Domain`. At most 1000 entries; the server allows 100
        updates a day.
        """
        return await self._update_list(domain, "allowlist", entries)

    async def update_denylist(self, domain: str, entries: Iterable[str]) -> Domain:
        """Replace the domain's denylist: senders whose mail to the domain is always refused.
        An empty list clears it. Same rules as :meth:`update_allowlist`."""
        return await self._update_list(domain, "denylist", entries)

    async def _update_list(self, domain: str, kind: str, entries: Iterable[str]) -> Domain:
        segment = domain_segment(domain)
        body = {kind: _entries(entries, "entries")}
        return await self._requester.model(
            Domain, "PUT", _ONE + "/" + kind, path_params={"domain": segment}, json=body
        )

    async def test_s3_connection(
        self,
        domain: str,
        *,
        endpoint: str | None = None,
        region: str | None = None,
        bucket: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> StatusMessage:
        """Check that custom S3 storage for the domain's mailbox backups works.

        Every argument left out is taken from the domain's saved S3 settings, so you can test
        new credentials before saving them. The server only probes the bucket (it writes
        nothing) and refuses a bucket that is publicly readable. A failure is a
        ``BadRequestError`` whose message says why ("Failed to connect to your custom S3
        storage: Access denied", an invalid or private endpoint, missing fields). The
        server answers "Endpoint URL must start with https://" for every endpoint it will not
        connect to, including one that does start so but does not resolve or is private.
        """
        body = drop_none(
            {
                "s3_endpoint": check_str(endpoint, "endpoint"),
                "s3_region": check_str(region, "region"),
                "s3_bucket": check_str(bucket, "bucket"),
                "s3_access_key_id": check_str(access_key_id, "access_key_id"),
                "s3_secret_access_key": check_str(secret_access_key, "secret_access_key"),
            }
        )
        return await self._requester.model(
            StatusMessage,
            "POST",
            _S3_TEST,
            path_params={"domain": domain_segment(domain)},
            json=body,
            # Only a read-only probe: repeating it is harmless.
            allow_non_idempotent_retry=True,
        )
