"""Profiles: every number of a reform plan, with the requirement and clause it comes from.

A profile is a TOML file (see ``gansu-2017.toml``). A province or school derives a
stricter profile with ``extends = "gansu-2017"`` in its ``[profile]`` table and overrides
only ``value``s; each override must move in the parameter's ``tighten`` direction.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

BUILTIN_DIR = Path(__file__).parent
BUILTIN = ("gansu-2017", "cqtgu-2017")
TIGHTEN = ("up", "down", "more", "fixed")


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the parameter."""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: Any
    requirement: str
    clauses: tuple[str, ...]
    tighten: str
    #: Why the number is Tongxue's or the profile author's and not the plan's (the TOML
    #: ``note``); empty for a number the plan itself gives.
    note: str = ""


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    name_zh: str
    source: str
    parameters: Mapping[str, Parameter]
    extends: str | None = None
    path: str = field(default="", compare=False)

    def has(self, name: str) -> bool:
        return name in self.parameters

    def param(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise ProfileError(f"profile {self.code} has no parameter {name}") from None

    def int(self, name: str) -> int:
        value = self.param(name).value
        if not isinstance(value, int) or isinstance(value, bool):
            raise ProfileError(f"{self.code}: {name} must be an integer")
        return value

    def fraction(self, name: str) -> Fraction:
        """Return a share such as ``"1/100"`` exactly (never a float)."""
        value = self.param(name).value
        try:
            return Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise ProfileError(
                f"{self.code}: {name} must be a fraction like 1/100"
            ) from None

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.param(name).value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProfileError(f"{self.code}: {name} must be a list of strings")
        return tuple(value)

    def own_clauses(self, clauses: tuple[str, ...]) -> tuple[str, ...]:
        """Return those of ``clauses`` that belong to this profile's plan.

        The plan is recognised by the clause prefix ("GS", "CQ") of the profile's
        parameters: under cqtgu-2017 a requirement's ("GS-8", "CQ-3") is ("CQ-3",),
        and ("GS-8",) is () — a refusal or finding never cites another plan. A profile
        without clauses of its own keeps them all.
        """
        prefixes = {
            c.split("-", 1)[0] for p in self.parameters.values() for c in p.clauses
        }
        if not prefixes:
            return clauses
        return tuple(c for c in clauses if c.split("-", 1)[0] in prefixes)

    def clauses(self, *names: str) -> tuple[str, ...]:
        """Return the clauses behind the given parameters, in order, without repeats."""
        out: dict[str, None] = {}
        for n in names:
            for c in self.param(n).clauses:
                out[c] = None
        return tuple(out)


def _parse(data: Mapping[str, Any], path: str) -> tuple[dict[str, Any], dict[str, Any]]:
    head = data.get("profile")
    if not isinstance(head, dict) or not isinstance(head.get("code"), str):
        raise ProfileError(f"{path}: a [profile] table with a code is required")
    params = data.get("parameters", {})
    if not isinstance(params, dict):
        raise ProfileError(f"{path}: [parameters] must be a table")
    return head, params


def _check_move(name: str, base: Parameter, value: Any, code: str) -> None:
    old = base.value
    if base.tighten == "fixed" and value != old:
        raise ProfileError(f"{code}: {name} is fixed by the plan at {old}")
    if base.tighten in ("up", "down"):
        if isinstance(old, str):
            new_n, old_n = Fraction(str(value)), Fraction(old)
        else:
            new_n, old_n = value, old
        if base.tighten == "up" and new_n < old_n:
            raise ProfileError(
                f"{code}: {name} may only be raised from {old}, not set to {value}"
            )
        if base.tighten == "down" and new_n > old_n:
            raise ProfileError(
                f"{code}: {name} may only be lowered from {old}, not set to {value}"
            )
    if base.tighten == "more":
        missing = [v for v in old if v not in value]
        if missing:
            raise ProfileError(
                f"{code}: {name} may only add entries; it drops {missing}"
            )


#: Profiles read from their files, by (path, search folders): the file's modification
#: time and size when read, the profile and the parent it was built on.
_loaded: dict[
    tuple[str, tuple[Path, ...]], tuple[int, int, Profile, Profile | None]
] = {}


def load_profile(source: str | Path, *, search: tuple[Path, ...] = ()) -> Profile:
    """Load a profile by built-in code or path to a TOML file, resolving ``extends``.

    A file is parsed once while it stays as it is: the profile read before is given
    again while the file's modification time and size, and its parent profile, are
    unchanged (a service reads the governing profile on every write; parsing the TOML
    of a profile and its parent cost milliseconds each time).
    """
    path = _locate(source, search)
    stat = path.stat()
    key = (str(path), search)
    known = _loaded.get(key)
    if known is not None and known[:2] == (stat.st_mtime_ns, stat.st_size):
        profile, parent = known[2], known[3]
        if parent is None or (
            load_profile(profile.extends or "", search=(path.parent, *search)) is parent
        ):
            return profile
    profile = _read_profile(path, search)
    parent = (
        load_profile(profile.extends, search=(path.parent, *search))
        if profile.extends
        else None
    )
    _loaded[key] = (stat.st_mtime_ns, stat.st_size, profile, parent)
    return profile


def _read_profile(path: Path, search: tuple[Path, ...]) -> Profile:
    with open(path, "rb") as fh:
        try:
            data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise ProfileError(f"{path}: {exc}") from None
    head, raw = _parse(data, str(path))
    code = head["code"]
    parent_code = head.get("extends")
    params: dict[str, Parameter] = {}
    if parent_code:
        parent = load_profile(parent_code, search=(path.parent, *search))
        params.update(parent.parameters)
    for name, spec in raw.items():
        if not isinstance(spec, dict) or "value" not in spec:
            raise ProfileError(f"{code}: parameter {name} needs a value")
        base = params.get(name)
        if base is not None:
            _check_move(name, base, spec["value"], code)
            clauses = tuple(spec.get("clauses", ())) or base.clauses
            params[name] = Parameter(
                name,
                spec["value"],
                base.requirement,
                clauses,
                base.tighten,
                str(spec.get("note", base.note)),
            )
            continue
        tighten = spec.get("tighten", "fixed")
        if tighten not in TIGHTEN:
            raise ProfileError(
                f"{code}: {name}: tighten must be one of {', '.join(TIGHTEN)}"
            )
        if not spec.get("requirement") or not spec.get("clauses"):
            raise ProfileError(
                f"{code}: parameter {name} must name its requirement and clauses"
            )
        params[name] = Parameter(
            name,
            spec["value"],
            spec["requirement"],
            tuple(spec["clauses"]),
            tighten,
            str(spec.get("note", "")),
        )
    return Profile(
        code=code,
        name=head.get("name", code),
        name_zh=head.get("name_zh", head.get("name", code)),
        source=head.get("source", ""),
        parameters=params,
        extends=parent_code,
        path=str(path),
    )


def _locate(source: str | Path, search: tuple[Path, ...]) -> Path:
    candidate = Path(source)
    if candidate.suffix == ".toml" and candidate.is_file():
        return candidate
    for folder in (*search, BUILTIN_DIR):
        p = folder / f"{source}.toml"
        if p.is_file():
            return p
    raise ProfileError(
        f"unknown profile {source!s}; built-in profiles: {', '.join(BUILTIN)}"
    )


_cache: dict[str, Profile] = {}


def get_profile(code: str) -> Profile:
    """Return a built-in (or previously loaded) profile by code, cached."""
    if code not in _cache:
        _cache[code] = load_profile(code)
    return _cache[code]


def register_profile(profile: Profile) -> None:
    """Make a loaded profile available to :func:`get_profile` by its code."""
    _cache[profile.code] = profile
