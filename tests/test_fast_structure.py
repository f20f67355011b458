"""The converter's fast path (``_decode/fast.py``) and lazy list decoding (``iter_structured``).

The fast path must be invisible: the same models, equal and printed alike, and anything it
does not take handed to the detailed path, which coerces, tolerates or reports exactly as the
detailed converter alone would.
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
from forwardemail_async._decode import detailed as _detailed_module
from forwardemail_async._decode import fast as _fast
from forwardemail_async._decode.converter import iter_structured, structure, structure_list
from forwardemail_async._decode.dates import parse_javascript_datetime
from forwardemail_async._decode.fast import FastStructurer, Miss
from forwardemail_async.models import (
    Alias,
    Domain,
    DomainRef,
    EmailDetail,
    NewAccount,
    User,
    UserRef,
)

from .test_models import alias_create, alias_list_item

WHAT = "GET /v1/domains/{domain}/aliases"


def test_a_listed_alias_is_a_real_alias_with_every_field_set() -> None:
    alias = structure(alias_list_item(), Alias, what=WHAT)

    assert type(alias) is Alias
    assert type(alias.domain) is DomainRef
    assert type(alias.user) is UserRef
    assert alias.domain == DomainRef(id=alias.domain.id, name="example.com")
    assert alias.locale is None
    assert alias.extra_fields == {}
    alias.extra_fields["note"] = 1  # the instance's own dict, made on first read
    assert alias.extra_fields == {"note": 1}
    other = structure(alias_list_item(), Alias, what=WHAT)
    assert pickle.loads(pickle.dumps(other)).extra_fields == {}
    assert other.extra_fields == {}
    assert other.extra_fields is not structure(alias_list_item(), Alias, what=WHAT).extra_fields
    for field in attrs.fields(Alias):
        getattr(alias, field.name)  # every slot is set
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = alias.nope  # type: ignore[attr-defined]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        alias.name = "other"  # type: ignore[misc]


def test_the_fast_path_is_used_and_agrees_with_the_detailed_one() -> None:
    # structure() falls back to the detailed path on any miss, so without this test the fast
    # path could stop being used (or break) and every other test here would still pass.
    fast = _detailed_module.fast.function(Alias)
    for payload in (alias_list_item(), alias_create()):
        assert fast(payload) == _detailed(payload)
        assert repr(fast(payload)) == repr(_detailed(payload))
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
    """A structurer with nothing made yet (the converter's own is shared by every test)."""
    return FastStructurer(
        _converter.converter.get_structure_hook,
        _detailed_module._is_plain,
        _detailed_module._references.__contains__,
        parse_javascript_datetime,
    )


def _detailed(payload: dict[str, Any]) -> Alias:
    alias: Alias = _converter.converter.structure(payload, Alias)
    return alias


@pytest.mark.parametrize("make", [alias_list_item, alias_create])
def test_each_key_order_gets_its_own_function_that_agrees(
    make: Callable[[], dict[str, Any]],
) -> None:
    structurer = fresh_structurer()
    fast = structurer.function(Alias)

    first = fast(make())
    assert structurer.key_orders(Alias) == [tuple(make())]
    second = fast(make())

    assert first == second == _detailed(make())
    assert type(second) is Alias
    assert repr(second) == repr(_detailed(make()))


def test_nested_objects_in_another_shape_are_still_built_right() -> None:
    fast = fresh_structurer().function(Alias)
    fast(alias_list_item())
    reordered = alias_list_item()
    reordered["domain"] = {"name": "other.example", "id": "d" * 24, "plan": "free"}
    reordered["user"] = "u" * 24  # an id string where the first had an object

    alias = fast(reordered)

    assert alias == _detailed(reordered)
    assert alias.domain == DomainRef(id="d" * 24, name="other.example")
    assert alias.domain.extra_fields == {"plan": "free"}
    assert alias.user == UserRef(id="u" * 24)


def test_a_key_order_function_sends_wrong_types_and_nulls_to_the_detailed_path() -> None:
    structurer = fresh_structurer()
    fast = structurer.function(Alias)
    fast(alias_list_item())

    for key, value in [("retention", "25"), ("name", None), ("created_at", 5), ("labels", [1])]:
        payload = {**alias_list_item(), key: value}
        assert tuple(payload) in structurer.key_orders(Alias)  # the known order, a bad value
        with pytest.raises((Miss, TypeError)):  # a date that is not a string: len() refuses
            fast(payload)
    coerced = {**alias_list_item(), "retention": "25"}
    assert structure(coerced, Alias, what=WHAT).retention == 25
    nulls = {**alias_list_item(), "description": None, "vacation_responder": None}
    assert fast(nulls) == _detailed(nulls)
    assert fast(nulls).description is None


@pytest.mark.parametrize(
    ("cls", "payload", "missing"),
    [
        (Alias, {"id": "a1"}, r"\$\.name"),
        (Domain, {"id": "d1"}, r"\$\.name"),
        (NewAccount, {"id": "u1", "email": "owner@example.net"}, r"\$\.api_token"),
    ],
)
def test_a_key_order_without_a_required_key_always_takes_the_detailed_path(
    cls: type[Any], payload: dict[str, Any], missing: str
) -> None:
    fast = fresh_structurer().function(cls)
    for _ in range(3):
        with pytest.raises(Miss):
            fast(payload)
        with pytest.raises(ResponseDecodeError, match=missing):
            structure(payload, cls, what=WHAT)


def test_unknown_keys_and_offset_dates() -> None:
    fast = fresh_structurer().function(Alias)
    payload = {**alias_list_item(), "new_key": {"a": 1}, "created_at": "2024-05-01T14:00:00+02:00"}
    with pytest.raises(Miss):  # not the server's own date shape
        fast(dict(payload))

    alias = structure(payload, Alias, what=WHAT)

    assert alias.extra_fields == {"new_key": {"a": 1}}
    assert alias.created_at == _detailed(payload).created_at
    assert alias.created_at is not None and alias.created_at.hour == 12


def test_the_key_orders_remembered_per_model_are_bounded() -> None:
    structurer = fresh_structurer()
    fast = structurer.function(User)
    for index in range(200):  # a server sending ever-new shapes
        payload = {"id": "c" * 24, "email": "owner@example.net", f"extra_{index}": index}
        assert fast(payload).extra_fields == {f"extra_{index}": index}

    assert len(structurer.key_orders(User)) == _fast._MAX_KEY_ORDERS


def test_a_key_order_with_many_unknown_keys_is_read_by_name() -> None:
    structurer = fresh_structurer()
    fast = structurer.function(User)
    payload = {"id": "c" * 24, **{f"k{index}": index for index in range(5_000)}}
    for _ in range(2):
        user = fast(payload)
        assert len(user.extra_fields) == 5_000
        assert user == _converter.converter.structure(payload, User)

    # no 5,000-local function compiled: the one reading fields by name serves
    assert structurer.function_for(User, payload).__name__ == "structure_User"


def test_a_nested_model_with_its_own_hook_is_never_bypassed() -> None:
    # EmailEnvelope's hook renames the JSON key "from" to the field from_; a fast function
    # nesting it must go through that hook, not around it.
    payload = {
        "id": "e" * 24,
        "status": "queued",
        "envelope": {"from": "sales@example.com", "to": ["a@example.org"]},
        "headers": {},
        "message": "raw",
        "rejectedErrors": [],
    }

    detail = structure(payload, EmailDetail, what=WHAT)

    assert detail.envelope is not None
    assert detail.envelope.from_ == "sales@example.com"
    assert detail.envelope.extra_fields == {}


def test_a_page_in_several_key_orders_decodes_item_by_item() -> None:
    data = [alias_list_item(index) for index in range(6)]
    data[1] = dict(reversed(list(data[1].items())))
    del data[3]["labels"]
    data[4]["new_key"] = 1

    decoded = list(iter_structured(data, Alias, what=WHAT))

    assert decoded == [_detailed(item) for item in data]
    assert decoded[4].extra_fields == {"new_key": 1}


# Functions per key set ---------------------------------------------------------------------------


def test_the_same_keys_in_another_order_are_served_by_the_same_function() -> None:
    structurer = fresh_structurer()
    first = structurer.function_for(Alias, alias_list_item())
    reordered = dict(reversed(list(alias_list_item(1).items())))
    reordered["user"] = dict(reversed(list(reordered["user"].items())))

    alias = first(reordered)

    assert alias == _detailed(reordered)
    assert repr(alias) == repr(_detailed(reordered))
    assert structurer.key_orders(Alias) == [tuple(alias_list_item())]  # no other order made


def test_nested_objects_with_as_many_but_other_keys_are_handed_on() -> None:
    structurer = fresh_structurer()
    first = structurer.function_for(Alias, alias_list_item())
    other = alias_list_item(1)
    other["user"] = {"id": "u" * 24, "email": "owner@example.net", "plan": "free"}
    other["domain"] = {"id": "d" * 24, "plan": "team"}
    other["vacation_responder"] = {"subject": "Away"}

    alias = first(other)

    assert alias == _detailed(other)
    assert alias.user == UserRef(id="u" * 24, email="owner@example.net")
    assert alias.user is not None and alias.user.extra_fields == {"plan": "free"}
    assert alias.domain is not None and alias.domain.extra_fields == {"plan": "team"}
    assert alias.vacation_responder is not None
    assert alias.vacation_responder.subject == "Away"


def test_an_item_with_other_keys_goes_to_the_function_of_its_own_order() -> None:
    structurer = fresh_structurer()
    first = structurer.function_for(Alias, alias_list_item())
    fewer = alias_list_item(1)
    del fewer["labels"]
    more = {**alias_list_item(2), "new_key": [1]}

    assert first(fewer) == _detailed(fewer)
    assert first(more).extra_fields == {"new_key": [1]}
    assert len(structurer.key_orders(Alias)) == 3
    with pytest.raises((Miss, TypeError)):
        first([1] * len(alias_list_item()))  # a container of that length is not an object


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01T12:34:56.789Z",
        "2024-05-01T12:34:56,789Z",  # a comma: the detailed path reads it the same
        "2024-W18-3T12:34:56.789Z",  # a week date
        "2024-05-01X12:34:56.789Z",  # another separator
        "2024-05-01T123456.78901Z",  # a basic time
        "2024-05-01T12:34.567890Z",  # a fraction of a minute
        "2024-05-01T12:34:56.789",  # no offset: naive for the parser, UTC for the detailed path
        "2024-05-01T12:34:56.789Z ",
        "2024-05-01T12:34:56.7Z",
    ],
)
def test_the_fast_path_reads_a_date_only_as_the_detailed_path_does(text: str) -> None:
    structurer = fresh_structurer()
    fast = structurer.function_for(Alias, alias_list_item())
    payload = {**alias_list_item(), "created_at": text}
    try:
        expected: Alias | None = _detailed(payload)
    except Exception:
        expected = None
    try:
        built: Alias | None = fast(payload)
    except Exception:
        built = None

    if built is not None:  # whatever the fast path builds, the detailed path builds alike
        assert expected is not None
        assert built.created_at == expected.created_at
        assert built.created_at is not None and built.created_at.tzinfo is not None
    if text == "2024-05-01T12:34:56.789Z":
        assert built is not None
