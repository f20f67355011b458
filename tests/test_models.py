"""Decoding the API's JSON shapes into models, and the models' own behaviour (pure, no network).

The payloads follow the contract (shared reference, sections 4.1, 4.6-4.8): the key sets the
server's own tests assert for each endpoint, with realistic values.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from forwardemail_async import models
from forwardemail_async._core.errors import ResponseDecodeError
from forwardemail_async._decode.converter import (
    format_datetime,
    parse_datetime,
    structure,
    structure_list,
    unstructure,
)
from forwardemail_async.models import (
    Alias,
    AliasCredentials,
    DnsRecord,
    Domain,
    DomainInvite,
    DomainMember,
    DomainRef,
    SmtpDnsRecords,
    User,
    UserRef,
    VacationResponder,
)

USER_ID = "6650a7b1c2d3e4f5a6b7c8d9"
OTHER_USER_ID = "6650a7b1c2d3e4f5a6b7c8e0"
DOMAIN_ID = "6650a7b1c2d3e4f5a6b7c8da"
ALIAS_ID = "6650a7b1c2d3e4f5a6b7c8db"
CREATED = "2024-05-01T12:34:56.789Z"
UPDATED = "2024-05-02T08:00:00.123Z"
CREATED_DT = datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=timezone.utc)


def full_user() -> dict[str, Any]:
    """The user object nested in an alias-create answer (key list of the server's tests)."""
    return {
        "has_newsletter": False,
        "max_quota_per_alias": 10737418240,
        "address_country": "None",
        "address_html": "",
        "created_at": CREATED,
        "display_name": "owner@example.net",
        "email": "owner@example.net",
        "full_email": "owner@example.net",
        "id": USER_ID,
        "last_locale": "en",
        "locale": "en",
        "object": "user",
        "otp_enabled": False,
        "opt_out_templates": ["daily-log-alert", "weekly-dmarc-report"],
        "timezone": "UTC",
        "plan": "team",
        "sessions": [],
        "updated_at": UPDATED,
    }


def domain_settings() -> dict[str, Any]:
    """The keys every full domain shape has (create, retrieve, list, nested in alias create)."""
    return {
        "has_newsletter": False,
        "ignore_mx_check": False,
        "has_delivery_logs": False,
        "has_regex": False,
        "has_catchall": True,
        "has_adult_content_protection": True,
        "has_phishing_protection": True,
        "has_executable_protection": True,
        "has_virus_protection": True,
        "is_catchall_regex_disabled": False,
        "has_smtp": False,
        "is_smtp_suspended": False,
        "has_recipient_verification": False,
        "has_custom_verification": False,
        "has_mx_record": True,
        "has_txt_record": True,
        "has_dkim_record": False,
        "has_return_path_record": False,
        "has_dmarc_record": False,
        "retention_days": 0,
        "plan": "team",
        "max_recipients_per_alias": 50,
        "smtp_port": "25",
        "name": "example.com",
        "verification_record": "Zx9Ab3Cd7E",
        "id": DOMAIN_ID,
        "object": "domain",
        "created_at": CREATED,
        "updated_at": UPDATED,
    }


def admin_only_keys() -> dict[str, Any]:
    return {
        "allowlist": ["partner.example.org"],
        "denylist": ["spam.example"],
        "restricted_alias_names": ["admin", "postmaster"],
        "bounce_webhook": "https://hooks.example.com/bounces",
        "custom_verification": {"name": "Example", "subject": "Verify", "redirect": ""},
        "s3_endpoint": "https://s3.example.com",
        "s3_region": "eu-west-1",
        "s3_bucket": "mail-backups",
    }


def domain_create() -> dict[str, Any]:
    """POST /v1/domains and GET /v1/domains/:domain_id (admin): the full domain object."""
    return {
        **domain_settings(),
        **admin_only_keys(),
        "members": [
            {
                "user": {
                    "plan": "team",
                    "email": "owner@example.net",
                    "display_name": "owner@example.net",
                    "id": USER_ID,
                },
                "group": "admin",
            }
        ],
        "invites": [
            {
                "email": "new@example.net",
                "group": "user",
                "created_at": CREATED,
                "updated_at": UPDATED,
            }
        ],
        "storage_used": 1048576,
        "storage_used_by_aliases": 524288,
        "storage_quota": 10737418240,
        "smtp_dns_records": {
            "dkim": {"name": "fe-4e8c1a._domainkey", "value": "v=DKIM1; k=rsa; p=MIIBIjAN"},
            "return_path": {"name": "fe-bounces", "value": "forwardemail.net"},
            "dmarc": {
                "name": "_dmarc",
                "value": "v=DMARC1; p=reject; pct=100; rua=mailto:dmarc-abc@forwardemail.net;",
            },
        },
        "link": "https://forwardemail.net/my-account/domains/example.com",
    }


def domain_list_item() -> dict[str, Any]:
    """One entry of GET /v1/domains: the full keys minus members and invites."""
    payload = domain_create()
    del payload["members"], payload["invites"]
    return payload


def domain_retrieve_non_admin() -> dict[str, Any]:
    """GET /v1/domains/:domain_id for a plain member: no admin-only keys, invites is []."""
    payload = domain_create()
    for key in admin_only_keys():
        del payload[key]
    payload["members"][0]["group"] = "user"
    payload["invites"] = []
    return payload


def alias_create() -> dict[str, Any]:
    """POST /v1/domains/:domain_id/aliases: full nested user and domain."""
    nested_domain = {
        **domain_settings(),
        "members": [{"user": USER_ID, "group": "admin"}],
        "invites": [],
    }
    return {
        "created_at": CREATED,
        "error_code_if_disabled": 250,
        "has_imap": False,
        "has_pgp": False,
        "has_recipient_verification": False,
        "id": ALIAS_ID,
        "is_enabled": True,
        "locale": "en",
        "name": "info",
        "object": "alias",
        "recipients": ["owner@example.net", "https://hooks.example.com/mail"],
        "retention": 0,
        "storage_location": "storage_do_1",
        "storage_used": 0,
        "updated_at": UPDATED,
        "labels": ["support", "web"],
        "pending_recipients": [],
        "verified_recipients": [],
        "vacation_responder": {"is_enabled": False},
        "user": full_user(),
        "domain": nested_domain,
    }


def alias_list_item(index: int = 0) -> dict[str, Any]:
    """One entry of GET /v1/domains/:domain_id/aliases: no locale, small user and domain."""
    payload = alias_create()
    del payload["locale"]
    payload["id"] = f"{index:024x}"
    payload["name"] = f"alias-{index}"
    payload["user"] = {
        "email": "owner@example.net",
        "display_name": "owner@example.net",
        "id": USER_ID,
    }
    payload["domain"] = {"name": "example.com", "id": DOMAIN_ID}
    return payload


def alias_retrieve() -> dict[str, Any]:
    """GET /v1/domains/:domain_id/aliases/:alias_id: populated like the list, with extras set."""
    payload = alias_list_item()
    payload.update(
        name="info",
        id=ALIAS_ID,
        locale="en",
        description="Support inbox",
        public_key="-----BEGIN PGP PUBLIC KEY BLOCK-----\n...",
        has_pgp=True,
        has_imap=True,
        has_smime=False,
        max_quota=1073741824,
        storage_used=2048,
        vacation_responder={
            "is_enabled": True,
            "start_date": "2024-07-01T00:00:00.000Z",
            "end_date": "2024-07-15T00:00:00.000Z",
            "subject": "Out of office",
            "message": "Back on the 15th.",
        },
    )
    return payload


def alias_update() -> dict[str, Any]:
    """PUT /v1/domains/:domain_id/aliases/:alias_id (newest server): user/domain as id strings."""
    payload = alias_create()
    payload.update(user=USER_ID, domain=DOMAIN_ID, is_enabled=False, error_code_if_disabled=550)
    return payload


WHAT = "GET /v1/domains/{domain}"


# Endpoint shapes ---------------------------------------------------------------------------------


def test_domain_create_shape_decodes_every_field() -> None:
    domain = structure(domain_create(), Domain, what="POST /v1/domains")

    assert domain.id == DOMAIN_ID
    assert domain.name == "example.com"
    assert domain.object == "domain"
    assert domain.plan == "team"
    assert domain.has_catchall is True
    assert domain.has_dkim_record is False
    assert domain.max_recipients_per_alias == 50
    assert domain.smtp_port == "25"
    assert domain.storage_quota == 10737418240
    assert domain.allowlist == ["partner.example.org"]
    assert domain.custom_verification == {"name": "Example", "subject": "Verify", "redirect": ""}
    assert domain.s3_bucket == "mail-backups"
    assert domain.link == "https://forwardemail.net/my-account/domains/example.com"
    assert domain.created_at == CREATED_DT
    assert domain.members == [
        DomainMember(
            user=UserRef(id=USER_ID, email="owner@example.net", display_name="owner@example.net"),
            group="admin",
        )
    ]
    assert domain.invites is not None
    assert domain.invites[0].email == "new@example.net"
    assert domain.invites[0].object == "invite"
    assert domain.invites[0].updated_at == datetime(2024, 5, 2, 8, 0, 0, 123000, timezone.utc)
    assert domain.smtp_dns_records == SmtpDnsRecords(
        dkim=DnsRecord(name="fe-4e8c1a._domainkey", value="v=DKIM1; k=rsa; p=MIIBIjAN"),
        return_path=DnsRecord(name="fe-bounces", value="forwardemail.net"),
        dmarc=DnsRecord(
            name="_dmarc",
            value="v=DMARC1; p=reject; pct=100; rua=mailto:dmarc-abc@forwardemail.net;",
        ),
    )
    assert domain.extra_fields == {}


def test_domain_create_declares_every_key_the_contract_lists() -> None:
    declared = set(attrs.fields_dict(Domain)) - {"extra_fields"}

    assert set(domain_create()) <= declared


def test_domain_list_shape_has_no_members_or_invites() -> None:
    items = [domain_list_item(), {**domain_list_item(), "id": "b" * 24, "name": "example.org"}]

    domains = structure_list(items, Domain, what="GET /v1/domains")

    assert [domain.name for domain in domains] == ["example.com", "example.org"]
    assert domains[0].members is None
    assert domains[0].invites is None
    assert domains[0].smtp_dns_records is not None


def test_domain_retrieve_for_a_non_admin_has_no_admin_only_keys() -> None:
    domain = structure(domain_retrieve_non_admin(), Domain, what=WHAT)

    assert domain.allowlist is None
    assert domain.bounce_webhook is None
    assert domain.custom_verification is None
    assert domain.s3_endpoint is None
    assert domain.invites == []
    assert domain.members is not None
    assert domain.members[0].group == "user"


def test_domain_member_user_may_be_an_id_string() -> None:
    member = structure({"user": USER_ID, "group": "admin"}, DomainMember, what=WHAT)

    assert member.user == UserRef(id=USER_ID)
    assert member.object == "member"


def test_alias_create_shape_has_full_user_and_domain() -> None:
    alias = structure(alias_create(), Alias, what="POST /v1/domains/{domain}/aliases")

    assert alias.name == "info"
    assert alias.labels == ["support", "web"]
    assert alias.recipients == ["owner@example.net", "https://hooks.example.com/mail"]
    assert alias.error_code_if_disabled == 250
    assert alias.vacation_responder == VacationResponder(is_enabled=False)
    assert alias.description is None
    assert alias.locale == "en"
    # References: the rest of the full objects is kept in extra_fields.
    assert alias.user == UserRef(
        id=USER_ID, email="owner@example.net", display_name="owner@example.net"
    )
    user_rest = alias.user.extra_fields
    assert user_rest["opt_out_templates"] == ["daily-log-alert", "weekly-dmarc-report"]
    assert user_rest["max_quota_per_alias"] == 10737418240
    assert user_rest["address_country"] == "None"  # sic: the server's value for "not set"
    assert alias.domain == DomainRef(id=DOMAIN_ID, name="example.com")
    assert alias.domain.extra_fields["members"] == [{"user": USER_ID, "group": "admin"}]
    assert "link" not in alias.domain.extra_fields
    assert alias.user_id == USER_ID
    assert alias.domain_id == DOMAIN_ID
    assert alias.domain_name == "example.com"
    assert alias.address == "info@example.com"


def test_alias_list_shape_has_small_user_and_domain() -> None:
    aliases = structure_list(
        [alias_list_item(0), alias_list_item(1)], Alias, what="GET /v1/domains/{domain}/aliases"
    )

    first = aliases[0]
    assert first.user == UserRef(
        id=USER_ID, email="owner@example.net", display_name="owner@example.net"
    )
    assert first.domain == DomainRef(id=DOMAIN_ID, name="example.com")
    assert first.locale is None
    assert [alias.address for alias in aliases] == [
        "alias-0@example.com",
        "alias-1@example.com",
    ]


def test_alias_retrieve_shape_with_optional_fields_set() -> None:
    alias = structure(alias_retrieve(), Alias, what="GET /v1/domains/{domain}/aliases/{alias}")

    assert alias.description == "Support inbox"
    assert alias.public_key is not None
    assert alias.public_key.startswith("-----BEGIN PGP")
    assert alias.max_quota == 1073741824
    assert alias.has_smime is False
    assert alias.vacation_responder == VacationResponder(
        is_enabled=True,
        start_date=datetime(2024, 7, 1, tzinfo=timezone.utc),
        end_date=datetime(2024, 7, 15, tzinfo=timezone.utc),
        subject="Out of office",
        message="Back on the 15th.",
    )


def test_alias_update_shape_with_id_strings() -> None:
    alias = structure(alias_update(), Alias, what="PUT /v1/domains/{domain}/aliases/{alias}")

    assert alias.user == UserRef(id=USER_ID)
    assert alias.domain == DomainRef(id=DOMAIN_ID)
    assert alias.user_id == USER_ID
    assert alias.domain_id == DOMAIN_ID
    assert alias.domain_name is None
    assert alias.address is None
    assert alias.is_enabled is False
    assert alias.error_code_if_disabled == 550


def test_alias_without_user_or_domain_has_no_ids() -> None:
    alias = structure({"id": ALIAS_ID, "name": "info"}, Alias, what=WHAT)

    assert alias.object == "alias"
    assert (alias.user_id, alias.domain_id, alias.domain_name, alias.address) == (None,) * 4


def test_generate_password_answer() -> None:
    credentials = structure(
        {"username": "info@example.com", "password": "hunter2-Correct-Horse-Battery"},
        AliasCredentials,
        what="POST /v1/domains/{domain}/aliases/{alias}/generate-password",
    )

    assert credentials.username == "info@example.com"
    assert credentials.password == "hunter2-Correct-Horse-Battery"


# Secrets and display -----------------------------------------------------------------------------


def test_alias_credentials_hide_the_password_in_repr_and_str() -> None:
    credentials = AliasCredentials(username="info@example.com", password="s3cret-Pa55word")

    for text in (repr(credentials), str(credentials), repr([credentials]), f"{credentials}"):
        assert "s3cret-Pa55word" not in text
        assert "password='***'" in text
        assert "info@example.com" in text
    assert credentials.password == "s3cret-Pa55word"


def test_short_repr_for_domain_and_alias() -> None:
    alias = structure(alias_list_item(), Alias, what=WHAT)
    domain = structure(domain_create(), Domain, what=WHAT)

    assert repr(alias) == (
        f"Alias(id='{0:024x}', name='alias-0', domain='example.com', is_enabled=True, "
        "recipients=['owner@example.net', 'https://hooks.example.com/mail'])"
    )
    assert repr(domain) == f"Domain(id='{DOMAIN_ID}', name='example.com', plan='team')"
    assert repr(structure(alias_update(), Alias, what=WHAT)).startswith(
        f"Alias(id='{ALIAS_ID}', name='info', domain='{DOMAIN_ID}', "
    )


def test_extra_fields_are_not_in_repr() -> None:
    user = structure({"id": USER_ID, "secret_flag": "visible?"}, User, what=WHAT)

    assert user.extra_fields == {"secret_flag": "visible?"}
    assert "secret_flag" not in repr(user)
    assert "extra_fields" not in repr(user)


# Unknown fields ----------------------------------------------------------------------------------


def test_unknown_fields_are_captured_at_every_level() -> None:
    payload = alias_create()
    payload["is_quarantined"] = True
    payload["user"]["passkeys_count"] = 2
    payload["domain"]["new_setting"] = {"nested": [1, 2]}
    payload["domain"]["members"][0]["joined_at"] = CREATED
    payload["vacation_responder"]["timezone"] = "Europe/Paris"

    alias = structure(payload, Alias, what=WHAT)

    assert alias.extra_fields == {"is_quarantined": True}
    assert alias.user is not None
    assert alias.user.extra_fields["passkeys_count"] == 2
    assert alias.domain is not None
    assert alias.domain.extra_fields["new_setting"] == {"nested": [1, 2]}
    assert alias.domain.extra_fields["members"][0]["joined_at"] == CREATED
    assert alias.vacation_responder is not None
    assert alias.vacation_responder.extra_fields == {"timezone": "Europe/Paris"}


def test_unstructure_never_emits_extra_fields() -> None:
    payload = domain_create()
    payload["brand_new_key"] = "kept, not sent back"
    payload["members"][0]["user"]["brand_new_key"] = 1
    domain = structure(payload, Domain, what=WHAT)

    data = unstructure(domain)
    text = json.dumps(data)

    assert domain.extra_fields == {"brand_new_key": "kept, not sent back"}
    assert "extra_fields" not in text
    assert "brand_new_key" not in text
    assert data["members"][0]["user"]["id"] == USER_ID
    assert data["created_at"] == CREATED
    assert data["smtp_dns_records"]["dkim"]["name"] == "fe-4e8c1a._domainkey"


def test_unstructure_gives_references_as_objects() -> None:
    alias = structure(alias_update(), Alias, what=WHAT)

    data = unstructure(alias)

    assert data["user"] == {"id": USER_ID, "email": None, "display_name": None}
    assert data["domain"] == {"id": DOMAIN_ID, "name": None}
    assert data["vacation_responder"]["is_enabled"] is False


@pytest.mark.parametrize(
    "payload",
    [alias_create(), alias_list_item(), alias_retrieve(), alias_update()],
    ids=["create", "list", "retrieve", "update"],
)
def test_alias_round_trips_through_unstructure(payload: dict[str, Any]) -> None:
    alias = structure(payload, Alias, what=WHAT)

    data = unstructure(alias)

    assert data["created_at"] == CREATED
    assert json.loads(json.dumps(data)) == data
    assert structure(data, Alias, what=WHAT) == alias


def test_equality_ignores_extra_fields() -> None:
    plain = structure({"id": USER_ID}, User, what=WHAT)
    with_extra = structure({"id": USER_ID, "new": 1}, User, what=WHAT)

    assert plain == with_extra
    assert with_extra.extra_fields == {"new": 1}


# Tolerance ---------------------------------------------------------------------------------------


def test_unknown_enum_like_values_are_accepted() -> None:
    payload = alias_create()
    payload["error_code_if_disabled"] = 451
    payload["storage_location"] = "storage_eu_9"
    payload["user"]["plan"] = "platinum"
    payload["domain"]["plan"] = "enterprise_plus"
    payload["domain"]["members"][0]["group"] = "owner"

    alias = structure(payload, Alias, what=WHAT)

    assert alias.error_code_if_disabled == 451
    assert alias.user is not None
    assert alias.user.extra_fields["plan"] == "platinum"
    domain = structure(payload["domain"], Domain, what=WHAT)
    assert domain.plan == "enterprise_plus"
    assert domain.members is not None
    assert domain.members[0].group == "owner"


def test_null_for_optional_fields_gives_none() -> None:
    payload = alias_create()
    for key in ("description", "vacation_responder", "user", "domain", "labels", "created_at"):
        payload[key] = None
    payload["locale"] = None

    alias = structure(payload, Alias, what=WHAT)

    assert alias.description is None
    assert alias.vacation_responder is None
    assert alias.user is None
    assert alias.domain is None
    assert alias.labels is None
    assert alias.created_at is None
    assert alias.locale is None


def test_numbers_and_numeric_strings_are_accepted_both_ways() -> None:
    payload = domain_list_item()
    payload.update(retention_days="7", max_recipients_per_alias=50.0, smtp_port=2525)

    domain = structure(payload, Domain, what=WHAT)

    assert domain.retention_days == 7
    assert domain.max_recipients_per_alias == 50
    assert isinstance(domain.max_recipients_per_alias, int)
    assert domain.smtp_port == "2525"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T12:34:56.789Z", CREATED_DT),
        ("2024-05-01T12:34:56Z", CREATED_DT.replace(microsecond=0)),
        ("2024-05-01T12:34Z", CREATED_DT.replace(second=0, microsecond=0)),
        ("2024-05-01T14:34:56.789+02:00", CREATED_DT),
        ("2024-05-01T07:04:56.789-0530", CREATED_DT),
        ("2024-05-01T12:34:56.789", CREATED_DT),
        ("2024-05-01 12:34:56.789z", CREATED_DT),
        ("2024-05-01T12:34:56.789123456Z", CREATED_DT.replace(microsecond=789123)),
        ("2024-05-01T12:34:56.7Z", CREATED_DT.replace(microsecond=700000)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=timezone.utc)),
    ],
)
def test_parse_datetime_gives_aware_utc(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)

    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.tzinfo is timezone.utc


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2024-13-01T00:00:00Z",
        "2024-05-01T25:00:00Z",
        "2024-05-01T12:34:56.789ZZ",
        "2024-05-01T12:34:56.789Q",
        "١٢٣٤-05-01T12:34:56.789Z",
        "1714566896789",
    ],
)
def test_parse_datetime_rejects_what_is_not_iso_8601(text: str) -> None:
    with pytest.raises(ValueError, match=r"ISO-8601|out of range|must be in"):
        parse_datetime(text)


