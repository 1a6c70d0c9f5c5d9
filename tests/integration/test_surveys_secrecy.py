"""No link between a survey response and its student in PostgreSQL's data pages (TRN-2).

The attack of ``tests/integration/test_secrecy_pages.py`` (ballots, ratings) on the
survey tables: students answer through the real service, the survey closes, and every
page of ``surveys_response`` and ``surveys_participation`` is read with
``pageinspect`` — live, dead and freed tuples, their transaction ids, their physical
order — right after the close and again after a plain ``VACUUM``; also when the
fold counted the responses into the partial tally while the survey was open (its rows
and texts gone from every page after the close).
"""

from __future__ import annotations

import struct
from collections.abc import Hashable

import pytest

from tests.factories_surveys import GOOD, build, opened
from tests.integration.test_secrecy_pages import (
    _by_xmin,
    _first_seen,
    _links,
    _need_postgresql,
    _no_dead_versions,
    _pages,
    _report,
    _scan,
    _timestamp_columns,
    _uuid_key,
    _vacuum,
    rebuilds,  # noqa: F401 (a fixture)
)
from tongxue.surveys import aggregation, services
from tongxue.surveys.models import Participation, Response

pytestmark = pytest.mark.django_db(transaction=True)

STUDENTS = 30


def _participation_key(survey_id: int, people: set[int]):  # type: ignore[no-untyped-def]
    def decode(page: bytes, o: int) -> Hashable:
        # id uuid, then survey_id and person_id (bigint each, in either order)
        a, b = struct.unpack_from("<qq", page, o + 16)
        if a == survey_id and b in people:
            return b
        if b == survey_id and a in people:
            return a
        return None

    return decode


@pytest.mark.parametrize("folded", [False, True], ids=["no fold", "folded"])
def test_after_the_close_no_response_is_linked_to_its_student_in_the_pages(
    rebuilds,  # noqa: F811
    folded,
):  # type: ignore[no-untyped-def]
    _need_postgresql()
    u = build(prefix="PGS", big=STUDENTS, small=0)
    survey = opened(u, min_group=1)
    truth: dict[Hashable, Hashable] = {}  # student → the text they wrote
    for i, p in enumerate(u.big):
        text = f"答卷{i:03d}"
        services.answer(
            actor=p.user, survey=survey, person=p, answers={**GOOD, "sa_better": text}
        )
        truth[p.pk] = text
        if folded and i % 10 == 9:
            assert aggregation.fold(survey.pk) == 10
    if folded:  # the folded texts are in the partial tally's pages until the close
        assert any("答卷".encode() in page for page in _pages("surveys_partialtext"))
    before = set(Response.objects.values_list("id", flat=True))
    services.close_survey(actor=u.admin, survey=survey)
    live = dict(
        Response.objects.filter(survey=survey).values_list("id", "answers__sa_better")
    )
    assert len(live) == STUDENTS and not set(live) & before  # new ids

    def attack() -> None:
        responses = _scan("surveys_response", 6, _uuid_key(set(live) | before))
        parts = _scan(
            "surveys_participation", 3, _participation_key(survey.pk, set(truth))
        )
        assert {f.key for f in responses} == set(live)  # no old id left anywhere
        assert {f.key for f in parts} == set(truth)
        links = _links(responses, parts)
        assert not links, _report("responses", links, truth)
        # Every row carries the close's transaction id, none an answer's.
        assert len({f.xmin for f in responses + parts}) == 1
        assert len(responses) == len(parts) == STUDENTS
        for table in ("surveys_response", "surveys_participation"):
            assert _no_dead_versions(table) == [], table
        # Physical order and transaction-id order pair a student with their answers
        # no better than chance (about 1 of 30 by chance).
        for ordered in (_first_seen, _by_xmin):
            order = [live[k] for k in ordered(responses)]
            authors = ordered(parts)
            hits = sum(truth[a] == t for t, a in zip(order, authors, strict=True))
            assert hits < STUDENTS // 4, ordered.__name__

    attack()  # at once after the close
    _vacuum("surveys_response", "surveys_participation")
    attack()  # and after a VACUUM
    for table in ("surveys_response", "surveys_participation"):
        assert _timestamp_columns(table) == [], table
    assert Participation.objects.filter(survey=survey).count() == STUDENTS
    # one rebuild, right after the close, complete (and one of the partial tally's
    # tables, which held the folded counts and texts: nothing of them left)
    assert rebuilds == ([True, True] if folded else [True])
    for table in ("surveys_partialtally", "surveys_partialtext", "surveys_partialword"):
        pages = _pages(table)
        assert not any("答卷".encode() in page for page in pages), table
        if folded:  # unfolded, this survey wrote none of their rows (other tests' may
            # have left dead versions there: the close of theirs rebuilds them)
            assert _no_dead_versions(table) == [], table
