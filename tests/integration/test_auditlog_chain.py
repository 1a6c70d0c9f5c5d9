"""The audit log is tamper-evident: a hash chain, database triggers, daily checkpoints."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, models, transaction
from django.urls import reverse

from tongxue.core import appendonly, auditchain, auditlog
from tongxue.core.models import AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db

DAY1 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)  # 17:00 in Shanghai


def write(n: int, *, start: int = 0, at: dt.datetime | None = None) -> None:
    """Write ``n`` events, a minute apart from ``at`` (now if not given)."""
    with transaction.atomic():
        for i in range(start, start + n):
            AuditEvent(
                at=at + dt.timedelta(minutes=i) if at else None,
                actor_label=f"user{i}",
                role="union_admin",
                action="organisation.update",
                organisation="SU",
                target=f"T{i}",
                data={"i": i, "名": "值"},
            ).save()


def tamper(sql: str, params: list | tuple = ()) -> None:  # type: ignore[type-arg]
    """Run ``sql`` as the table's owner would: with the triggers lifted."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            for table in appendonly.TABLES:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        else:
            for statement in appendonly.drop(vendor):
                cursor.execute(statement)
        cursor.execute(sql, params)
        if vendor == "postgresql":
            for table in appendonly.TABLES:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        else:
            for statement in appendonly.create(vendor):
                cursor.execute(statement)


def forge(**fields) -> AuditEvent:  # type: ignore[no-untyped-def]
    """Insert an event with the given fields and a hash computed as the writer would."""
    event = AuditEvent(
        actor_label="forger",
        role="union_admin",
        action="organisation.update",
        organisation="SU",
        target="X",
        data={},
        **fields,
    )
    event.hash = auditchain.digest(
        {name: getattr(event, name) for name in auditchain.FIELDS}, event.prev_hash
    )
    models.QuerySet.bulk_create(AuditEvent.objects.all(), [event])
    return event


def event(seq: int) -> AuditEvent:
    return AuditEvent.objects.get(seq=seq)


def problems() -> list[tuple[str, int | None, int | None]]:
    return [(p.kind, p.seq, p.id) for p in auditchain.verify().problems]