def test_format_datetime_is_utc_milliseconds_with_z() -> None:
    paris_summer = timezone(timedelta(hours=2))

    assert format_datetime(CREATED_DT) == CREATED
    assert format_datetime(datetime(2024, 5, 1, 14, 34, 56, 789999, paris_summer)) == CREATED
    assert format_datetime(datetime(2024, 5, 1, 12, 34, 56)) == "2024-05-01T12:34:56.000Z"


# Wrong shapes ------------------------------------------------------------------------------------


_DELETE = object()


def _mutated(base: dict[str, Any], path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    payload = copy.deepcopy(base)
    target: Any = payload
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return payload


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        (("id",), _DELETE, "required field missing @ $.id"),
        (("name",), None, "expected a string, got null @ $.name"),
        (("recipients",), "owner@example.net", "expected an array, got 'owner@example.net'"),
        (("labels", 1), {"x": 1}, "expected a string, got an object @ $.labels[1]"),
        (("is_enabled",), "yes", "expected true or false, got 'yes' @ $.is_enabled"),
        (("storage_used",), "lots", "expected an integer, got 'lots' @ $.storage_used"),
        (("retention",), True, "expected an integer, got true @ $.retention"),
        (("created_at",), 1714566896789, "ISO-8601 date-time string, got 1714566896789"),
        (("vacation_responder",), [], "expected a VacationResponder object, got an array"),
        (("vacation_responder", "start_date"), "soon", "date-time string, got 'soon'"),
    ],
)
def test_wrong_shape_raises_decode_error_naming_the_field(
    path: tuple[str | int, ...], value: object, fragment: str
) -> None:
    payload = _mutated(alias_create(), path, value)

    with pytest.raises(ResponseDecodeError) as caught:
        structure(payload, Alias, what="POST /v1/domains/{domain}/aliases")

    message = caught.value.message
    assert message.startswith("POST /v1/domains/{domain}/aliases: the response does not match ")
    assert "Alias" in message
    assert fragment in message
    assert caught.value.body is payload
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"id": DOMAIN_ID, "name": "example.com"}, DomainRef(id=DOMAIN_ID, name="example.com")),
        (DOMAIN_ID, DomainRef(id=DOMAIN_ID)),
        ({"name": "example.com"}, DomainRef(name="example.com")),
        ({"id": None, "name": "example.com"}, DomainRef(name="example.com")),
        ({"id": {"$oid": DOMAIN_ID}, "name": "example.com"}, DomainRef(name="example.com")),
        ({}, DomainRef()),
        (42, DomainRef()),
        (["not", "an", "object"], DomainRef()),
    ],
    ids=["small", "id", "no-id", "null-id", "odd-id", "empty", "number", "array"],
)
def test_a_reference_takes_any_shape(value: object, expected: DomainRef) -> None:
    payload = alias_list_item()
    payload["domain"] = value

    alias = structure(payload, Alias, what=WHAT)

    assert alias.domain == expected
    assert alias.name == payload["name"]
    if isinstance(value, dict):
        read = {"id", "name"}
        kept = {k: x for k, x in value.items() if not (k in read and (x is None or type(x) is str))}
        assert alias.domain.extra_fields == kept
    elif not isinstance(value, str):
        assert alias.domain.extra_fields == {"value": value}


