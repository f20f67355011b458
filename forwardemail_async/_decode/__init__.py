"""Decoding JSON answers into models: the shared cattrs converter and its fast path."""
