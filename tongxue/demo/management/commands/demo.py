"""``tongxue demo``: build the demo school or province and import it, with demo accounts.

DEMO ONLY: the accounts share a password printed on the console. With ``-o FILE`` the
snapshot is written as JSON instead of imported (nothing is written to the database).

Importing is refused (exit status 2) unless ``DEBUG`` is on and the database holds
nothing but demo data (no organisation outside the demo school and province, no user
the demo did not create), or ``--i-know`` is given: the demo creates the superuser
``admin`` with a published password, which must never reach a production database.
``tongxue up`` loads the demo itself, into an empty development database.

The data is built as of today (the site's local date): its dates are relative to that
day, so the audit of the demo finds the same planted problems on the day it is loaded.
``--today YYYY-MM-DD`` builds it as of another day, for reproducible output.
"""

from __future__ import annotations

import json
import re
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from tongxue.demo import advocacy as advocacy_demo
from tongxue.demo import business as business_demo
from tongxue.demo import cadres as cadres_demo
from tongxue.demo import clubs as clubs_demo
from tongxue.demo import congresses as congresses_demo
from tongxue.demo import consultations as consultations_demo
from tongxue.demo import disclosure as disclosure_demo
from tongxue.demo import elections as elections_demo
from tongxue.demo import evaluations as evaluations_demo
from tongxue.demo import finances as finances_demo
from tongxue.demo import projects as projects_demo
from tongxue.demo import surveys as surveys_demo
from tongxue.demo import voice as voice_demo
from tongxue.demo import voting as voting_demo
from tongxue.demo.generator import (
    DEFAULT_SEED,
    build_province,
    build_school,
)

TABLES = (
    "organisations",
    "people",
    "positions",
    "meetings",
    "delegates",
    "reviews",
    "justifications",
)
#: "{n} organisations" … per table, for the console (#16: one language per line).
TABLE_COUNTS = {
    "organisations": gettext_noop("{n:,} organisations"),
    "people": gettext_noop("{n:,} people"),
    "positions": gettext_noop("{n:,} positions"),
    "meetings": gettext_noop("{n:,} meetings"),
    "delegates": gettext_noop("{n:,} delegates"),
    "reviews": gettext_noop("{n:,} reviews"),
    "justifications": gettext_noop("{n:,} justifications"),
}
#: Where the development server answers unless told otherwise.
DEFAULT_URL = "http://127.0.0.1:8000/"


def operator_language() -> str:
    """The language of the console, as every command that writes for a person reads
    it (:func:`tongxue.core.console.operator_language`: ``LANGUAGE``, then the locale):
    Chinese (zh-hans) or English (#16). The site's own language does not change."""
    from tongxue.core.console import operator_language as of_console

    return of_console()


def scale_label(scale: str) -> str:
    """The demo's scale in words, in the active language."""
    labels = {
        "school": pgettext("demo scale", "school"),
        "province": pgettext("demo scale", "province"),
    }
    return labels.get(scale, scale)


def table_counts(tables: dict[str, Any]) -> str:
    """How many rows each table holds, in words, joined by the list separator."""
    comma = pgettext("list separator", ", ")
    return comma.join(_(TABLE_COUNTS[t]).format(n=len(tables[t])) for t in TABLES)


def full_urls(text: str, base_url: str) -> str:
    """Turn the site paths of a console line (``/vote/X/``) into full URLs."""
    root = base_url.rstrip("/")
    return re.sub(r"(?<![\w/:.])(/[\w-]+(?:/[\w.-]+)*/)", lambda m: root + m[1], text)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--today must be a date like 2026-12-07")) from None


def holds_other_data() -> bool:
    """Return whether the database holds organisations or users the demo did not make.

    Demo organisations are those under the demo school and province; demo users are
    those whose creation the demo recorded in the audit log (``demo.user_created``).
    """
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from tongxue.core.models import AuditEvent
    from tongxue.demo.generator import PROVINCE_CODE, SCHOOL_CODE
    from tongxue.organisations.models import Organisation

    demo_orgs = Q(path__startswith=f"/{SCHOOL_CODE}/") | Q(
        path__startswith=f"/{PROVINCE_CODE}/"
    )
    if Organisation.objects.exclude(demo_orgs).exists():
        return True
    demo_users = AuditEvent.objects.filter(action="demo.user_created").values("target")
    return get_user_model().objects.exclude(username__in=demo_users).exists()


def refusal(*, i_know: bool) -> str | None:
    """Return why the demo may not be imported here (``None``: go ahead)."""
    from django.conf import settings

    if i_know:
        return None
    if not settings.DEBUG:
        return _(
            "tongxue demo refused: DEBUG is off, so this looks like a production "
            "install. The demo creates the superuser 'admin' with a published "
            "password. Run it on a development install (DEBUG=1), or add --i-know "
            "if you really mean it."
        )
    if holds_other_data():
        return _(
            "tongxue demo refused: the database holds organisations or users that "
            "are not demo data. The demo creates the superuser 'admin' with a "
            "published password. Use an empty database, or add --i-know if you "
            "really mean it."
        )
    return None