def test_an_odd_reference_never_fails_the_page() -> None:
    items = [alias_list_item(index) for index in range(4)]
    items[1]["domain"] = {"name": "example.com"}
    items[2]["user"] = USER_ID
    items[3]["domain"] = 7

    aliases = structure_list(items, Alias, what=WHAT)

    assert [alias.domain_id for alias in aliases] == [DOMAIN_ID, None, DOMAIN_ID, None]
    assert [alias.domain_name for alias in aliases][:3] == ["example.com"] * 3
    assert [alias.user_id for alias in aliases] == [USER_ID] * 4
    assert aliases[2].user == UserRef(id=USER_ID)


def test_an_odd_member_or_invite_never_fails_the_domain() -> None:
    payload = domain_create()
    payload["members"] = [{"user": USER_ID}, {"user": {"email": "x@example.net"}, "group": 3}]
    payload["invites"] = [{"group": "user"}]

    domain = structure(payload, Domain, what=WHAT)

    assert domain.members == [
        DomainMember(user=UserRef(id=USER_ID)),
        DomainMember(user=UserRef(email="x@example.net"), group="3"),
    ]
    assert domain.invites is not None
    assert (domain.invites[0].email, domain.invites[0].group) == (None, "user")


def test_a_list_where_an_object_is_expected() -> None:
    body = [domain_create()]

    with pytest.raises(ResponseDecodeError, match=r"expected a Domain object, got an array @ \$$"):
        structure(body, Domain, what=WHAT)


