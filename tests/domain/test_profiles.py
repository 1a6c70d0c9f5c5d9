"""Profiles: every number of the plan with its clause; derived profiles may only tighten."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.domain.builders import compliant, findings, rules
from tongxue.domain.model import Role
from tongxue.domain.profiles import (
    BUILTIN,
    ProfileError,
    get_profile,
    load_profile,
    register_profile,
)
from tongxue.domain.requirements import REQUIREMENTS


def _derived(tmp_path: Path, body: str, code: str = "strict") -> Path:
    path = tmp_path / f"{code}.toml"
    path.write_text(f'[profile]\ncode = "{code}"\nextends = "gansu-2017"\n{body}')
    return path


@pytest.mark.parametrize("code", BUILTIN)
def test_builtin_profiles_cite_requirements_and_their_own_clauses(code: str) -> None:
    profile = get_profile(code)
    prefix = {"gansu-2017": "GS-", "cqtgu-2017": "CQ-"}[code]
    for p in profile.parameters.values():
        assert p.requirement in REQUIREMENTS, p.name
        assert p.clauses and all(c.startswith(prefix) for c in p.clauses), p.name
        assert set(p.clauses) <= set(REQUIREMENTS[p.requirement].clauses), p.name


def test_cqtgu_has_no_secondary_school_parameters() -> None:
    assert get_profile("gansu-2017").has("secondary_congress_max_interval_months")
    assert not get_profile("cqtgu-2017").has("secondary_congress_max_interval_months")
    assert not get_profile("cqtgu-2017").has("secondary_delegates_min_share")


def test_same_data_cites_the_governing_plan() -> None:
    """ORG-2 cites GS-9 under gansu-2017 and CQ-4 under cqtgu-2017."""
    for profile, clause in (("gansu-2017", "GS-9"), ("cqtgu-2017", "CQ-4")):
        b = compliant(profile)
        b.posts("U", Role.VICE_PRESIDENT, 3)
        (f,) = findings(b, "ORG-2")
        assert f.clauses == (clause,)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("vice_presidents_max", "7"),
        ("vice_presidents_min", "3"),
        ("core_members_max_share", '"2/100"'),
        ("delegates_min_share", '"1/200"'),
        ("non_core_delegates_min_share", '"59/100"'),
        ("school_congress_max_interval_months", "25"),
        ("assembly_students_below", "401"),
        ("presidents", "2"),
        ("main_cadre_roles", '["president"]'),
    ],
)
def test_a_derived_profile_may_not_loosen(
    tmp_path: Path, name: str, value: str
) -> None:
    path = _derived(tmp_path, f"[parameters.{name}]\nvalue = {value}\n")
    with pytest.raises(ProfileError, match=name):
        load_profile(path)


def test_a_derived_profile_may_tighten_and_keeps_clauses(tmp_path: Path) -> None:
    path = _derived(
        tmp_path,
        "[parameters.vice_presidents_max]\nvalue = 5\n"
        '[parameters.core_members_max_share]\nvalue = "1/200"\n'
        '[parameters.main_cadre_roles]\nvalue = ["president", "vice_president", "secretary_general"]\n'
        "[parameters.forbidden_title_patterns]\nvalue = ["
        + ", ".join(
            f"'{p}'"
            for p in (*get_profile("gansu-2017").strings("forbidden_title_patterns"),)
        )
        + ', "主席参谋"]\n',
    )
    strict = load_profile(path)
    assert strict.extends == "gansu-2017"
    assert strict.int("vice_presidents_max") == 5
    assert strict.param("vice_presidents_max").clauses == ("GS-9",)
    assert strict.int("vice_presidents_min") == 4  # inherited

    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 2)  # 6 vice-presidents
    assert rules(b, "ORG-2") == []
    assert rules(b, "ORG-2", profile=strict) == ["ORG-2.vice-presidents-max"]
    b.post("U-O", Role.MEMBER, title="主席参谋")
    assert rules(b, "ORG-5") == []
    assert rules(b, "ORG-5", profile=strict) == ["ORG-5.assistant-title"]
    # 1/200 of 18,406 = 92 core members at most; the union has 13
    b.posts("U-O", Role.CORE_MEMBER, 79)
    assert rules(b, "ORG-6", profile=strict) == []
    b.post("U-O", Role.CORE_MEMBER)
    assert rules(b, "ORG-6", profile=strict) == ["ORG-6.core-members"]
    assert rules(b, "ORG-6") == []


def test_an_organisation_governed_by_a_registered_derived_profile(
    tmp_path: Path,
) -> None:
    register_profile(
        load_profile(
            _derived(tmp_path, "[parameters.vice_presidents_max]\nvalue = 5\n", "s5")
        )
    )
    b = compliant()
    b.posts("U", Role.VICE_PRESIDENT, 2)
    assert rules(b, "ORG-2") == []
    b.update("S", profile="s5")  # the union inherits its school's profile
    assert rules(b, "ORG-2") == ["ORG-2.vice-presidents-max"]


def test_a_new_parameter_must_name_requirement_and_clauses(tmp_path: Path) -> None:
    path = _derived(tmp_path, '[parameters.extra]\nvalue = 3\ntighten = "up"\n')
    with pytest.raises(ProfileError, match="extra"):
        load_profile(path)


def test_unknown_profile_and_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="unknown profile"):
        load_profile("nowhere-2099")
    bad = tmp_path / "bad.toml"
    bad.write_text("[profile\n")
    with pytest.raises(ProfileError):
        load_profile(bad)
    with pytest.raises(ProfileError, match="no parameter"):
        get_profile("cqtgu-2017").int("secondary_congress_max_interval_months")


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_invented_numbers_carry_a_note(profile: str) -> None:
    """A number the plans do not give says so (the TOML ``note``): the 5 working days of
    公示 among them; the plan's own numbers have none (issue #12)."""
    p = get_profile(profile)
    assert "no period" in p.param("notice_period_working_days").note
    for name in ("exit_appeal_days", "recall_threshold", "evaluation_min_raters"):
        assert p.param(name).note, name
    for name in ("presidents", "vice_presidents_max", "clubs_responsible_members"):
        assert p.param(name).note == "", name