def build(scale: str, *, seed: int, as_of: date) -> dict[str, Any]:
    return (build_school if scale == "school" else build_province)(
        seed=seed, as_of=as_of
    )


def load_demo(
    command: BaseCommand,
    *,
    scale: str,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    base_url: str = DEFAULT_URL,
) -> list[Any]:
    """Build, import and create the accounts; print progress on the command's stdout.

    ``as_of`` is the demo's "today" (default: the site's local date).
    """
    from django.utils import timezone

    from tongxue.demo.accounts import ensure_demo_accounts
    from tongxue.snapshots.errors import SnapshotInvalid, describe
    from tongxue.snapshots.services import import_tables

    as_of = as_of or timezone.localdate()
    out = command.stdout
    started = time.perf_counter()
    tables = build(scale, seed=seed, as_of=as_of)
    built = time.perf_counter()
    out.write(
        _(
            "Built the demo {scale} (seed {seed}, as of {as_of}) in {seconds:.1f} s: {counts}."
        ).format(
            scale=scale_label(scale),
            seed=seed,
            as_of=as_of.isoformat(),
            seconds=built - started,
            counts=table_counts(tables),
        )
    )
    try:
        # The audit is stored once, below, after every feature's demo data.
        result = import_tables(tables, actor=None, store_findings=False)
    except SnapshotInvalid as exc:
        for error in exc.errors[:20]:
            command.stderr.write(describe(error))
        raise CommandError(
            _("The demo data did not import: {count} problem(s).").format(
                count=len(exc.errors)
            )
        ) from exc
    imported = time.perf_counter()
    out.write(
        _("Imported in one transaction in {seconds:.1f} s: {result}").format(
            seconds=imported - built,
            result=_(
                "{created:,} rows created, {updated:,} updated, {unchanged:,} unchanged"
            ).format(
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            ),
        )
    )
    accounts = ensure_demo_accounts(scale=scale)
    seed_features(command, scale=scale, as_of=as_of, base_url=base_url)
    store_findings(command)
    out.write(_("Total {seconds:.1f} s.").format(seconds=time.perf_counter() - started))
    return accounts


#: Apps that add demo data of their own after the registry is imported, in this order:
#: each has a module here, ``tongxue.demo.<app>``, with
#: ``seed(*, scale: str, as_of: date) -> str`` (idempotent; returns a one-line summary
#: for the console). The demo sits above the feature apps (#13): they never import it.
FEATURE_SEEDERS = (
    ("congresses", congresses_demo),
    ("business", business_demo),
    ("elections", elections_demo),
    ("voting", voting_demo),
    ("cadres", cadres_demo),
    ("evaluations", evaluations_demo),
    ("voice", voice_demo),
    ("advocacy", advocacy_demo),
    ("consultations", consultations_demo),
    ("disclosure", disclosure_demo),
    ("surveys", surveys_demo),
    ("finances", finances_demo),
    ("clubs", clubs_demo),
    ("projects", projects_demo),
)


#: The features' names on the console.
FEATURE_LABELS = {
    "congresses": gettext_noop("Congresses"),
    "business": gettext_noop("Congress business"),
    "elections": gettext_noop("Elections"),
    "voting": gettext_noop("Voting"),
    "cadres": gettext_noop("Cadres"),
    "evaluations": gettext_noop("Evaluations"),
    "voice": gettext_noop("Students' concerns"),
    "advocacy": gettext_noop("Legal aid, meetings and participation"),
    "consultations": gettext_noop("Consultations of students"),
    "disclosure": gettext_noop("Public page: rules, work affairs, official accounts"),
    "surveys": gettext_noop("Students evaluate the union"),
    "finances": gettext_noop("Finances"),
    "clubs": gettext_noop("Student clubs"),
    "projects": gettext_noop("Projects"),
}


def seed_features(
    command: BaseCommand, *, scale: str, as_of: date, base_url: str = DEFAULT_URL
) -> None:
    """Add each feature's demo data (congress delegates, elections, cadre records)."""
    colon = pgettext("after a label", ": ")
    for app, module in FEATURE_SEEDERS:
        summary = module.seed(scale=scale, as_of=as_of)
        if summary:
            label = _(FEATURE_LABELS[app])
            command.stdout.write(f"  {label}{colon}{full_urls(summary, base_url)}")


def store_findings(command: BaseCommand) -> None:
    """Audit everything and store the findings: the compliance pages read them (#15)."""
    from tongxue.compliance.services import store_audit

    started = time.perf_counter()
    run = store_audit(root=None)
    command.stdout.write(
        _("Stored the audit in {seconds:.1f} s: {findings:,} findings.").format(
            seconds=time.perf_counter() - started, findings=run.findings
        )
    )