def test_structure_list_names_the_failing_index() -> None:
    items = [alias_list_item(0), alias_list_item(1), alias_list_item(2)]
    del items[2]["name"]

    with pytest.raises(ResponseDecodeError) as caught:
        structure_list(items, Alias, what="GET /v1/domains/{domain}/aliases")

    assert "does not match list[Alias]: required field missing @ $[2].name" in caught.value.message
    assert caught.value.body is items


def test_structure_list_refuses_an_object() -> None:
    with pytest.raises(ResponseDecodeError, match=r"list\[Domain\]: expected an array, got an ob"):
        structure_list({"domains": []}, Domain, what="GET /v1/domains")


def test_many_errors_are_summarised() -> None:
    items: list[object] = [{"name": f"n{index}"} for index in range(8)]

    with pytest.raises(ResponseDecodeError) as caught:
        structure_list(items, Alias, what="GET /v1/domains/{domain}/aliases")

    assert caught.value.message.count("required field missing") == 5
    assert caught.value.message.endswith("; and 3 more")


def test_decode_error_keeps_the_cattrs_error_as_cause() -> None:
    with pytest.raises(ResponseDecodeError) as caught:
        structure({"name": "x"}, Domain, what=WHAT)

    assert caught.value.__cause__ is not None


# attrs behaviour ---------------------------------------------------------------------------------


