"""``client.domains.members``: change a member's group, or remove a member from a domain."""

from __future__ import annotations

from forwardemail_async._core.ids import object_id
from forwardemail_async._core.params import required_str
from forwardemail_async._core.requester import Service
from forwardemail_async._core.urls import domain_segment
from forwardemail_async.models import Domain, MemberGroup

__all__ = ["MembersService"]

_ONE = "/v1/domains/{domain}/members/{member}"


class MembersService(Service):
    """Members of a domain, addressed by their user id; needs a domain admin."""

    async def update(self, domain: str, member_user_id: str, *, group: MemberGroup) -> Domain:
        """Make a member an ``admin`` or a ``user``; returns the domain."""
        # Which groups exist is the server's to say (400 for any other).
        body = {"group": required_str(group, "group")}
        return await self._requester.model(
            Domain, "PUT", _ONE, path_params=_path(domain, member_user_id), json=body
        )

    async def delete(self, domain: str, member_user_id: str) -> Domain:
        """Remove a member; their aliases on the domain pass to you. Returns the domain.

        Removing yourself deletes your aliases there instead, and the server then answers
        404 (it looks the domain up again among yours after the removal).
        """
        return await self._requester.model(
            Domain, "DELETE", _ONE, path_params=_path(domain, member_user_id)
        )


def _path(domain: str, member_user_id: str) -> dict[str, str]:
    return {
        "domain": domain_segment(domain),
        "member": object_id(member_user_id, "member_user_id"),
    }
