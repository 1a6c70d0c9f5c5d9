"""`tongxue demo` and `tongxue up --prepare-only`: demo data, demo accounts, audit log."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext

from tongxue.accounts.activation import activate
from tongxue.accounts.selectors import my_home
from tongxue.compliance.selectors import audit_organisation
from tongxue.congresses.models import MeetingKind
from tongxue.core.models import AuditEvent, RoleAssignment, RoleKind
from tongxue.demo import finances as finances_demo
from tongxue.demo import voice as voice_demo
from tongxue.demo import voting as voting_demo
from tongxue.demo.accounts import DEMO_PASSWORD, demo_student_code, ensure_demo_accounts
from tongxue.demo.generator import build_school
from tongxue.elections.models import Election, ElectionStatus, RecordedElection
from tongxue.organisations.models import Organisation, Person
from tongxue.voting.models import RollEntry

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_school_loads_and_accounts_are_idempotent(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One (slow) test: the school demo imports in full, with demo accounts and audit records."""
    settings.DEBUG = True  # a development install: the demo refuses otherwise
    # The console speaks the operator's locale: Chinese here, as the site (#16).
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    output = _run("demo", "--scale", "school")
    tables = build_school(as_of=timezone.localdate())  # built as of today
    # … and the school's offices, which take students' concerns (#17)
    offices = len(voice_demo.OFFICES)
    assert Organisation.objects.count() == len(tables["organisations"]) + offices
    assert Person.objects.count() == len(tables["people"])
    # The snapshot's elections are recorded: the audit finds the elections its holders
    # name (no ELE-1/ELE-3 election-unknown), and still the demo's election problems.
    assert RecordedElection.objects.count() == len(tables["elections"])
    rules = {f.rule for f in audit_organisation(code="LYDX").findings}
    assert not {r for r in rules if r.endswith(".election-unknown")}
    assert {"ELE-1.no-election", "ELE-3.no-election"} <= rules
    warning = gettext(
        "DEMO ONLY — these accounts share a published password; never use them in production."
    )
    assert DEMO_PASSWORD in output and warning in output
    # One language a line: the table counts and the features' lines are Chinese, the
    # demo's pages full URLs (#16).
    assert "organisations" not in output and "open election" not in output
    assert "组织 " in output and "、人员 " in output
    assert "http://127.0.0.1:8000/vote/" in output and " /vote/" not in output

    users = {u.username: u for u in get_user_model().objects.all()}
    core = {"admin", "union_admin", "dept_admin", "advisor", "party"}
    # Feature demos add voters and scrutineers for the demo election (DEMO ONLY).
    feature = {*voting_demo.DELEGATES, "scrutineer1", "scrutineer2"}
    # … and the union's treasurer and finance approver (#18, TRN-4).
    feature |= set(finances_demo.ACCOUNTS)
    assert len(voting_demo.DELEGATES) == 5
    # … and the handlers of students' concerns, the student who raised some and the
    # students who raised the others (#17).
    voice = {a.username for a in voice_demo.voice_accounts()}
    assert voice == {
        "rights",
        "sensitive",
        "student",
        *(o[3] for o in voice_demo.OFFICES),
        # a delegate and the union's president students wrote to (RGT-6)
        "delegate",
        "cadre",
    }
    authors = set(users) - core - feature - voice
    assert len(authors) == voice_demo.AUTHORS
    assert Person.objects.filter(user__username__in=authors).count() == len(authors)
    assert users["admin"].is_superuser and not users["advisor"].is_superuser
    assert users["union_admin"].check_password(DEMO_PASSWORD)
    assert users["delegate1"].check_password(DEMO_PASSWORD)
    roles = {
        (r.user.username, r.role, r.organisation.code)
        for r in RoleAssignment.objects.select_related("user", "organisation")
    }
    assert {
        ("union_admin", RoleKind.UNION_ADMIN, "LYDX-XSH"),
        ("dept_admin", RoleKind.UNION_ADMIN, "LYDX-D01"),
        ("advisor", RoleKind.LEAGUE_ADVISOR, "LYDX"),
        ("party", RoleKind.PARTY_APPROVER, "LYDX"),
    } <= roles
    demo_events = AuditEvent.objects.filter(action__startswith="demo.")
    assert demo_events.filter(action="demo.user_created").count() == len(users)
    before = AuditEvent.objects.count()
    roles_before = RoleAssignment.objects.count()

    # Idempotent: a second time creates nothing and records nothing.
    again = ensure_demo_accounts(scale="school")
    assert [a.created for a in again] == [False] * len(core)
    assert get_user_model().objects.count() == len(users)
    assert RoleAssignment.objects.count() == roles_before
    assert AuditEvent.objects.count() == before

    # The student `tongxue up` names when it loads the demo activates with the code it
    # prints (a class sheet's code, issued as the union would) and is on the open
    # vote's roll, so their home offers the vote (#14).
    student = demo_student_code()
    assert student is not None
    activated = activate(
        student_number=student.student_number,
        code=student.code,
        password="a-long-demo-passphrase",
    )
    assert not RoleAssignment.objects.filter(user=activated.user).exists()
    assert "vote" in {i.kind for i in my_home(activated.user).items}
    # The standing conference's vote: its roll is the five standing delegates, each a
    # demo voter, so the demo voters can reach its quorum and elect (#16).
    standing_vote = Election.objects.get(
        meeting__kind=MeetingKind.STANDING_CONFERENCE, status=ElectionStatus.OPEN
    )
    standing_roll = RollEntry.objects.filter(election=standing_vote)
    assert standing_roll.count() == 5
    assert set(standing_roll.values_list("person__user__username", flat=True)) == set(
        voting_demo.DELEGATES
    )
    before = AuditEvent.objects.count()

    # `tongxue up` on a database that holds organisations loads nothing more.
    settings.DATA_DIR = tmp_path / "var"
    up = _run("tongxue_up", "--prepare-only")
    assert (
        gettext("3/4 The database already holds organisations: no demo data loaded.")
        in up
    )
    assert "union_admin" in up
    # … with the accounts of students' concerns and where to start (#17)
    assert "rights" in up and "office_jwc" in up
    assert "http://127.0.0.1:8000/voice/handle/" in up
    # Every demo account is listed again, the demo voters and scrutineers too (#16).
    for username in (*voting_demo.DELEGATES, "scrutineer1", "scrutineer2"):
        assert username in up
    # Roles read in words, not as codes.
    assert "学生会管理员" in up and "league_advisor" not in up
    assert Organisation.objects.count() == len(tables["organisations"]) + offices
    assert AuditEvent.objects.count() == before


