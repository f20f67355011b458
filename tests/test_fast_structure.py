"""The converter's fast path (``_fast_structure.py``) and lazy list decoding (``iter_structured``).

The fast path must be invisible: the same models, equal and printed alike, with absent fields
reading as their defaults, and anything it does not take handed to the detailed path, which
coerces or reports exactly as before.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import pytest

from forwardemail_async import (
    AsyncPaginator,
    Response,
    ResponseDecodeError,
)
from forwardemail_async._core.routes import ListRoute
from forwardemail_async._decode import converter as _converter
from forwardemail_async._decode import fast_structure as _fast_structure
from forwardemail_async._decode.converter import iter_structured, structure, structure_list
from forwardemail_async._decode.fast_structure import FastStructurer, Miss
from forwardemail_async.models import Alias, Domain, NewAccount, User

from .test_models import alias_create, alias_list_item

WHAT = "GET /v1/domains/{domain}/aliases"


def test_a_listed_alias_is_a_real_alias_whose_absent_fields_read_as_defaults() -> None:
    alias = structure(alias_list_item(), Alias, what=WHAT)

    assert type(alias) is Alias
    assert type(alias.domain) is Domain
    assert type(alias.user) is User
    assert alias.domain == Domain(id=alias.domain.id, name="example.com")
    assert alias.domain.plan is None
    assert alias.domain.object == "domain"
    assert alias.locale is None
    assert alias.extra_fields == {}
    alias.extra_fields["note"] = 1  # the default dict, once read, is the instance's own
    assert alias.extra_fields == {"note": 1}
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = alias.nope  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        alias.name = "other"  # type: ignore[misc]


def test_the_fast_path_is_used_and_agrees_with_the_detailed_one() -> None:
    # structure() falls back to the detailed path on any miss, so without this test the fast
    # path could stop being used (or break) and every other test here would still pass.
    fast = _converter._fast.lookup(Alias)
    assert fast is not None
    for payload in (alias_list_item(), alias_create()):
        assert fast(payload) == _converter.converter.structure(payload, Alias)
    with pytest.raises(Miss):
        fast({**alias_list_item(), "max_quota": "25"})


def test_fast_built_models_copy_pickle_and_evolve_like_any_other() -> None:
    alias = structure(alias_create(), Alias, what=WHAT)
    fresh = structure(alias_create(), Alias, what=WHAT)

    assert pickle.loads(pickle.dumps(alias)) == alias
    assert copy.deepcopy(fresh) == alias
    assert attrs.evolve(alias, name="renamed").name == "renamed"
    assert attrs.asdict(alias) == attrs.asdict(fresh)
    assert repr(alias) == repr(fresh)


def test_values_to_coerce_go_through_the_detailed_path() -> None:
    item = {**alias_list_item(), "max_quota": "25", "storage_used": 3.0}

    alias = structure(item, Alias, what=WHAT)

    assert alias.max_quota == 25
    assert alias.storage_used == 3


def test_unknown_keys_are_kept_in_extra_fields() -> None:
    item = {**alias_list_item(), "new_key": [1], "extra_fields": "a key like any other"}

    alias = structure(item, Alias, what=WHAT)

    assert alias.extra_fields == {"new_key": [1], "extra_fields": "a key like any other"}


def test_iter_structured_matches_structure_list_item_for_item() -> None:
    data = [alias_list_item(index) for index in range(4)]
    data[2]["max_quota"] = "10"  # one item needs the detailed path

    assert list(iter_structured(data, Alias, what=WHAT)) == structure_list(data, Alias, what=WHAT)


def test_iter_structured_yields_the_good_items_then_reports_the_bad_one_by_index() -> None:
    data = [alias_list_item(index) for index in range(4)]
    data[2]["name"] = ["not", "a", "name"]
    items = iter_structured(data, Alias, what=WHAT)

    assert [next(items).name, next(items).name] == ["alias-0", "alias-1"]
    with pytest.raises(ResponseDecodeError, match=r"\$\[2\]\.name") as lazily:
        next(items)
    with pytest.raises(ResponseDecodeError) as eagerly:
        structure_list(data, Alias, what=WHAT)
    assert str(lazily.value) == str(eagerly.value)


async def test_async_for_builds_items_as_they_are_reached() -> None:
    pages = [[alias_list_item(0), alias_list_item(1)], [alias_list_item(2), {"id": 5}]]

    class Source:
        async def send(
            self,
            method: str,
            route: str,
            *,
            path_params: Mapping[str, str] | None = None,
            query: Mapping[str, str] | None = None,
        ) -> Response:
            page = int((query or {})["page"])
            return Response(
                status=200,
                headers={"X-Page-Count": "2", "X-Page-Current": str(page)},
                body=json.dumps(pages[page - 1]).encode(),
                method=method,
                route=route,
                url=f"http://127.0.0.1/?page={page}",
            )

    route = ListRoute(
        path="/v1/domains/{domain}/aliases", model=Alias, default_limit=2, max_limit=2
    )
    paginator = AsyncPaginator(Source(), route)
    seen: list[str] = []

    async def read_all() -> None:
        async for alias in paginator:
            seen.append(alias.name)

    with pytest.raises(ResponseDecodeError, match=r"\$\[1\]"):
        await read_all()
    assert seen == ["alias-0", "alias-1", "alias-2"]
    first = await paginator  # pages keep their eagerly built items
    assert [alias.name for alias in first.items] == ["alias-0", "alias-1"]


# Functions per key order ------------------------------------------------------------------------


def fresh_structurer() -> FastStructurer:
    """A structurer with nothing learned yet (the converter's own is shared by every test)."""
    return FastStructurer(
        _converter.converter.get_structure_hook,
        _converter.parse_datetime,
        _converter._from_javascript,
    )


def key_order_functions(fast: Callable[[Any], Any]) -> dict[tuple[Any, ...], Any]:
    functions: dict[tuple[Any, ...], Any] = fast.__globals__["_by_keys"]
    return functions


def _detailed(payload: dict[str, Any]) -> Alias:
    alias: Alias = _converter.converter.structure(payload, Alias)
    return alias


@pytest.mark.parametrize("make", [alias_list_item, alias_create])
def test_a_key_order_met_twice_gets_its_own_function_that_agrees(
    make: Callable[[], dict[str, Any]],
) -> None:
    fast = fresh_structurer().function(Alias)
    functions = key_order_functions(fast)

    first = fast(make())
    assert functions == {}  # seen once: the general function served it
    second = fast(make())
    assert list(functions) == [tuple(make())]
    third = fast(make())  # now through the key-order function

    assert first == second == third == _detailed(make())
    assert type(third) is Alias
    assert type(third.domain) is Domain
    assert repr(third) == repr(_detailed(make()))


def test_nested_objects_in_another_key_order_are_still_built_right() -> None:
    fast = fresh_structurer().function(Alias)
    for _ in range(2):
        fast(alias_list_item())
    reordered = alias_list_item()
    reordered["domain"] = {"id": "d" * 24, "name": "other.example", "plan": "free"}
    reordered["user"] = "u" * 24  # an id string where the sample had an object

    alias = fast(reordered)

    assert alias == _detailed(reordered)
    assert alias.domain == Domain(id="d" * 24, name="other.example", plan="free")
    assert alias.user == "u" * 24


def test_a_key_order_function_sends_wrong_types_and_nulls_to_the_detailed_path() -> None:
    fast = fresh_structurer().function(Alias)
    for _ in range(2):
        fast(alias_list_item())
    assert len(key_order_functions(fast)) == 1

    for key, value in [("retention", "25"), ("name", None), ("created_at", 5), ("labels", [1])]:
        payload = {**alias_list_item(), key: value}
        assert tuple(payload) in key_order_functions(fast)  # the learned order, a bad value
        with pytest.raises(Miss):
            fast(payload)
    coerced = {**alias_list_item(), "retention": "25"}
    assert structure(coerced, Alias, what=WHAT).retention == 25
    nulls = {**alias_list_item(), "description": None, "vacation_responder": None}
    assert fast(nulls) == _detailed(nulls)
    assert fast(nulls).description is None


def test_a_key_order_without_a_required_key_always_takes_the_detailed_path() -> None:
    fast = fresh_structurer().function(Alias)
    payload = alias_list_item()
    del payload["name"]
    for _ in range(3):
        with pytest.raises(Miss):
            fast(payload)
    with pytest.raises(ResponseDecodeError, match=r"\$\.name"):
        structure(payload, Alias, what=WHAT)


def test_unknown_keys_and_offset_dates_through_a_key_order_function() -> None:
    fast = fresh_structurer().function(Alias)
    payload = {**alias_list_item(), "new_key": {"a": 1}, "created_at": "2024-05-01T14:00:00+02:00"}
    for _ in range(2):
        fast(dict(payload))

    alias = fast(dict(payload))

    assert key_order_functions(fast)
    assert alias.extra_fields == {"new_key": {"a": 1}}
    assert alias.created_at == _detailed(payload).created_at
    assert alias.created_at is not None and alias.created_at.hour == 12


def test_the_key_orders_remembered_per_model_are_bounded() -> None:
    fast = fresh_structurer().function(User)
    for index in range(200):  # a server sending ever-new shapes
        payload = {"id": "c" * 24, "email": "owner@example.net", f"extra_{index}": index}
        for _ in range(2):
            assert fast(payload).extra_fields == {f"extra_{index}": index}

    assert len(key_order_functions(fast)) == _fast_structure._MAX_KEY_ORDERS
    key_orders = fast.__globals__["_note"].__self__
    assert len(key_orders.seen) <= _fast_structure._MAX_KEY_ORDERS_SEEN


@pytest.mark.parametrize(
    ("cls", "payload", "missing"),
    [
        (Alias, {"id": "a1", "name": "info", "domain": {"id": "d1"}}, r"\$\.domain\.name"),
        (Alias, {"id": "a1"}, r"\$\.name"),
        (Domain, {"id": "d1"}, r"\$\.name"),
        (NewAccount, {"id": "u1", "email": "owner@example.net"}, r"\$\.api_token"),
    ],
)
def test_a_missing_required_field_is_never_skipped_by_the_early_exit(
    cls: type[Any], payload: dict[str, Any], missing: str
) -> None:
    # Big models stop early once every key is stored; that must not happen before the
    # required fields are (it returned models without them on the first two sightings).
    fast = fresh_structurer().function(cls)
    for _ in range(3):
        with pytest.raises(Miss):
            fast(payload)
        with pytest.raises(ResponseDecodeError, match=missing):
            structure(payload, cls, what=WHAT)


def test_a_key_order_with_many_unknown_keys_gets_no_function() -> None:
    fast = fresh_structurer().function(User)
    payload = {"id": "c" * 24, **{f"k{index}": index for index in range(5_000)}}
    for _ in range(3):
        assert len(fast(payload).extra_fields) == 5_000

    assert key_order_functions(fast) == {}  # no 5,000-local function compiled and kept
    assert fast.__globals__["_note"].__self__.seen == set()


def test_one_off_key_orders_do_not_keep_a_frequent_one_from_its_function() -> None:
    fast = fresh_structurer().function(User)
    for index in range(_fast_structure._MAX_KEY_ORDERS_SEEN + 5):
        fast({"id": "c" * 24, f"once_{index}": index})  # each seen once, never again
    frequent = {"id": "c" * 24, "email": "owner@example.net"}
    for _ in range(2):
        fast(frequent)

    assert list(key_order_functions(fast)) == [tuple(frequent)]
