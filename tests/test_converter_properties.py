"""Property tests for the converter: unknown keys survive intact, datetimes round-trip, and no
JSON value in any field can make decoding fail with anything but ResponseDecodeError."""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from forwardemail_async._core.errors import ResponseDecodeError
from forwardemail_async._decode import converter as _converter
from forwardemail_async._decode.converter import (
    format_datetime,
    parse_datetime,
    structure,
    unstructure,
)
from forwardemail_async.models import Alias, Domain, DomainMember, DomainRef, User, UserRef

from .test_fast_structure import fresh_structurer
from .test_models import alias_list_item

WHAT = "GET /v1/test"

# The smallest valid payload of each model, which the tests decorate.
BASES: dict[type[Any], dict[str, Any]] = {
    Alias: {"id": "a" * 24, "name": "info", "domain": {"id": "b" * 24, "name": "example.com"}},
    Domain: {
        "id": "b" * 24,
        "name": "example.com",
        "members": [{"user": "c" * 24, "group": "user"}],
    },
    User: {"id": "c" * 24, "email": "owner@example.net"},
    DomainMember: {"user": {"id": "c" * 24}, "group": "admin"},
    DomainRef: {"id": "b" * 24},
}

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _declared(cls: type[Any]) -> set[str]:
    return set(attrs.fields_dict(cls))


@st.composite
def model_with_extras(draw: st.DrawFn) -> tuple[type[Any], dict[str, Any]]:
    cls = draw(st.sampled_from(sorted(BASES, key=lambda model: model.__name__)))
    extra_keys = st.text(min_size=1, max_size=20).filter(lambda key: key not in _declared(cls))
    return cls, draw(st.dictionaries(extra_keys, json_values, max_size=6))


@given(model_with_extras())
def test_unknown_keys_round_trip_into_extra_fields(case: tuple[type[Any], dict[str, Any]]) -> None:
    cls, extra = case
    payload = {**BASES[cls], **extra}

    model = structure(payload, cls, what=WHAT)

    assert model.extra_fields == extra
    assert list(model.extra_fields) == list(extra)
    assert set(unstructure(model)) == _declared(cls) - {"extra_fields"}


@given(
    st.dictionaries(
        st.text(min_size=1).filter(lambda key: key not in _declared(User)), json_values, max_size=5
    )
)
def test_unknown_keys_in_a_nested_object_stay_with_it(extra: dict[str, Any]) -> None:
    payload = {**BASES[Alias], "user": {"id": "c" * 24, **extra}}

    alias = structure(payload, Alias, what=WHAT)

    assert alias.user is not None
    assert alias.user.extra_fields == extra
    assert alias.extra_fields == {}


offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
aware_datetimes = st.datetimes(
    min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30), timezones=offsets
)


@given(
    aware_datetimes.map(lambda value: value.replace(microsecond=value.microsecond // 1000 * 1000))
)
def test_datetime_format_then_parse_round_trips(value: datetime) -> None:
    text = format_datetime(value)
    parsed = parse_datetime(text)

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", text)
    assert parsed == value
    assert parsed.tzinfo is timezone.utc
    assert format_datetime(parsed) == text


@given(aware_datetimes)
def test_parse_takes_python_isoformat_with_any_offset(value: datetime) -> None:
    parsed = parse_datetime(value.isoformat())

    assert parsed == value
    assert parsed.tzinfo is timezone.utc


@given(aware_datetimes)
def test_datetimes_in_models_round_trip_at_millisecond_precision(value: datetime) -> None:
    payload = {**BASES[User], "created_at": format_datetime(value)}

    user = structure(payload, User, what=WHAT)

    assert user.created_at is not None
    assert user.created_at.tzinfo is timezone.utc
    assert abs(user.created_at - value) < timedelta(milliseconds=1)
    assert unstructure(user)["created_at"] == payload["created_at"]


@given(st.integers())
def test_integers_are_accepted_as_numbers_or_numeric_strings(number: int) -> None:
    as_number = structure({**BASES[Domain], "retention_days": number}, Domain, what=WHAT)
    as_text = structure({**BASES[Domain], "retention_days": str(number)}, Domain, what=WHAT)
    port = structure({**BASES[Domain], "smtp_port": number}, Domain, what=WHAT)

    assert as_number.retention_days == as_text.retention_days == number
    assert port.smtp_port == str(number)


@given(st.sampled_from(sorted(_declared(Alias) - {"extra_fields"})), json_values)
def test_any_json_value_in_any_field_decodes_or_raises_decode_error(
    field: str, value: object
) -> None:
    payload = {**BASES[Alias], field: value}

    outcome: Alias | ResponseDecodeError
    try:
        outcome = structure(payload, Alias, what=WHAT)
    except ResponseDecodeError as error:
        outcome = error

    if isinstance(outcome, ResponseDecodeError):
        assert outcome.message.startswith(f"{WHAT}: the response does not match Alias: ")
        assert f"$.{field}" in outcome.message
        assert outcome.body is payload
    else:
        assert outcome.extra_fields == {}
        assert (getattr(outcome, field) is None) == (value is None)


@given(st.sampled_from(sorted(_declared(Alias) - {"extra_fields"})), json_values)
def test_a_key_order_function_builds_what_the_detailed_path_builds(
    field: str, value: object
) -> None:
    payload = {**BASES[Alias], field: value}
    structurer = fresh_structurer()
    fast = structurer.function(Alias)
    with contextlib.suppress(Exception):
        fast(payload)
    assert tuple(payload) in structurer.key_orders(Alias)

    try:
        built = fast(payload)
    except Exception:
        return
    assert built == _converter.converter.structure(payload, Alias)
    assert built.extra_fields == {}


@given(json_values)
def test_any_json_value_as_a_reference_decodes(value: object) -> None:
    payload = {**BASES[Alias], "domain": value, "user": value}

    alias = structure(payload, Alias, what=WHAT)

    assert alias.name == "info"
    if value is None:
        assert (alias.domain, alias.user) == (None, None)
        return
    assert isinstance(alias.domain, DomainRef)
    assert isinstance(alias.user, UserRef)
    if isinstance(value, str):
        assert alias.domain.id == alias.user.id == value
    elif isinstance(value, dict):
        kept = {
            **alias.domain.extra_fields,
            **{k: getattr(alias.domain, k) for k in ("id", "name")},
        }
        assert {k: x for k, x in kept.items() if k in value or x is not None} == value
    else:
        assert alias.domain.extra_fields == {"value": value}


@given(st.sampled_from(sorted(_declared(Alias) - {"extra_fields"})), json_values)
def test_the_function_made_for_a_listed_alias_builds_any_item_as_the_detailed_path(
    field: str, value: object
) -> None:
    # A page is decoded by the function made for its first item: whatever another item holds
    # (nested objects too), that function builds what the detailed path builds, or refuses.
    first = fresh_structurer().function_for(Alias, alias_list_item())
    payload = {**alias_list_item(1), field: value}
    try:
        built = first(payload)
    except Exception:
        return
    assert built == _converter.converter.structure(payload, Alias)
    assert repr(built) == repr(_converter.converter.structure(payload, Alias))
