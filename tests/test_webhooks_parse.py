"""Webhook signatures and payload models: pure functions, no HTTP (see test_webhooks_http.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import forwardemail_async as fe
from forwardemail_async import webhooks
from forwardemail_async._decode.converter import converter, structure

DATA = Path(__file__).parent / "data"
KEY = "0123456789abcdef0123456789abcdef"
OTHER_KEY = "fedcba9876543210fedcba9876543210"


INBOUND_KEYS = {field.name for field in attrs.fields(webhooks.InboundEmail)} | {"from"}


def example(name: str) -> bytes:
    return (DATA / f"webhook_{name}_example.json").read_bytes()


def sign(body: bytes, key: str = KEY) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


# --- signatures ------------------------------------------------------------------------------


def test_the_key_is_used_as_text_not_hex_decoded() -> None:
    body = b'{"a":1}'
    assert webhooks.compute_signature(body, KEY) == sign(body)
    assert (
        webhooks.compute_signature(body, KEY)
        != hmac.new(bytes.fromhex(KEY), body, hashlib.sha256).hexdigest()
    )


def test_a_valid_signature_passes_trimmed_and_in_any_case() -> None:
    body = example("inbound")
    webhooks.verify_signature(body, sign(body), KEY)
    webhooks.verify_signature(body, f"  {sign(body).upper()}\r\n", KEY)
    webhooks.verify_signature(bytearray(body), sign(body), [OTHER_KEY, KEY])
    webhooks.verify_signature(memoryview(body), sign(body), (KEY,))


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_missing_signature_is_its_own_error(header: str | None) -> None:
    with pytest.raises(webhooks.MissingSignatureError, match="X-Webhook-Signature"):
        webhooks.verify_signature(b"{}", header, KEY)


@pytest.mark.parametrize(
    "header", ["abc", "sha256=" + "0" * 64, "g" * 64, "0" * 63, "0" * 65, "0" * 32 + " " + "0" * 31]
)
def test_a_malformed_signature_is_its_own_error(header: str) -> None:
    with pytest.raises(webhooks.MalformedSignatureError, match="64 hexadecimal"):
        webhooks.verify_signature(b"{}", header, KEY)


def test_a_wrong_key_is_a_mismatch_and_errors_form_one_tree() -> None:
    body = b'{"email_id":"x"}'
    with pytest.raises(webhooks.SignatureMismatchError) as caught:
        webhooks.verify_signature(body, sign(body, OTHER_KEY), [KEY, KEY.upper()])
    assert isinstance(caught.value, fe.WebhookSignatureError)
    assert isinstance(caught.value, fe.ForwardEmailError)
    assert "2 keys" in str(caught.value)
    assert fe.MissingSignatureError is webhooks.MissingSignatureError


def test_no_error_shows_the_key_or_the_expected_digest() -> None:
    body = b'{"secret":"no"}'
    expected = sign(body)
    for header in (None, "xyz", sign(body, OTHER_KEY)):
        with pytest.raises(webhooks.WebhookSignatureError) as caught:
            webhooks.verify_signature(body, header, KEY)
        shown = f"{caught.value} {caught.value!r} {caught.value.args}"
        assert KEY not in shown and expected not in shown


@pytest.mark.parametrize(
    ("body", "key", "error"),
    [
        ("{}", KEY, TypeError),
        ({"a": 1}, KEY, TypeError),
        (b"{}", KEY.encode(), TypeError),
        (b"{}", [], ValueError),
        (b"{}", [" "], ValueError),
        (b"{}", 5, TypeError),
    ],
)
def test_unusable_arguments_are_refused_clearly(body: Any, key: Any, error: type) -> None:
    with pytest.raises(error):
        webhooks.verify_signature(body, "0" * 64, key)


@given(body=st.binary(max_size=2048), key=st.text(min_size=1).filter(lambda k: k.strip() == k))
def test_any_body_signed_with_the_key_verifies(body: bytes, key: str) -> None:
    webhooks.verify_signature(body, hmac.new(key.encode(), body, hashlib.sha256).hexdigest(), key)


@given(data=st.data(), body=st.binary(min_size=1, max_size=2048))
def test_any_one_byte_change_fails(data: st.DataObject, body: bytes) -> None:
    signature = sign(body)
    index = data.draw(st.integers(0, len(body) - 1))
    new_byte = data.draw(st.integers(0, 255).filter(lambda b: b != body[index]))
    changed = body[:index] + bytes([new_byte]) + body[index + 1 :]
    with pytest.raises(webhooks.SignatureMismatchError):
        webhooks.verify_signature(changed, signature, KEY)


@given(data=st.data(), body=st.binary(max_size=512))
def test_any_one_character_change_of_the_signature_fails(data: st.DataObject, body: bytes) -> None:
    signature = sign(body)
    index = data.draw(st.integers(0, 63))
    digits = st.sampled_from("0123456789abcdef").filter(lambda c: c != signature[index])
    changed = signature[:index] + data.draw(digits) + signature[index + 1 :]
    with pytest.raises(webhooks.SignatureMismatchError):
        webhooks.verify_signature(body, changed, KEY)


# --- inbound model ---------------------------------------------------------------------------


def test_the_reference_inbound_example_decodes() -> None:
    email = webhooks.parse_inbound(example("inbound"))
    assert email.messageId == "<message-id@example.net>"
    assert email.html is None  # `false` in the payload
    assert email.textAsHtml == ""
    assert email.date == datetime(2025, 1, 1, tzinfo=timezone.utc)
    (attachment,) = email.attachments
    assert attachment.content == b"hello world!"
    assert (attachment.filename, attachment.size, attachment.partId) == ("text1.txt", 12, "2")
    assert attachment.extra_fields == {"release": None, "headers": {}}
    assert email.from_ is not None and email.from_.value[0].name == "Sender Name"
    assert email.from_.addresses == ["sender@example.net"]
    assert email.to is not None and email.to.addresses == ["alias@example.com"]
    assert isinstance(email.headers, dict) and email.headers["To"] == "alias@example.com"
    assert email.headerLines[0].key == "arc-seal"
    assert email.recipients == ["alias@example.com"]
    session = email.session
    assert session.arrivalDate == datetime(2025, 1, 1, 0, 0, 1, 234000, tzinfo=timezone.utc)
    assert session.arrivalDate.tzinfo is not None
    assert session.arrivalTime == 1735689601234 and session.remotePort == 54321
    assert session.mta == "mx1.forwardemail.net"
    assert email.dkim is not None and email.dkim.headerFrom == ["sender@example.net"]
    assert email.dkim.results[0].status == webhooks.AuthStatus(
        result="none", comment="message not signed"
    )
    assert email.spf is not None and email.spf.status is not None
    assert email.spf.status.result == "pass"
    assert email.spf.extra_fields["client-ip"] == "192.0.2.10"  # raw where mailauth varies
    assert email.arc is not None and email.arc.i == 0
    assert email.dmarc is not None and email.dmarc.domain == "example.net"
    assert email.bimi is not None and email.bimi.status is not None
    assert email.bimi.status.result == "skipped"
    assert email.extra_fields == {}


def test_unknown_fields_are_kept_at_every_level() -> None:
    data = json.loads(example("inbound"))
    data["priority"] = "high"
    data["session"]["tlsVersion"] = "TLSv1.3"
    data["attachments"][0]["newThing"] = [1, 2]
    data["dkim"]["results"][0]["policy"] = {"dkim-rules": {}}
    email = webhooks.parse_inbound(json.dumps(data).encode())
    assert email.extra_fields == {"priority": "high"}
    assert email.session.extra_fields == {"tlsVersion": "TLSv1.3"}
    assert email.attachments[0].extra_fields["newThing"] == [1, 2]
    assert email.dkim is not None
    assert email.dkim.results[0].extra_fields == {"policy": {"dkim-rules": {}}}


def test_false_means_absent_and_loose_shapes_are_normalised() -> None:
    body = {
        "html": False,
        "arc": False,
        "dmarc": False,
        "bimi": False,
        "dkim": {"headerFrom": [], "envelopeFrom": False, "results": []},
        "headers": "Subject: legacy header block\r\nTo: a@example.com",
        "references": "<one@example.net>",
        "to": [
            {"value": [{"address": "a@example.com", "name": ""}], "text": "a@example.com"},
            {
                "value": [{"name": "Team", "group": [{"address": "b@example.com", "name": "B"}]}],
                "text": "Team: B <b@example.com>;",
            },
        ],
        "session": {"sender": False, "arrivalDate": "2025-06-01T10:00:00+02:00"},
    }
    email = webhooks.parse_inbound(json.dumps(body))
    assert (email.html, email.arc, email.dmarc, email.bimi) == (None, None, None, None)
    assert email.dkim is not None and email.dkim.envelopeFrom is None
    assert email.headers == "Subject: legacy header block\r\nTo: a@example.com"
    assert email.references == ["<one@example.net>"]
    assert email.to is not None and email.to.addresses == ["a@example.com", "b@example.com"]
    assert email.to.value[1].group == [webhooks.EmailAddress(name="B", address="b@example.com")]
    assert email.session.sender is None
    assert email.session.arrivalDate == datetime(2025, 6, 1, 8, tzinfo=timezone.utc)


def test_attachments_false_and_raw_false_payloads_decode() -> None:
    data = json.loads(example("inbound"))
    del data["attachments"], data["raw"]
    email = webhooks.parse_inbound(json.dumps(data).encode())
    assert email.attachments == [] and email.raw is None


# --- bounce model ----------------------------------------------------------------------------


def test_the_reference_bounce_example_decodes() -> None:
    event = webhooks.parse_bounce(example("bounce"))
    assert event.recipient == "user@example.org"
    assert event.response_code == 550 and event.is_hard
    assert event.truth_source == "google.com"
    assert event.bounce == webhooks.BounceInfo(
        action="reject",
        message="<rule message>",
        category="recipient",
        code=550,
        status="5.1.1",
        line=123,
    )
    assert event.headers["Subject"] == "<subject>"
    assert event.bounced_at == datetime(2025, 1, 1, tzinfo=timezone.utc)
    assert event.list_id == "<List-ID value, only if present>"


def test_a_bounce_with_false_and_unknown_fields() -> None:
    data = json.loads(example("bounce"))
    data.update(truth_source=False, response_code=421, new_field={"x": 1})
    data["bounce"].update(status=False, action="defer", extra=True)
    event = webhooks.parse_bounce(json.dumps(data))
    assert event.truth_source is None and event.bounce.status is None
    assert not event.is_hard
    assert event.extra_fields == {"new_field": {"x": 1}}
    assert event.bounce.extra_fields == {"extra": True}


# --- errors and limits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "JSON object, not an array"),
        (b'{"attachments": [{"content": {"type": "Buffer", "data": [256]}}]}', "0-255"),
        (b'{"attachments": [{"content": 5}]}', "attachments\\[0\\]"),
        (b'{"session": {"arrivalDate": "yesterday"}}', "arrivalDate"),
    ],
)
def test_bad_inbound_bodies_raise_a_typed_error(body: bytes, match: str) -> None:
    with pytest.raises(webhooks.WebhookPayloadError, match=match):
        webhooks.parse_inbound(body)


def test_a_bounce_without_its_id_is_refused() -> None:
    with pytest.raises(webhooks.WebhookPayloadError, match="email_id"):
        webhooks.parse_bounce(b'{"recipient": "a@example.com"}')


def test_the_size_limit_raises_before_decoding() -> None:
    body = example("inbound")
    with pytest.raises(webhooks.WebhookPayloadTooLargeError) as caught:
        webhooks.parse_inbound(body, max_size=100)
    assert (caught.value.size, caught.value.limit) == (len(body), 100)
    assert isinstance(caught.value, webhooks.WebhookPayloadError)
    assert "attachments=false" in str(caught.value)
    with pytest.raises(ValueError, match="max_size"):
        webhooks.parse_inbound(body, max_size=0)


def test_a_large_attachment_costs_one_copy_after_decoding() -> None:
    size = 2_000_000
    content = bytes(range(256)) * (size // 256)
    body = json.dumps(
        {"attachments": [{"content": {"type": "Buffer", "data": list(content)}}]}
    ).encode()
    tracemalloc.start()
    try:
        email = webhooks.parse_inbound(body)
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert email.attachments[0].content == content
    # What stays allocated is the bytes themselves, not the decoded number list (8 bytes
    # a number in a list, i.e. eight times as much).
    assert current < 2 * size


def test_decoding_webhooks_leaves_other_models_decoding_as_before() -> None:
    """A new dict type (the webhook headers) once made the shared converter drop its shape
    check for dicts decoded earlier, changing their error messages."""
    with pytest.raises(fe.ResponseDecodeError, match="expected an object, got 'x'"):
        structure(
            {"id": "x", "name": "example.com", "custom_verification": "x"}, fe.Domain, what="GET"
        )
    converter.get_structure_hook(dict[str, frozenset[int]])  # a dict type never seen before
    webhooks.parse_bounce(example("bounce"))
    with pytest.raises(fe.ResponseDecodeError, match="expected an object, got 'x'"):
        structure(
            {"id": "x", "name": "example.com", "custom_verification": "x"}, fe.Domain, what="GET"
        )


@given(
    contents=st.lists(st.binary(max_size=300), max_size=4),
    extra=st.dictionaries(
        st.text(min_size=1).filter(lambda key: key not in INBOUND_KEYS),
        st.none() | st.booleans() | st.integers() | st.text(),
        max_size=3,
    ),
)
def test_any_attachment_bytes_and_unknown_keys_survive(
    contents: list[bytes], extra: dict[str, object]
) -> None:
    payload = {
        **extra,
        "attachments": [
            {"content": {"type": "Buffer", "data": list(content)}, "size": len(content)}
            for content in contents
        ],
    }
    email = webhooks.parse_inbound(json.dumps(payload).encode())
    assert [a.content for a in email.attachments] == contents
    assert email.extra_fields == extra