def test_models_are_frozen() -> None:
    alias = structure(alias_list_item(), Alias, what=WHAT)

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        alias.name = "renamed"  # type: ignore[misc]


def test_evolve_changes_a_field_and_keeps_extra_fields() -> None:
    alias = structure({**alias_list_item(), "future_key": 1}, Alias, what=WHAT)

    renamed = attrs.evolve(alias, name="sales", object="alias")

    assert renamed.name == "sales"
    assert renamed.address == "sales@example.com"
    assert renamed.extra_fields == {"future_key": 1}
    assert alias.name == "alias-0"


def test_a_field_named_object_works() -> None:
    domain = Domain(id=DOMAIN_ID, name="example.com", object="domain-v2")

    assert domain.object == "domain-v2"
    assert Domain(id=DOMAIN_ID, name="example.com").object == "domain"
    assert attrs.evolve(domain, object="domain").object == "domain"
    assert unstructure(domain)["object"] == "domain-v2"


def _model_classes() -> list[type[Any]]:
    return [
        value
        for value in (getattr(models, name) for name in models.__all__)
        if isinstance(value, type) and attrs.has(value)
    ]


def test_public_package_exports() -> None:
    assert sorted(models.__all__) == models.__all__
    assert {cls.__name__ for cls in _model_classes()} == {
        "Alias",
        "AliasAccount",
        "AliasCredentials",
        "AliasMailSettings",
        "AliasSettings",
        "Calendar",
        "CalendarEvent",
        "Contact",
        "ContactValue",
        "Folder",
        "Message",
        "MessageAddress",
        "SieveScript",
        "SieveScriptDeleted",
        "DnsRecord",
        "Domain",
        "DomainInvite",
        "DomainMember",
        "DomainRef",
        "UserRef",
        "CatchAllPassword",
        "CatchAllPasswordCredentials",
        "Email",
        "EmailDetail",
        "EmailEnvelope",
        "EmailLimit",
        "NewAccount",
        "RejectedRecipient",
        "SmtpDnsRecords",
        "User",
        "VacationResponder",
        "BlacklistEvent",
        "BlacklistSummary",
        "CertificateEvent",
        "DmarcSummary",
        "DnsChange",
        "DnsSummary",
        "ObservatoryBlacklists",
        "ObservatoryDnsHistory",
        "ObservatoryLookup",
        "ObservatoryMonitor",
        "PushToken",
        "PushTokensDeleted",
        "StatusMessage",
    }
    assert {"EmailStatus", "ErrorCodeIfDisabled", "MemberGroup", "Plan"} <= set(models.__all__)
    assert {"PushPlatform", "SubjectType"} <= set(models.__all__)


@pytest.mark.parametrize("cls", _model_classes(), ids=lambda cls: cls.__name__)
def test_every_model_is_frozen_slotted_and_ends_with_extra_fields(cls: type[Any]) -> None:
    fields = attrs.fields(cls)
    extra = fields[-1]

    assert "__slots__" in cls.__dict__
    assert "__setattr__" in vars(cls)
    assert all(field.kw_only for field in fields)
    assert extra.name == "extra_fields"
    assert (extra.eq, extra.repr) == (False, False)
    assert isinstance(extra.default, attrs.Factory)  # type: ignore[arg-type]
    assert extra.default.factory is dict
    assert cls.__doc__


def test_each_model_gets_its_own_extra_fields_dict() -> None:
    first = DomainInvite(email="a@example.net", group="user")
    second = DomainInvite(email="b@example.net", group="user")

    first.extra_fields["x"] = 1

    assert second.extra_fields == {}
