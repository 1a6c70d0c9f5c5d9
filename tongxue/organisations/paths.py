"""Materialised paths of organisations ("/ROOT/CITY/SCHOOL/")."""

from __future__ import annotations


def path_for(parent_path: str | None, code: str) -> str:
    """Return the path of an organisation ``code`` under a parent with ``parent_path``."""
    if "/" in code:
        raise ValueError("an organisation code cannot contain '/'")
    return f"{parent_path or '/'}{code}/"
