"""The alias request schema is the one place an alias's writable fields are declared.

The typed signatures (``aliases.create``, ``aliases.update``, ``AliasSpec``) are written out
for ``mypy --strict`` users; these tests hold each of them to the schema (names, order,
types, defaults), and show that everything else (bodies, bulk comparison, CLI columns,
dry-run diffs, the fields a spec may name) follows a field added to the schema alone.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

import forwardemail_async as fe
from forwardemail_async.cli._import import _changes
from forwardemail_async.cli._rows import COLUMNS, alias_row
from forwardemail_async.resources._schema import Column, Field, Schema
from forwardemail_async.resources._schema.aliases import ALIAS_FIELDS, alias_matches
from forwardemail_async.resources._schema.domains import DOMAIN_CREATE_FIELDS, DOMAIN_UPDATE_FIELDS
from forwardemail_async.resources._schema.mailbox import (
    CALENDAR_FIELDS,
    CONTACT_FIELDS,
    MESSAGE_FIELDS,
    SIEVE_FIELDS,
)
from forwardemail_async.resources.aliases import AliasesService
from forwardemail_async.resources.domains import DomainsService
from forwardemail_async.resources.email_body import EMAIL_FIELDS
from forwardemail_async.testing._text import slugify, strip_tags

# Arguments of the typed methods that are not alias fields.
# Path values, routing and options: the arguments of the typed methods that are not fields.
_NOT_FIELDS = {
    "self",
    "domain",
    "alias",
    "keep_unsent",
    "reconcile",
    "calendar",
    "calendar_id",
    "contact",
    "contact_id",
    "uid",
    "if_match",
    "script",
}
_NO_DEFAULT = inspect.Parameter.empty


def method_problems(
    method: Callable[..., object],
    schema: Schema[Any],
    *,
    only: tuple[str, ...] | None = None,
    required: tuple[str, ...] = (),
    others: tuple[str, ...] = (),
) -> list[str]:
    """How ``method``'s arguments for ``schema``'s fields (or the fields named in ``only``)
    differ from it: names, types and defaults (``None``, or none for the fields the
    schema or ``required`` says must be given); ``others`` are the method's own options.
    Empty when they agree."""
    params = inspect.signature(method).parameters.values()
    skipped = _NOT_FIELDS.union(others)
    got = [(p.name, p.annotation, p.default) for p in params if p.name not in skipped]
    want: list[tuple[str, object, object]] = []
    for field in schema:
        if only is not None and field.name not in only:
            continue
        if field.name in required:
            want.append((field.name, field.annotation.removesuffix(" | None"), _NO_DEFAULT))
        else:
            want.append((field.name, field.annotation, _NO_DEFAULT if field.required else None))
    if sorted(got) == sorted(want):  # keyword arguments: their order is the method's own
        return []
    missing = [f"    {n}: {a} = {d}," for n, a, d in want if (n, a, d) not in got]
    return [f"{method.__qualname__} differs; add or fix:\n" + "\n".join(missing)]


def signature_problems(schema: Schema[fe.Alias]) -> list[str]:
    """What each typed alias signature lacks or has beyond ``schema`` (empty when they agree)."""
    problems = method_problems(AliasesService.create, schema)
    problems += method_problems(AliasesService.update, schema)
    spec: list[tuple[str, object, object]] = [
        (a.name, a.type, a.default) for a in attrs.fields(fe.AliasSpec)
    ]
    # A spec needs its name (bulk runs find aliases by name): the one field without a default.
    want_spec: list[tuple[str, object, object]] = [
        (f.name, "str", attrs.NOTHING) if f.name == "name" else (f.name, f.annotation, None)
        for f in schema
    ]
    if spec != want_spec:
        missing = [f"    {n}: {a} = None" for n, a, d in want_spec if (n, a, d) not in spec]
        problems.append("AliasSpec differs; add or fix:\n" + "\n".join(missing))
    return problems


def test_typed_signatures_match_the_schema() -> None:
    assert signature_problems(ALIAS_FIELDS) == []
    assert method_problems(DomainsService.create, DOMAIN_CREATE_FIELDS) == []
    assert method_problems(DomainsService.update, DOMAIN_UPDATE_FIELDS) == []
    calendars = fe.CalendarsService
    assert method_problems(calendars.create, CALENDAR_FIELDS, required=("name",)) == []
    assert method_problems(calendars.update, CALENDAR_FIELDS) == []
    assert method_problems(fe.ContactsService.create, CONTACT_FIELDS) == []
    assert method_problems(fe.ContactsService.update, CONTACT_FIELDS) == []
    assert method_problems(fe.EmailsService.create, EMAIL_FIELDS, others=("retry_unsafe",)) == []
    # A stored message takes a subset of the message fields, plus folder, flags and labels.
    stored = tuple(inspect.signature(fe.MessagesService.create).parameters)
    own = ("folder", "flags", "labels")
    assert method_problems(fe.MessagesService.create, EMAIL_FIELDS, only=stored, others=own) == []
    content = tuple(name for name in stored if name not in own)
    assert (
        method_problems(fe.MessagesService.create, MESSAGE_FIELDS, only=own, others=content) == []
    )
    update_options = ("message", "lightweight")
    assert method_problems(fe.MessagesService.update, MESSAGE_FIELDS, others=update_options) == []
    for sieve in (fe.SieveScriptsService, fe.AliasSieveScriptsService):
        assert method_problems(sieve.create, SIEVE_FIELDS) == []
        updated = ("content", "description", "activate")
        assert method_problems(sieve.update, SIEVE_FIELDS, only=updated) == []


def test_domain_bodies_come_from_the_schema() -> None:
    values = dict.fromkeys(DOMAIN_UPDATE_FIELDS.names) | {
        "smtp_port": 2525,
        "ignore_mx_check": False,
    }
    # A port goes as a string (the server ignores a JSON number); booleans as booleans.
    assert DOMAIN_UPDATE_FIELDS.body(values, creating=False) == {
        "smtp_port": "2525",
        "ignore_mx_check": False,
    }


_NICKNAME = Field[fe.Alias](
    name="nickname",
    annotation="str | None",
    encode=lambda value, name: value.upper() if isinstance(value, str) else value,
    held=lambda alias: alias.extra_fields.get("nickname"),
    normalise=lambda value: value.upper() if isinstance(value, str) else value,
    column=Column(kind="text", empty=""),
)
_EXTENDED = Schema((*ALIAS_FIELDS.fields, _NICKNAME))


def test_a_new_field_is_asked_for_in_every_typed_signature() -> None:
    problems = signature_problems(_EXTENDED)
    assert [p.split(" ", 1)[0] for p in problems] == [
        "AliasesService.create",
        "AliasesService.update",
        "AliasSpec",
    ]
    assert all("nickname: str | None = None" in p for p in problems)


def test_a_new_field_is_encoded_compared_and_diffed_from_the_schema_alone() -> None:
    values = dict.fromkeys(_EXTENDED.names) | {"name": "x", "nickname": "bob"}
    assert _EXTENDED.body(values, creating=True) == {"name": "x", "nickname": "BOB"}
    alias = fe.Alias(id="1", name="x", extra_fields={"nickname": "BOB"})
    assert _EXTENDED.matches(alias, {"nickname": "bob"})
    assert not _EXTENDED.matches(alias, {"nickname": "alice"})
    other = fe.Alias(id="1", name="x", extra_fields={"nickname": "ALICE"})
    assert _EXTENDED.differences(other, {"nickname": "BOB"}) == [("nickname", "", "BOB")]
    assert [f.name for f in _EXTENDED.columns][-1] == "nickname"


def test_cli_and_bulk_follow_the_schema_when_a_field_is_added() -> None:
    # A fresh interpreter whose schema gained a field before the CLI and bulk modules load:
    # the file columns, the export row and the keys a bulk spec may carry all include it.
    script = textwrap.dedent(
        """
        import json
        from forwardemail_async.resources._schema import Column, Field, Schema
        from forwardemail_async.resources._schema import aliases
        from forwardemail_async._core.params import check_str
        extra = Field(name="nickname", annotation="str | None", encode=check_str,
                      column=Column(kind="text", empty=""))
        aliases.ALIAS_FIELDS = Schema((*aliases.ALIAS_FIELDS.fields, extra))
        from forwardemail_async.cli import _rows
        from forwardemail_async._bulk import _spec
        from forwardemail_async.models import Alias
        try:
            _spec.to_spec({"name": "x", "nickname": "bob"})
            accepted = "yes"
        except ValueError as exc:
            accepted = str(exc)
        except TypeError:
            accepted = "known, but AliasSpec lacks it"
        print(json.dumps({
            "columns": list(_rows.COLUMNS),
            "row": _rows.alias_row(Alias(id="1", name="x")),
            "spec": accepted,
        }))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=600
    )
    seen = json.loads(done.stdout)
    assert seen["columns"] == [*COLUMNS, "nickname"]
    assert seen["row"]["nickname"] == ""
    # The spec's field list comes from the schema (no "unknown field" error); only the typed
    # AliasSpec class needs the new attribute, which the signature test asks for.
    assert seen["spec"] == "known, but AliasSpec lacks it"