def run_verify(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_auditlog", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


# --- writing the chain ---------------------------------------------------------------


def test_records_are_numbered_without_gaps_and_each_chained_to_the_one_before():
    write(4)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == auditchain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert all(e.at <= f.at for e, f in itertools.pairwise(rows))
    assert auditchain.verify().ok


def test_record_each_chains_every_event_it_writes():
    User = get_user_model()
    users = [User.objects.create(username=n) for n in ("wang", "li", "zhao")]
    write(2)
    head = event(2)
    with transaction.atomic():
        written = auditlog.record_each(
            actors_sql="SELECT id AS actor_id, username AS actor_label FROM auth_user",
            params=[],
            action="voting.voted",
            organisation="SU",
            target="E-1",
            role="voter",
            # a time before the head: the record is dated at the head, not before it
            at=head.at - dt.timedelta(hours=1),
        )
    write(1, start=9)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert written == 3
    assert [e.seq for e in rows] == [1, 2, 3, 4, 5, 6]
    assert [e.actor_label for e in rows[2:5]] == ["li", "wang", "zhao"]
    assert {e.at for e in rows[2:5]} == {head.at}
    assert [e.actor_id for e in rows[2:5]] == [users[1].pk, users[0].pk, users[2].pk]
    assert auditchain.verify().ok


def test_a_time_earlier_than_the_head_is_moved_up_to_it():
    write(1, at=DAY1)
    write(1, start=1, at=DAY1 - dt.timedelta(days=3))
    assert event(2).at == event(1).at
    assert auditchain.verify().ok


def test_the_model_still_refuses_to_change_delete_or_bulk_write_events():
    write(1)
    e = event(1)
    e.target = "changed"
    with pytest.raises(PermissionError):
        e.save()
    with pytest.raises(PermissionError):
        e.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(target="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_create([AuditEvent(action="x")])


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET actor_label = 'someone else'",
        "DELETE FROM core_auditevent",
        "UPDATE core_auditcheckpoint SET hash = 'x'",
        "DELETE FROM core_auditcheckpoint",
    ],
)
def test_the_database_refuses_update_and_delete_by_raw_sql(sql):
    write(2, at=DAY1)
    auditchain.write_checkpoints(today=DAY1.date() + dt.timedelta(days=1))
    with (
        pytest.raises(DatabaseError) as info,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert appendonly.MESSAGE in str(info.value)
    assert auditchain.verify().ok
    assert AuditEvent.objects.count() == 2 and AuditCheckpoint.objects.count() == 1


def test_postgresql_refuses_truncate():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    write(1)
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 1


# --- finding what was changed --------------------------------------------------------


def test_an_intact_log_verifies_and_the_command_exits_0():
    write(3)
    code, out = run_verify()
    assert code == 0
    assert "3" in out and event(3).hash in out


def test_a_deleted_row_is_found_at_its_seq():
    write(5)
    gone, after = event(3), event(4)
    tamper("DELETE FROM core_auditevent WHERE seq = 3")
    assert problems() == [("deleted", 3, after.pk)]
    code, out = run_verify()
    assert code == 1
    assert "seq 3" in out and f"id {after.pk}" in out and "deleted" in out
    assert gone.pk != after.pk


def test_a_deleted_first_row_and_a_deleted_range_are_found():
    write(6)
    tamper("DELETE FROM core_auditevent WHERE seq IN (1, 4, 5)")
    assert problems() == [
        ("deleted", 1, event(2).pk),
        ("deleted", 4, event(6).pk),
    ]


@pytest.mark.parametrize(
    ("column", "value"), [("actor_label", "someone"), ("actor_id", 99)]
)
def test_a_changed_actor_is_found_at_its_seq(column, value):
    write(4)
    tamper(f"UPDATE core_auditevent SET {column} = %s WHERE seq = 2", [value])
    assert problems() == [("changed", 2, event(2).pk)]
    code, out = run_verify()
    assert code == 1 and f"seq 2 (id {event(2).pk}): changed" in out


def test_a_back_dated_row_is_found_at_its_seq():
    write(4, at=DAY1)
    tamper(
        "UPDATE core_auditevent SET at = %s WHERE seq = 3",
        [DAY1 - dt.timedelta(days=30)],
    )
    assert problems() == [("changed", 3, event(3).pk), ("back-dated", 3, event(3).pk)]


def test_a_back_dated_row_appended_with_a_valid_hash_is_found():
    write(3, at=DAY1)
    head = event(3)
    forged = forge(at=DAY1 - dt.timedelta(days=2), seq=4, prev_hash=head.hash)
    assert problems() == [("back-dated", 4, forged.pk)]


def test_an_inserted_row_is_found_at_its_seq():
    write(5, at=DAY1)
    before = event(2)
    # make room at seq 3 (in two steps: seq is unique) and chain a forged event there
    tamper("UPDATE core_auditevent SET seq = -seq WHERE seq >= 3")
    tamper("UPDATE core_auditevent SET seq = 1 - seq WHERE seq < 0")
    forged = forge(at=before.at, seq=3, prev_hash=before.hash)
    found = problems()
    assert ("inserted", 3, forged.pk) in found
    # the events moved up no longer match their hashes (seq is hashed)
    assert {p for p in found if p[0] == "changed"} == {
        ("changed", s, event(s).pk) for s in (4, 5, 6)
    }


def test_an_inserted_row_with_a_made_up_hash_is_found():
    write(2)
    forged = AuditEvent(
        at=event(2).at, action="x", seq=3, prev_hash=event(2).hash, hash="0" * 64
    )
    models.QuerySet.bulk_create(AuditEvent.objects.all(), [forged])
    assert problems() == [("changed", 3, forged.pk)]


def test_a_row_rewritten_with_a_recomputed_hash_is_found_by_the_next_one():
    write(4)
    e = event(2)
    values = {name: getattr(e, name) for name in auditchain.FIELDS}
    values["actor_label"] = "someone"
    tamper(
        "UPDATE core_auditevent SET actor_label = %s, hash = %s WHERE seq = 2",
        ["someone", auditchain.digest(values, e.prev_hash)],
    )
    assert problems() == [("changed", 2, e.pk)]


# --- checkpoints ---------------------------------------------------------------------


def rewrite_from(seq: int, **changes: object) -> None:
    """Rewrite the event at ``seq`` and recompute every hash from there on."""
    rows = list(AuditEvent.objects.order_by("seq"))
    prev = rows[seq - 2].hash if seq > 1 else auditchain.GENESIS
    for e in rows[seq - 1 :]:
        values = {name: getattr(e, name) for name in auditchain.FIELDS}
        if e.seq == seq:
            values.update(changes)
        h = auditchain.digest(values, prev)
        tamper(
            "UPDATE core_auditevent SET actor_label = %s, prev_hash = %s, hash = %s"
            " WHERE id = %s",
            [values["actor_label"], prev, h, e.pk],
        )
        prev = h


def test_a_checkpoint_is_written_for_each_finished_day_once():
    write(3, at=DAY1)  # 2026-03-01 in Shanghai
    write(2, start=3, at=DAY1 + dt.timedelta(days=2))  # 2026-03-03
    written = auditchain.write_checkpoints(today=dt.date(2026, 3, 4))
    assert [(c.day, c.seq) for c in written] == [
        (dt.date(2026, 3, 1), 3),
        (dt.date(2026, 3, 2), 3),
        (dt.date(2026, 3, 3), 5),
    ]
    assert written[0].hash == event(3).hash and written[2].hash == event(5).hash
    assert auditchain.write_checkpoints(today=dt.date(2026, 3, 4)) == []
    # a day in progress has no checkpoint yet
    assert not AuditCheckpoint.objects.filter(day=dt.date(2026, 3, 4)).exists()


def test_the_command_writes_checkpoints_only_over_an_intact_chain():
    write(2, at=DAY1)
    assert run_verify()[0] == 0
    assert AuditCheckpoint.objects.filter(day=dt.date(2026, 3, 1), seq=2).exists()
    write(1, start=2)
    tamper("UPDATE core_auditevent SET target = 'x' WHERE seq = 3")
    before = AuditCheckpoint.objects.count()
    assert run_verify()[0] == 1
    assert AuditCheckpoint.objects.count() == before


def test_a_whole_chain_rewritten_is_found_by_the_checkpoint():
    write(3, at=DAY1)
    auditchain.write_checkpoints(today=dt.date(2026, 3, 2))
    write(2, start=3, at=DAY1 + dt.timedelta(days=1))
    rewrite_from(2, actor_label="someone")
    assert problems() == [("checkpoint", 3, event(3).pk)]
    code, out = run_verify()
    assert code == 1 and "2026-03-01" in out and "rewritten" in out


def test_a_rewrite_of_the_chain_and_the_checkpoints_is_found_by_a_saved_copy(
    client, tmp_path
):
    write(3, at=DAY1)
    auditchain.write_checkpoints(today=dt.date(2026, 3, 2))
    saved = tmp_path / "checkpoints.json"
    saved.write_bytes(client.get(reverse("audit-checkpoints-json")).content)
    rewrite_from(2, actor_label="someone")
    tamper("UPDATE core_auditcheckpoint SET hash = %s", [event(3).hash])
    assert auditchain.verify().ok  # the database alone agrees with itself
    code, out = run_verify("--checkpoints", str(saved))
    assert code == 1
    assert f"seq 3 (id {event(3).pk}): checkpoint" in out
    assert str(saved) in out


def test_deleting_the_events_up_to_a_checkpoint_is_found():
    write(3, at=DAY1)
    auditchain.write_checkpoints(today=dt.date(2026, 3, 2))
    tamper("DELETE FROM core_auditevent WHERE seq = 3")
    kinds = {(p.kind, p.seq) for p in auditchain.verify().problems}
    assert ("checkpoint", 3) in kinds


def test_an_event_dated_into_a_checkpointed_day_is_found():
    write(2, at=DAY1)
    auditchain.write_checkpoints(today=dt.date(2026, 3, 2))
    head = event(2)
    # dated after the head but on the day already published: added later
    forged = forge(at=head.at + dt.timedelta(minutes=5), seq=3, prev_hash=head.hash)
    assert problems() == [("back-dated", 3, forged.pk)]


def test_the_checkpoints_are_public_as_a_page_and_as_json(
    client, django_assert_num_queries
):
    write(2, at=DAY1)
    auditchain.write_checkpoints(today=dt.date(2026, 3, 3))
    with django_assert_num_queries(2):
        html = client.get(reverse("audit-checkpoints")).content.decode()
    assert event(2).hash in html and "2026-03-02" in html
    with django_assert_num_queries(1):
        doc = json.loads(client.get(reverse("audit-checkpoints-json")).content)
    assert doc["checkpoints"] == [
        {"day": "2026-03-01", "seq": 2, "hash": event(2).hash},
        {"day": "2026-03-02", "seq": 2, "hash": event(2).hash},
    ]
    home = client.get(reverse("home")).content.decode()
    assert reverse("audit-checkpoints") in home


# --- alerting ------------------------------------------------------------------------


def test_a_broken_log_logs_an_error_and_mails_the_administrators(settings, caplog):
    settings.ADMINS = [("ops", "ops@example.edu.cn")]
    write(3)
    tamper("DELETE FROM core_auditevent WHERE seq = 2")
    with caplog.at_level("ERROR", logger="tongxue.auditlog"):
        code, _ = run_verify("--alert")
    assert code == 1
    assert any(
        r.levelname == "ERROR" and "seq 2" in r.getMessage() for r in caplog.records
    )
    assert len(mail.outbox) == 1 and "seq 2" in mail.outbox[0].body
    assert mail.outbox[0].to == ["ops@example.edu.cn"]


def test_an_intact_log_mails_nobody(settings):
    settings.ADMINS = [("ops", "ops@example.edu.cn")]
    write(2)
    assert run_verify("--alert")[0] == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)  # the command closes the connection
