"""List routes are data: every list method reads one ListRoute, and its signature matches it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import forwardemail_async.resources as resources
from forwardemail_async._core.params import check_str
from forwardemail_async._core.routes import Filter, ListRoute
from forwardemail_async.resources import (
    aliases,
    calendar_events,
    calendars,
    catch_all_passwords,
    contacts,
    domains,
    emails,
    folders,
    messages,
    observatory,
    push_tokens,
    sieve,
)

PAGING = {"limit", "page", "concurrency"}

# Every list method, the route it reads, and its arguments that fill the path.
LIST_METHODS: list[tuple[Callable[..., Any], ListRoute[Any], set[str]]] = [
    (domains.DomainsService.list, domains.LIST, set()),
    (aliases.AliasesService.list, aliases.LIST, {"domain"}),
    (emails.EmailsService.list, emails.LIST, set()),
    (contacts.ContactsService.list, contacts.LIST, set()),
    (calendars.CalendarsService.list, calendars.LIST, set()),
    (calendar_events.CalendarEventsService.list, calendar_events.LIST, set()),
    (messages.MessagesService.list, messages.LIST, set()),
    (folders.FoldersService.list, folders.LIST, set()),
    (push_tokens.PushTokensService.list, push_tokens.LIST, set()),
    (catch_all_passwords.CatchAllPasswordsService.list, catch_all_passwords.LIST, {"domain"}),
    (sieve.SieveScriptsService.list, sieve.ALIAS_AUTH_LIST, set()),
    (sieve.AliasSieveScriptsService.list, sieve.TOKEN_AUTH_LIST, {"domain", "alias"}),
    (observatory.ObservatoryService.monitors, observatory.MONITORS, set()),
]


def _declared_routes() -> list[ListRoute[Any]]:
    found = []
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{resources.__name__}.{info.name}")
        found += [value for value in vars(module).values() if isinstance(value, ListRoute)]
    return found


def test_every_declared_list_route_has_its_list_method() -> None:
    covered = {id(route) for _, route, _ in LIST_METHODS}
    missing = [route.path for route in _declared_routes() if id(route) not in covered]
    assert missing == []


@pytest.mark.parametrize(
    ("method", "route", "path_arguments"),
    LIST_METHODS,
    ids=[method.__qualname__ for method, _, _ in LIST_METHODS],
)
def test_a_list_methods_arguments_are_its_routes_filters(
    method: Callable[..., Any], route: ListRoute[Any], path_arguments: set[str]
) -> None:
    parameters = set(inspect.signature(method).parameters) - {"self"}
    filters = {item.argument for item in route.filters}
    assert parameters - path_arguments - PAGING == filters
    # A paginated route's method takes the paging arguments and returns a paginator at once;
    # the others are coroutines that return the whole list.
    assert (parameters >= PAGING) is route.paginated
    assert inspect.iscoroutinefunction(method) is not route.paginated
    placeholders = {part[1:-1] for part in route.path.split("/") if part.startswith("{")}
    assert placeholders == path_arguments


def test_a_route_is_checked_when_it_is_declared() -> None:
    with pytest.raises(ValueError, match="both page sizes"):
        ListRoute(path="/v1/x", model=dict, default_limit=10)
    with pytest.raises(ValueError, match="default page size"):
        ListRoute(path="/v1/x", model=dict, default_limit=20, max_limit=10)
    with pytest.raises(ValueError, match="unique"):
        ListRoute(
            path="/v1/x", model=dict, filters=(Filter("q", check_str), Filter("q", check_str))
        )
    with pytest.raises(ValueError, match="page/limit"):
        ListRoute(path="/v1/x", model=dict, filters=(Filter("size", check_str, "limit"),))


def test_a_routes_query_checks_every_filter_then_their_relation() -> None:
    seen: list[str] = []

    def relation(arguments: object) -> None:
        seen.append("relation")

    route = ListRoute(
        path="/v1/x",
        model=dict,
        filters=(Filter("from_", check_str, "from"), Filter("flag", lambda v, n: v)),
        relation=relation,
    )
    assert route.query({"from_": "a", "flag": True}) == {"from": "a", "flag": "true"}
    assert route.query({"from_": None, "flag": None}) == {}
    with pytest.raises(TypeError, match="from_"):
        route.query({"from_": 1, "flag": None})
    assert seen == ["relation", "relation"]  # not reached when a filter failed
