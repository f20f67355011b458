"""The ``{"message": "..."}`` answer some routes give instead of an object."""

from typing import Any

import attrs

from forwardemail_async._core.display import HtmlRepr

__all__ = ["StatusMessage"]


@attrs.frozen(kw_only=True)
class StatusMessage(HtmlRepr):
    """A confirmation text from the server, such as the S3 connection test's success or
    ``"Monitor removed successfully"``."""

    message: str
    extra_fields: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