def test_tongxue_manage_verify_auditlog_exits_1_on_a_broken_log():
    from tongxue.cli import main

    write(2)
    assert main(["manage", "verify_auditlog", "--no-checkpoint"]) == 0
    tamper("UPDATE core_auditevent SET role = 'x' WHERE seq = 1")
    with pytest.raises(SystemExit) as info:
        main(["manage", "verify_auditlog"])
    assert info.value.code == 1


# --- concurrency ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_chain_is_intact_after_concurrent_writers():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer, so threads cannot race "
            "(run with DATABASE_URL=postgres://…)"
        )
    workers, each = 16, 25

    def writer(w: int) -> None:
        try:
            for i in range(each):
                with transaction.atomic():
                    auditlog.record(
                        actor=None,
                        action="organisation.update",
                        organisation="SU",
                        target=f"W{w}-{i}",
                    )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(writer, range(workers)))
    assert AuditEvent.objects.count() == workers * each
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == (
        list(range(1, workers * each + 1))
    )
    assert auditchain.verify().ok


# --- the migration -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_the_events_already_there_in_id_order(request):
    from django.db.migrations.executor import MigrationExecutor

    def latest() -> None:
        """Every migration applied again for the tests after this one (migrating
        core back to 0002 unapplied every app's migrations after it)."""
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    request.addfinalizer(latest)
    before, after = (
        [("core", "0002_auditevent_fewer_indexes")],
        [("core", "0003_auditevent_chain")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    Old = executor.loader.project_state(before).apps.get_model("core", "AuditEvent")
    # written out of time order, as two writers at once could have
    times = [DAY1, DAY1 + dt.timedelta(minutes=2), DAY1 + dt.timedelta(minutes=1)]
    for i in range(len(times)):
        Old.objects.create(action="organisation.update", target=f"T{i}", data={"i": i})
    with connection.cursor() as cursor:
        for i, at in enumerate(times):
            cursor.execute(
                "UPDATE core_auditevent SET at = %s WHERE target = %s", [at, f"T{i}"]
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [(e.seq, e.target) for e in rows[:3]] == [(1, "T0"), (2, "T1"), (3, "T2")]
    assert [e.pk for e in rows[:3]] == sorted(e.pk for e in rows[:3])
    assert (rows[3].seq, rows[3].action, rows[3].data) == (
        4,
        auditchain.CHAINED_ACTION,
        {"entries": 3},
    )
    assert auditchain.verify().ok  # the old events' time order is not held against them
    write(1)
    assert auditchain.verify().ok and event(5).prev_hash == rows[3].hash
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent")