def test_demo_output_writes_the_snapshot_instead_of_importing(tmp_path: Path) -> None:
    target = tmp_path / "school.json"
    _run("demo", "--scale", "school", "--seed", "7", "-o", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    today = timezone.localdate()
    assert data == json.loads(json.dumps(build_school(seed=7, as_of=today)))
    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("flag", ["--today", "--as-of"])
def test_demo_today_pins_the_day_of_the_data(tmp_path: Path, flag: str) -> None:
    """`tongxue demo --today 2027-03-01` builds the data as of that day (reproducible)."""
    target = tmp_path / "school.json"
    _run("demo", flag, "2027-03-01", "-o", str(target))
    data = json.loads(target.read_text(encoding="utf-8"))
    pinned = build_school(as_of=dt.date(2027, 3, 1))
    assert data == json.loads(json.dumps(pinned))
    assert data != json.loads(json.dumps(build_school(as_of=timezone.localdate())))


def test_demo_rejects_a_bad_date() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _run("demo", "--today", "1 November", "-o", "/dev/null")


def test_up_prepares_an_empty_database_and_loads_the_demo(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preparation steps of `tongxue up`; the demo load itself is the test above."""
    from tongxue.demo.management.commands import demo

    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(
        demo,
        "load_demo",
        lambda cmd, *, scale, base_url: calls.append((scale, base_url)) or [],
    )
    settings.DATA_DIR = tmp_path / "var"
    output = _run(
        "tongxue_up", "--prepare-only", "--scale", "school", "--addr", "0.0.0.0:8001"
    )
    assert settings.DATA_DIR.is_dir()
    # The demo's lines name full URLs on the server's address (#16).
    assert calls == [("school", "http://0.0.0.0:8001/")]
    assert "http://0.0.0.0:8001/" in output


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-hans"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh-hans"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "en"),
        # GNU gettext's LANGUAGE first, as every other command reads it (core.console)
        ({"LANG": "en_US.UTF-8", "LANGUAGE": "zh_CN:en"}, "zh-hans"),
        ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_GB"}, "en"),
    ],
)
def test_the_console_speaks_the_operators_locale(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], language: str
) -> None:
    """`tongxue up` and `tongxue demo` print one language: LANGUAGE, then LC_ALL,
    LC_MESSAGES, LANG; Chinese when it starts with zh, else English (#16)."""
    from tongxue.demo.management.commands.demo import operator_language

    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert operator_language() == language


@pytest.mark.parametrize(
    ("lang", "first_line"),
    [("en_US.UTF-8", "1/4 Migrating the database"), ("zh_CN.UTF-8", "1/4 正在迁移")],
)
def test_up_prints_in_the_operators_language(
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    first_line: str,
) -> None:
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", lang)
    settings.DATA_DIR = tmp_path / "var"
    output = _run("tongxue_up", "--prepare-only", "--no-demo")
    assert output.startswith(first_line)


def test_up_without_demo_loads_nothing(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"
    output = _run("tongxue_up", "--prepare-only", "--no-demo")
    assert "--no-demo" in output
    assert not Organisation.objects.exists()
    assert not get_user_model().objects.exists()


def test_up_refuses_production(settings: Any) -> None:
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        _run("tongxue_up", "--prepare-only")
