"""The domain core is pure Python: no Django, no other part of tongxue (conventions)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tongxue.domain

DOMAIN = Path(next(iter(tongxue.domain.__path__)))
FILES = sorted(DOMAIN.rglob("*.py"))
FORBIDDEN_ROOTS = {"django", "ninja", "rest_framework", "psycopg", "axes", "csp"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative imports stay inside the package
                continue
            out.append(node.module or "")
    return out


def test_there_are_domain_files() -> None:
    assert len(FILES) >= 8


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_imports_nothing_outside_the_standard_library_and_itself(
    path: Path,
) -> None:
    for name in _imports(path):
        root = name.split(".")[0]
        assert root not in FORBIDDEN_ROOTS, f"{path}: imports {name}"
        if root == "tongxue":
            assert name == "tongxue.domain" or name.startswith("tongxue.domain."), (
                f"{path}: imports {name}"
            )


RULE_FILES = sorted((DOMAIN / "rules").glob("*.py"))
#: Integers a rule may write: counting and indexing, never a number of the plan.
ALLOWED_INTS = {0, 1, 100}  # 100 turns a share into a percentage for display


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rules_take_the_numbers_of_the_plan_from_the_profile(path: Path) -> None:
    """No 24 months, 400 students, 60% … as a literal in a rule (they are profile values)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    decorations = {
        id(n)
        for f in ast.walk(tree)
        if isinstance(f, ast.FunctionDef)
        for d in f.decorator_list
        for n in ast.walk(d)
    }  # e.g. @lru_cache(maxsize=16)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            if node.value in ALLOWED_INTS or id(node) in decorations:
                continue
            # a named module constant is allowed when it is not a plan number
            assert _is_named_constant(tree, node), (path.name, node.lineno, node.value)


def _is_named_constant(tree: ast.Module, const: ast.Constant) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and stmt.value is const:
            return all(isinstance(t, ast.Name) and t.id.isupper() for t in stmt.targets)
    return False