#: The demo voters' accounts (DEMO ONLY), made by the elections and voting demos.
def _voter_accounts() -> list[tuple[str, str]]:
    """(user name, what they do) of the demo voters and scrutineers that exist."""
    from django.contrib.auth import get_user_model

    from tongxue.demo.elections import SCRUTINEERS
    from tongxue.demo.voting import DELEGATES

    wanted = [(u, _("delegate, votes in the demo elections")) for u in DELEGATES]
    wanted += [(u, _("scrutineer of the demo elections")) for u in SCRUTINEERS]
    names = {u for u, _w in wanted}
    existing = set(
        get_user_model()
        .objects.filter(username__in=names)
        .values_list("username", flat=True)
    )
    return [(u, what) for u, what in wanted if u in existing]


def role_label(role: str) -> str:
    """A demo account's role in words ("operator": the superuser)."""
    from tongxue.core.models import RoleKind

    if role == "operator":
        return _("operator (superuser)")
    try:
        return str(RoleKind(role).label)
    except ValueError:
        return role


def print_accounts(
    command: BaseCommand, accounts: list[Any], *, base_url: str = DEFAULT_URL
) -> None:
    """Print every demo account: the role holders, the demo voters (#16), then the
    handlers and the student of students' concerns, with where to start (#17)."""
    from tongxue.demo.accounts import DEMO_PASSWORD

    out = command.stdout
    out.write(
        command.style.WARNING(
            _(
                "DEMO ONLY — these accounts share a published password; never use them in production."
            )
        )
    )
    for a in accounts:
        where = (
            f"{a.organisation_name} ({a.organisation})"
            if a.organisation
            else _("everything")
        )
        new = _(" [created]") if a.created else ""
        out.write(
            f"  {a.username:<12} {DEMO_PASSWORD}  {role_label(a.role)} · {where}{new}"
        )
    for username, what in _voter_accounts():
        out.write(f"  {username:<12} {DEMO_PASSWORD}  {what}")
    print_voice(command, base_url=base_url)


def print_voice(command: BaseCommand, *, base_url: str = DEFAULT_URL) -> None:
    """The accounts of students' concerns and a line pointing to /voice/ (#17)."""
    from tongxue.demo.accounts import DEMO_PASSWORD
    from tongxue.demo.voice import demo_union, voice_accounts

    voice = voice_accounts()
    if not voice:
        return
    out = command.stdout
    for a in voice:
        what = {
            "student": _("student with concerns of their own"),
            "named": _("named handler of sensitive concerns and those about cadres"),
            "relay-delegate": _(
                "congress delegate: students' messages at /voice/relay/"
            ),
            "relay-cadre": _("union president: students' messages at /voice/relay/"),
        }.get(a.role) or role_label(a.role)
        out.write(
            f"  {a.username:<12} {DEMO_PASSWORD}  {what} · "
            f"{a.organisation_name} ({a.organisation})"
        )
    union = demo_union("school") or demo_union("province")
    code = union.code if union is not None else ""
    out.write(
        full_urls(
            _(
                "  Students' concerns: raise one at /voice/ (student), handle them at "
                "/voice/handle/ (rights, office, sensitive), public list and figures at "
                "/voice/{union}/ and /voice/{union}/figures/."
            ).format(union=code),
            base_url,
        )
    )


class Command(BaseCommand):
    help = _(
        "Build the demo school or province (invented data) and import it, with demo accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=("school", "province"),
            default="school",
            help=_("a university (about 20,000 students) or a province"),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=_("random seed: the same seed gives the same data"),
        )
        parser.add_argument(
            "--today",
            "--as-of",
            dest="as_of",
            type=_date,
            default=None,
            help=_(
                "build the data as of this day (YYYY-MM-DD; default: today): "
                "every date is relative to it"
            ),
        )
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            default=None,
            help=_("write the snapshot JSON to this file instead of importing"),
        )
        parser.add_argument(
            "--i-know",
            action="store_true",
            help=_(
                "import even with DEBUG off or into a database holding other data "
                "(creates 'admin' with a published password)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The console speaks the operator's language (#16).
        with translation.override(operator_language()):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        from django.utils import timezone

        scale, seed = options["scale"], options["seed"]
        as_of = options["as_of"] or timezone.localdate()
        if options["output"] is not None:
            started = time.perf_counter()
            tables = build(scale, seed=seed, as_of=as_of)
            path: Path = options["output"]
            with path.open("w", encoding="utf-8") as fh:
                json.dump(tables, fh, ensure_ascii=False)
            self.stdout.write(
                _(
                    "Wrote the demo {scale} to {path} in {seconds:.1f} s: {counts}."
                ).format(
                    scale=scale_label(scale),
                    path=path,
                    seconds=time.perf_counter() - started,
                    counts=table_counts(tables),
                )
            )
            return
        reason = refusal(i_know=options["i_know"])
        if reason is not None:
            raise CommandError(reason, returncode=2)
        accounts = load_demo(self, scale=scale, seed=seed, as_of=as_of)
        print_accounts(self, accounts)
