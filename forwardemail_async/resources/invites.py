"""``client.domains.invites``: invite people to a domain, and accept invitations.

Accepting is a ``GET`` with side effects on the server (there is no ``POST``), and it takes
the domain's id or the token from the invite link, never the domain's name.
"""

from __future__ import annotations

from forwardemail_async._core.ids import invite_reference
from forwardemail_async._core.params import required_str
from forwardemail_async._core.requester import Service
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import Domain, MemberGroup

__all__ = ["InvitesService"]

_ROUTE = "/v1/domains/{domain}/invites"


class InvitesService(Service):
    """Pending invitations of a domain. Managing them needs a domain admin on a paid domain."""

    async def accept(self, domain_id_or_invite_token: str) -> str:
        """Accept an invitation made to your account's address; returns the server's text.

        Pass the token from the invite link, or (for older links) the domain's id. A domain
        name is refused here because the server cannot look invitations up by name. Accepting
        also marks your email as verified. Being a GET, it is retried after a lost answer; a
        retry then fails with 400 (the domain is already yours) although the first one worked.
        """
        reference = invite_reference(domain_id_or_invite_token, "domain_id_or_invite_token")
        return await self._requester.text("GET", _ROUTE, path_params={"domain": reference})

    async def create(self, domain: str, *, email: str, group: MemberGroup) -> Domain:
        """Invite ``email`` as an ``admin`` or a ``user``; returns the domain with its invites.

        Someone who is already a member of another of your team domains is added at once,
        without an invitation. The server allows 10 invitations a day.
        """
        body = {"email": required_str(email, "email"), "group": required_str(group, "group")}
        return await self._requester.model(
            Domain, "POST", _ROUTE, path_params={"domain": domain_segment(domain)}, json=body
        )

    async def delete(self, domain: str, *, email: str) -> Domain:
        """Withdraw the invitation of ``email`` (a no-op if there is none); returns the domain."""
        return await self._requester.model(
            Domain,
            "DELETE",
            _ROUTE,
            path_params={"domain": domain_segment(domain)},
            # In the query, not a body: DELETE bodies do not survive every proxy.
            query={"email": required_str(email, "email")},
        )
