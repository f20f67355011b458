"""Pieces shared by several models."""

from typing import Literal

__all__ = ["Plan"]

Plan = Literal["free", "enhanced_protection", "team", "enterprise"]
"""Known values of ``plan`` on users and domains; fields are typed ``str`` so new plans decode."""
