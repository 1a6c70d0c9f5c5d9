"""ORG-11 on the domain's registry, on both sides of each line: a project carried out
(running or concluded) on a day of the last term that is over (2023-autumn on AS_OF
2024-06-30: from 2023-09-01 to 2024-02-29) vs. one only in the term before or after it;
a planned or cancelled project does not count; a registry that records no projects (a
snapshot) is not judged; only the school-level union is judged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.domain.builders import AS_OF, compliant, findings, rules
from tongxue.domain.findings import Severity
from tongxue.domain.model import Registry
from tongxue.domain.model.projects import ProjectRecord
from tongxue.domain.rules.disclosure import previous_term


def registry(
    projects: tuple[ProjectRecord, ...] | None, *, profile: str = "gansu-2017"
) -> Registry:
    return replace(compliant(profile).build(), projects=projects)


def org11(reg: Registry) -> list[tuple[str, str]]:
    return sorted(
        (f.rule, f.organisation) for f in findings(reg) if f.requirement == "ORG-11"
    )


def test_a_registry_without_projects_is_not_judged() -> None:
    assert compliant().build().projects is None
    assert org11(registry(None)) == []


@pytest.mark.parametrize("profile", ["gansu-2017", "cqtgu-2017"])
def test_no_project_at_all_is_a_violation_at_the_school_union_only(
    profile: str,
) -> None:
    found = [
        f for f in findings(registry((), profile=profile)) if f.requirement == "ORG-11"
    ]
    assert [(f.rule, f.organisation) for f in found] == [("ORG-11.no-project", "U")]
    f = found[0]
    assert f.severity == Severity.VIOLATION
    assert f.evidence["term"] == "2023-autumn"
    assert (f.evidence["term_start"], f.evidence["term_end"]) == (
        "2023-09-01",
        "2024-02-29",
    )
    assert f.evidence["projects_count"] == 0 and f.evidence["minimum"] == 1
    assert f.evidence["last_project"] == "-"


@pytest.mark.parametrize(
    ("project", "reported"),
    [
        # concluded within the term
        (
            ProjectRecord("U", "1", "concluded", date(2023, 10, 1), date(2023, 12, 1)),
            False,
        ),
        # running across the whole term, still open
        (ProjectRecord("U", "1", "running", date(2023, 3, 1)), False),
        # ended on the term's first day: it ran in the term
        (
            ProjectRecord("U", "1", "concluded", date(2023, 5, 1), date(2023, 9, 1)),
            False,
        ),
        # … the day before: only in the previous term
        (
            ProjectRecord("U", "1", "concluded", date(2023, 5, 1), date(2023, 8, 31)),
            True,
        ),
        # started on the term's last day; the day after: only in the current term
        (ProjectRecord("U", "1", "running", date(2024, 2, 29)), False),
        (ProjectRecord("U", "1", "running", date(2024, 3, 1)), True),
        # planned or cancelled: not carried out
        (
            ProjectRecord("U", "1", "planned", date(2023, 10, 1), date(2023, 12, 1)),
            True,
        ),
        (
            ProjectRecord("U", "1", "cancelled", date(2023, 10, 1), date(2023, 12, 1)),
            True,
        ),
        # the department union's project does not count for the school union
        (
            ProjectRecord("D", "1", "concluded", date(2023, 10, 1), date(2023, 12, 1)),
            True,
        ),
    ],
)
def test_a_project_in_the_term_and_one_outside_it(
    project: ProjectRecord, reported: bool
) -> None:
    assert bool(org11(registry((project,)))) is reported


def test_the_finding_names_the_last_project_started() -> None:
    earlier = ProjectRecord("U", "1", "concluded", date(2023, 4, 1), date(2023, 6, 30))
    (f,) = [f for f in findings(registry((earlier,))) if f.requirement == "ORG-11"]
    assert f.evidence["last_project"] == "2023-04-01"
    assert f.evidence["projects_count"] == 0


def test_a_stricter_profile_asks_for_more_projects(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tongxue.domain.profiles import load_profile

    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\ncode = "strict"\nextends = "gansu-2017"\n'
        "[parameters.projects_min_per_term]\nvalue = 2\n"
    )
    strict = load_profile(path)
    one = ProjectRecord("U", "1", "concluded", date(2023, 10, 1), date(2023, 12, 1))
    two = ProjectRecord("U", "2", "running", date(2023, 11, 1))
    assert rules(registry((one,)), "ORG-11") == []
    assert rules(registry((one,)), "ORG-11", profile=strict) == ["ORG-11.no-project"]
    assert rules(registry((one, two)), "ORG-11", profile=strict) == []
    assert previous_term(AS_OF).code == "2023-autumn"  # the term judged here
