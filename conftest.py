"""Collects the Python blocks of README.md and docs/*.md as tests (see tests/docs_harness.py)."""

from tests.docs_harness import documents

pytest_collect_file = documents.pytest()