def test_export_rows_and_dry_run_diffs_use_the_schema_columns() -> None:
    alias = fe.Alias(
        id="1", name="x", recipients=["a@b.example"], description="<b>Hi</b>", labels=[]
    )
    assert tuple(alias_row(alias)) == COLUMNS
    assert alias_row(alias) == {
        "name": "x",
        "recipients": ["a@b.example"],
        "description": "<b>Hi</b>",
        "labels": [],
        "is_enabled": True,
    }
    spec = fe.AliasSpec(name="x", recipients="A@b.example", description="Hi", labels=["CRM"])
    # Recipients compare case-insensitively and descriptions without tags: only labels differ.
    assert _changes(alias, spec) == ["labels: (none) -> CRM"]


def test_alias_matches_compares_as_the_server_stores_values() -> None:
    alias = fe.Alias(id="1", name="sales", labels=["cafe-team"], is_enabled=True)
    assert alias_matches(alias, {"labels": ["Café Team"], "is_enabled": True, "name": " Sales"})
    assert not alias_matches(alias, {"is_enabled": False})
    # A field an alias cannot show: ignored, unless strict.
    assert alias_matches(alias, {"max_quota": "1 GB"})
    assert not alias_matches(alias, {"max_quota": "1 GB"}, strict=True)


_WORDS = st.lists(
    st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1)
    .map(str.strip)
    .filter(bool),
    min_size=1,
    max_size=6,
)


@given(labels=_WORDS, recipients=_WORDS, description=st.text(max_size=40))
def test_the_comparison_agrees_with_how_the_fake_server_stores_values(
    labels: list[str], recipients: list[str], description: str
) -> None:
    # What the fake stores for a body (slugified, deduplicated labels; trimmed, deduplicated
    # recipients; a tag-stripped description, absent when blank) always matches that body.
    body = ALIAS_FIELDS.body(
        {"labels": labels, "recipients": recipients, "description": description}, creating=True
    )
    stored_labels = [label for label in dict.fromkeys(map(slugify, labels)) if label]
    stored_description = strip_tags(description) if description.strip() else ""
    alias = fe.Alias(
        id="1",
        name="x",
        labels=stored_labels,
        recipients=list(dict.fromkeys(recipients)),
        description=stored_description or None,
    )
    assert alias_matches(alias, body)
    assert ALIAS_FIELDS.differences(alias, body) == []
