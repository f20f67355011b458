"""``AliasSpec``: one alias of a bulk operation, checked and encoded by the alias schema."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import attrs

from forwardemail_async.models import ErrorCodeIfDisabled
from forwardemail_async.resources._schema.aliases import ALIAS_FIELDS, name_key

__all__ = ["AliasSpec", "name_key", "to_spec"]


@attrs.frozen(kw_only=True)
class AliasSpec:
    """The fields of one alias in ``create_many`` / ``update_many``; ``None`` means "not sent".

    ``name`` is required: it is how a bulk run finds the alias again after an ambiguous
    failure (and, for updates, which alias to change). The other fields are those of
    :meth:`AliasesService.create`; a plain dict with the same keys works too.
    """

    name: str
    recipients: Sequence[str] | str | None = None
    description: str | None = None
    labels: Sequence[str] | str | None = None
    is_enabled: bool | None = None
    has_recipient_verification: bool | None = None
    has_imap: bool | None = None
    has_pgp: bool | None = None
    public_key: str | None = None
    max_quota: str | None = None
    error_code_if_disabled: ErrorCodeIfDisabled | None = None
    vacation_responder_is_enabled: bool | None = None
    vacation_responder_start_date: date | str | None = None
    vacation_responder_end_date: date | str | None = None
    vacation_responder_subject: str | None = None
    vacation_responder_message: str | None = None

    def body(self, *, creating: bool) -> dict[str, object]:
        """The checked JSON body (TypeError/ValueError for a bad field), without ``name`` on
        updates (the name there says which alias to change)."""
        body = ALIAS_FIELDS.body(attrs.asdict(self, recurse=False), creating=creating)
        if not creating:
            body.pop("name", None)
        return body


def to_spec(item: object) -> AliasSpec:
    """An :class:`AliasSpec` from a spec or a mapping; TypeError/ValueError if it is not one."""
    if isinstance(item, AliasSpec):
        spec = item
    elif isinstance(item, Mapping):
        unknown = sorted(str(key) for key in item if key not in ALIAS_FIELDS.by_name)
        if unknown:
            raise ValueError(f"unknown alias field(s): {', '.join(unknown)}")
        if "name" not in item:
            raise ValueError("an alias spec needs a name")
        spec = AliasSpec(**{str(key): value for key, value in item.items()})
    else:
        raise TypeError(f"an alias spec must be an AliasSpec or a dict, not {type(item).__name__}")
    if not isinstance(spec.name, str) or not spec.name.strip():
        raise ValueError("an alias spec needs a non-blank name (bulk runs find aliases by name)")
    return attrs.evolve(spec, name=name_key(spec.name))
