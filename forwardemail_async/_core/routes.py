"""List routes as data: what one list endpoint is, declared once next to its resource.

A :class:`ListRoute` names the path template, the model of each item, the page sizes (for
paginated routes) and the :class:`Filter` of each query parameter. The requester and the
paginator read it; a list method only checks its path segments and hands over its
arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

import attrs

from .params import Encoder, query_params

__all__ = ["Filter", "ListRoute"]

T = TypeVar("T")


@attrs.frozen
class Filter:
    """One query parameter of a list route: the keyword argument it comes from, its check
    and encoding, and its name on the wire (the argument's name unless ``param`` says)."""

    argument: str
    check: Encoder
    param: str = attrs.field(default=attrs.Factory(lambda self: self.argument, takes_self=True))


def _no_relation(arguments: Mapping[str, object]) -> None:
    """No rule between the filters of a route."""


@attrs.frozen(kw_only=True)
class ListRoute(Generic[T]):
    """A ``GET`` endpoint that answers a JSON array of ``model``.

    ``default_limit``/``max_limit`` are its page sizes, both ``None`` when the server does not
    paginate it. ``relation`` checks a rule between filters (a range whose ends are swapped,
    say); it gets the keyword arguments once every filter has passed its own check.
    """

    path: str
    model: type[T]
    default_limit: int | None = None
    max_limit: int | None = None
    filters: tuple[Filter, ...] = ()
    relation: Callable[[Mapping[str, object]], None] = _no_relation

    def __attrs_post_init__(self) -> None:
        if (self.default_limit is None) != (self.max_limit is None):
            raise ValueError(f"{self.path}: give both page sizes or neither")
        if self.max_limit is not None and not 1 <= (self.default_limit or 0) <= self.max_limit:
            raise ValueError(f"{self.path}: the default page size must be in 1..max_limit")
        params = [item.param for item in self.filters]
        if len(set(params)) != len(params) or {"page", "limit"} & set(params):
            raise ValueError(f"{self.path}: filter parameters must be unique, not page/limit")

    @property
    def paginated(self) -> bool:
        """Whether the server answers this route page by page."""
        return self.max_limit is not None

    @property
    def what(self) -> str:
        """How errors name the route: ``GET`` and its path template."""
        return f"GET {self.path}"

    def query(self, arguments: Mapping[str, object]) -> dict[str, str]:
        """The query parameters of a list call, from its keyword arguments (a ``locals()``).

        Every filter is checked before anything is sent; ``None`` leaves a parameter out.
        """
        query = {
            item.param: item.check(arguments[item.argument], item.argument) for item in self.filters
        }
        self.relation(arguments)
        return query_params(query)
