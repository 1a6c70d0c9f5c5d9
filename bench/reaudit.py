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
  it commits (``tongxue.compliance.reaudit.run_sync``), timed apart;
* **the job after it** (``reaudit.reaudit``: the school, its city and the province,
  one pass from the province);
* **the job after a province-level write** (a rename of the province: its whole
  subtree);
* **the nightly pass** (``nightly.nightly_pass``: drift check and a full store).

and prints min / median / max of each with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
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
    add_option(parser)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        sys.exit("bench/reaudit.py: needs DATABASE_URL=postgres://…")
    label = recreate(url, bench_name(url, args.database, script="bench/reaudit.py"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxue.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from tongxue.compliance import nightly, reaudit
    from tongxue.compliance.models import DirtyOrganisation
    from tongxue.compliance.store import store_audit
    from tongxue.demo.generator import DEFAULT_SEED, PINNED_AS_OF, build_province
    from tongxue.organisations.models import Organisation, OrgKind, Person, Role
    from tongxue.organisations.services.organisations import update_organisation
    from tongxue.organisations.services.positions import appoint
    from tongxue.snapshots.services import import_tables

    print(f"database: {label}")
    call_command("migrate", interactive=False, verbosity=0)
    tables = build_province(seed=DEFAULT_SEED, as_of=PINNED_AS_OF, scale=args.scale)
    import_tables(tables, actor=None)
    t0 = time.perf_counter()
    store_audit(root=None)
    print(
        f"organisations {Organisation.objects.count():,}; first full store "
        f"{time.perf_counter() - t0:.2f} s"
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

    def timed_sync(batch):  # type: ignore[no-untyped-def]
        a = time.perf_counter()
        original(batch)
        if batch.schools:
            sync_times.append(time.perf_counter() - a)

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
            ident=f"BENCH-{n}", name=f"测试{n}", department=person_dept
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
    print(f"  its job (school, city, province)    {spread(runs['job'])}")
    print(f"  job after a province-level write    {spread(runs['province'])}")
    print(f"  nightly pass (drift + full store)   {spread(runs['nightly'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
