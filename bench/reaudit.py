"""Benchmark: the re-audit after a write, and the nightly pass, on the demo province (#15).

Prints figures; asserts nothing about time. Usage (PostgreSQL)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/reaudit.py \\
        --database tongxue_bench_reaudit

Drops, re-creates and fills the database named by ``--database`` (its name must contain
``bench``: ``bench/benchdb.py``), imports the generated province (``build_province``,
the demo's, deterministic), stores its audit, then, ``--repeat`` times each, in real
transactions as a request would run them:

* **a single appointment** (a deputy head at a functional department of a school
  union, through ``organisations.services.positions.appoint``): the write with its
  marking (the audit log's hook), then the synchronous re-audit of the school run when
  it commits (``tongxue.compliance.reaudit.run_sync``), timed apart, with its parts
  (the school's registry, the rules, the rest: the lock, the run and the stored rows);
* **the job after it** (``reaudit.reaudit``: the school, its city and the province,
  one pass from the province);
* **the job after a province-level write** (a rename of the province: its whole
  subtree);
* **the nightly pass** (``nightly.nightly_pass``: drift check and a full store).

and prints min / median / max of each with the load average. ``--reuse`` keeps a
database a previous run filled (no import, no first store); ``--school-only`` times the
appointment and its school's re-audit alone (the job's rows are forgotten).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchdb import add_option, bench_name, is_postgres, recreate  # noqa: E402


def spread(values: list[float]) -> str:
    return " / ".join(
        f"{v * 1000:.1f}" for v in (min(values), statistics.median(values), max(values))
    )


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="province scale")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a database a previous run filled (no import, no first store)",
    )
    parser.add_argument(
        "--school-only",
        action="store_true",
        help="only the appointment and its school's re-audit (not the jobs, nightly)",
    )
    add_option(parser)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        sys.exit("bench/reaudit.py: needs DATABASE_URL=postgres://…")
    name = bench_name(url, args.database, script="bench/reaudit.py")
    if args.reuse:
        from urllib.parse import urlsplit, urlunsplit

        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
        label = f"database {name} (reused)"
    else:
        label = recreate(url, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    os.environ.setdefault("DEBUG", "0")  # as deployed: no query log (#15)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from tongxue.compliance import nightly, reaudit
    from tongxue.compliance import store as store_module
    from tongxue.compliance.models import DirtyOrganisation
    from tongxue.compliance.store import store_audit
    from tongxue.demo.generator import DEFAULT_SEED, PINNED_AS_OF, build_province
    from tongxue.organisations.models import Organisation, OrgKind, Person, Role
    from tongxue.organisations.services.organisations import update_organisation
    from tongxue.organisations.services.positions import appoint
    from tongxue.snapshots.services import import_tables

    print(f"database: {label}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not args.reuse:
        tables = build_province(seed=DEFAULT_SEED, as_of=PINNED_AS_OF, scale=args.scale)
        import_tables(tables, actor=None)
        t0 = time.perf_counter()
        store_audit(root=None)
        print(
            f"organisations {Organisation.objects.count():,}; first full store "
            f"{time.perf_counter() - t0:.2f} s",
            flush=True,
        )

    # The school with the most organisations that has a functional department.
    depts = Organisation.objects.filter(
        kind=OrgKind.FUNCTIONAL_DEPARTMENT, parent__kind=OrgKind.SCHOOL_UNION
    ).select_related("parent__parent")
    sizes = {}
    for d in depts:
        school = d.parent.parent
        if school.code not in sizes:
            sizes[school.code] = (
                Organisation.objects.filter(path__startswith=school.path).count(),
                d,
            )
    size, dept = max(sizes.values(), key=lambda v: v[0])
    print(
        f"school {dept.parent.parent.code}: {size} organisations; write at {dept.code}"
    )

    sync_times: list[float] = []
    original = reaudit.run_sync
    # The parts of the synchronous re-audit: loading the school's registry, the rules,
    # and the rest (the lock, the run, reading and writing the stored rows).
    phases: dict[str, list[float]] = {"load": [], "rules": []}
    in_sync = [False]

    def timed(name, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            out = fn(*a, **k)
            if in_sync[0]:
                phases[name].append(time.perf_counter() - t)
            return out

        return wrapper

    store_module.load_registry = timed("load", store_module.load_registry)
    store_module.audit = timed("rules", store_module.audit)

    def timed_sync(batch):  # type: ignore[no-untyped-def]
        in_sync[0] = True
        a = time.perf_counter()
        original(batch)
        if batch.schools:
            sync_times.append(time.perf_counter() - a)
        in_sync[0] = False

    reaudit.run_sync = timed_sync  # type: ignore[assignment]
    runs: dict[str, list[float]] = {
        "write": [],
        "sync": sync_times,
        "job": [],
        "province": [],
        "nightly": [],
    }
    before = load_average()
    person_dept = Person.objects.filter(department__isnull=False).first().department
    for n in range(args.repeat):
        person = Person.objects.create(
            ident=f"BENCH-{uuid.uuid4().hex[:12]}",
            name=f"测试{n}",
            department=person_dept,
        )
        a = time.perf_counter()
        with transaction.atomic():
            appoint(
                actor=None,
                organisation=dept,
                person=person,
                role=Role.DEPARTMENT_DEPUTY,
                title="副部长",
                start=timezone.localdate(),
            )
            b = time.perf_counter()
        runs["write"].append(b - a)
        assert len(sync_times) == n + 1, sync_times
        assert DirtyOrganisation.objects.exists()  # the city and province: the job
        if args.school_only:
            reaudit.forget(pk for pk, *_rest in reaudit.pending())
            continue
        with transaction.atomic():
            a = time.perf_counter()
            reaudit.reaudit()
        runs["job"].append(time.perf_counter() - a)
        province = Organisation.objects.get(parent__isnull=True)
        with transaction.atomic():
            update_organisation(
                actor=None, organisation=province, name=f"{province.name[:40]}{n}"
            )
        with transaction.atomic():
            a = time.perf_counter()
            reaudit.reaudit()
        runs["province"].append(time.perf_counter() - a)
        with transaction.atomic():
            a = time.perf_counter()
            run = nightly.nightly_pass()
        runs["nightly"].append(time.perf_counter() - a)
        assert run.drift == [], run.drift[:5]
    print(
        f"{args.repeat} runs, min / median / max, milliseconds "
        f"(load average before {before}, after {load_average()}):"
    )
    print(f"  appointment (write + marking)       {spread(runs['write'])}")
    print(f"  its synchronous school re-audit     {spread(runs['sync'])}")
    rest = [
        t - a - b
        for t, a, b in zip(sync_times, phases["load"], phases["rules"], strict=True)
    ]
    print(f"    of which the school's registry    {spread(phases['load'])}")
    print(f"    of which the rules                {spread(phases['rules'])}")
    print(f"    the rest: lock, run, stored rows  {spread(rest)}")
    if not args.school_only:
        print(f"  its job (school, city, province)    {spread(runs['job'])}")
        print(f"  job after a province-level write    {spread(runs['province'])}")
        print(f"  nightly pass (drift + full store)   {spread(runs['nightly'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