def test_a_derived_profile_keeps_or_replaces_the_note(tmp_path: Path) -> None:
    path = _derived(
        tmp_path,
        "[parameters.notice_period_working_days]\nvalue = 7\n"
        '[parameters.exit_appeal_days]\nvalue = 15\nnote = "Our charter, art. 9."\n',
    )
    strict = load_profile(path)
    base = get_profile("gansu-2017")
    note = base.param("notice_period_working_days").note
    assert strict.param("notice_period_working_days").note == note
    assert strict.param("exit_appeal_days").note == "Our charter, art. 9."


def test_a_profile_file_is_read_again_only_when_it_or_its_parent_changes(
    tmp_path: Path,
) -> None:
    """The governing profile is read on every write: a file is parsed once while it
    and the profile it extends stay as they are (#17, measured in docs/performance.md)."""
    import os

    base = tmp_path / "base5.toml"
    base.write_text(
        '[profile]\ncode = "base5"\nextends = "gansu-2017"\n'
        "[parameters.vice_presidents_max]\nvalue = 5\n"
    )
    child = tmp_path / "child4.toml"
    child.write_text(
        '[profile]\ncode = "child4"\nextends = "base5"\n'
        "[parameters.vice_presidents_max]\nvalue = 4\n"
    )
    first = load_profile(child)
    assert load_profile(child) is first
    assert first.int("vice_presidents_max") == 4
    # the parent changes (a later modification time): the child is built again on it
    base.write_text(
        '[profile]\ncode = "base5"\nextends = "gansu-2017"\n'
        "[parameters.vice_presidents_max]\nvalue = 4\n"
        "[parameters.department_deputies_max]\nvalue = 1\n"
    )
    stat = base.stat()
    os.utime(base, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = load_profile(child)
    assert second is not first
    assert second.int("department_deputies_max") == 1
    # the child itself changes
    child.write_text(
        '[profile]\ncode = "child4"\nextends = "base5"\n'
        "[parameters.vice_presidents_max]\nvalue = 3\n"
    )
    stat = child.stat()
    os.utime(child, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    assert load_profile(child).int("vice_presidents_max") == 3
