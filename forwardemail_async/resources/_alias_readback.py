"""Reading an alias back by name after an ambiguous create: the one implementation that
``aliases.create`` and ``create_many`` share. It lives beside the service rather than in
``_bulk/`` so that ``client.aliases`` loads the bulk machinery only when a bulk call needs it.

The server keeps alias names unique per domain, so after a failure that may or may not have
created the alias (a 5xx after sending, a lost connection, a timeout, a cut answer) the alias
is looked up by name: absent, so sending again is safe; present and ours (created since the
call began, or holding the values sent as the server stores them), so that is the answer;
present and someone else's, so the create failed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial

from forwardemail_async._core.errors import AlreadyExistsError
from forwardemail_async._core.hooks import ReadBack
from forwardemail_async._core.reconcile import conflict, create_once, read_back_by_key
from forwardemail_async._core.requester import Requester
from forwardemail_async._core.response import Response
from forwardemail_async._core.urls import alias_path, domain_segment
from forwardemail_async._decode.converter import structure
from forwardemail_async.models import Alias
from forwardemail_async.resources._schema.aliases import ALIASES_PATH, alias_matches

__all__ = ["alias_of", "alias_read_back", "create_alias_once"]


def alias_of(response: Response) -> Alias:
    """The alias an answer holds (a ``ResponseDecodeError`` if it holds none)."""
    return structure(response.json(), Alias, what=f"{response.method} {response.route}")


# The error of a create whose name turned out to be taken by someone else's alias.
_already_exists = conflict(
    AlreadyExistsError, 400, "Alias already exists for domain.", ALIASES_PATH
)


def alias_read_back(
    get: Callable[[], Awaitable[Response]],
    body: Mapping[str, object],
    *,
    conflict: Callable[[Response], BaseException] = _already_exists,
    unknown: Callable[[BaseException], BaseException] | None = None,
) -> ReadBack:
    """The :class:`ReadBack` of an alias create that sent ``body``; ``get`` reads the alias
    by name, and the values compare as the server stores them (:func:`alias_matches`)."""
    return read_back_by_key(
        get, Alias, body, conflict=conflict, same_values=alias_matches, unknown=unknown
    )


def create_alias_once(
    requester: Requester,
    routes: tuple[str, str],
    domain: str,
    name: str | None,
    body: Mapping[str, object],
    reconcile: bool,
) -> Awaitable[Alias]:
    """POST a new alias (``routes``: a domain's aliases, one alias); with a ``name`` and
    ``reconcile``, exactly once: the read-back is built only if a failure needs it. A name
    that cannot be a path (the server will say what is wrong with it) cannot be read back:
    such a failure is raised as it is."""
    if not isinstance(reconcile, bool):
        raise TypeError("reconcile must be a bool")
    many, one = routes
    read_back = None
    if name is not None and reconcile:
        read_back = partial(_read_back_by_name, requester, one, domain, name, body)
    path = {"domain": domain_segment(domain)}
    return create_once(requester, Alias, many, body, read_back, path_params=path)


def _read_back_by_name(
    requester: Requester, one: str, domain: str, name: str, body: Mapping[str, object]
) -> ReadBack:
    def get() -> Awaitable[Response]:
        # alias_path may refuse the name: the read-back then fails, and the failure that
        # left the outcome open is raised.
        return requester.send("GET", one, path_params=alias_path(domain, name))

    return alias_read_back(get, body)
