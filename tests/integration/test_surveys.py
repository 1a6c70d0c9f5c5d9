"""Surveys on the database (TRN-2 · GS-11, CQ-6): create from the template, open (every
student or a seeded sample, notified), answer once and anonymously, remind, close
(aggregate, rewrite, publish), the pages and who sees what, small groups hidden on both
sides of the minimum, bounded queries, the home item, and the audit's TRN-2."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories_surveys import (
    GOOD,
    answer_all,
    assert_template_keys,
    build,
    create,
    opened,
)
from tongxue.accounts.selectors import home_items
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.notifications.models import Notification
from tongxue.surveys import notifying, selectors, services
from tongxue.surveys.models import (
    Eligible,
    PartialTally,
    PartialText,
    PartialWord,
    Participation,
    Response,
    Result,
    Survey,
    SurveyStatus,
)

pytestmark = pytest.mark.django_db


def test_the_factory_answers_the_template() -> None:
    assert_template_keys()


# ------------------------------------------------------------------ lifecycle


def test_opening_lists_every_student_served_and_tells_them() -> None:
    u = build()
    survey = create(u)
    assert survey.status == SurveyStatus.DRAFT and survey.evaluation
    assert len(survey.questions) == 12
    services.open_survey(actor=u.admin, survey=survey)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert survey.eligible_count == 15 and survey.min_group_size == 10
    assert set(
        Eligible.objects.filter(survey=survey).values_list("person", flat=True)
    ) == {p.pk for p in u.big + u.small}
    row = Eligible.objects.get(survey=survey, person=u.small[0])
    assert (row.department_id, row.grade) == (u.d2.pk, 2025)
    told = Notification.objects.filter(kind="survey.opened")
    assert told.count() == 15
    assert told.first().url == reverse("surveys:answer", args=[survey.pk])


def test_the_same_seed_draws_the_same_sample() -> None:
    u = build()
    drawn = []
    for code in ("A", "B"):
        s = services.open_survey(
            actor=u.admin,
            survey=create(u, code),
            eligibility="sample",
            sample_size=6,
            seed="2026-秋",
        )
        drawn.append(
            set(Eligible.objects.filter(survey=s).values_list("person", flat=True))
        )
        assert s.seed == "2026-秋" and s.eligible_count == 6
    assert drawn[0] == drawn[1]
    other = services.open_survey(
        actor=u.admin, survey=create(u, "C"), eligibility="sample", sample_size=6
    )
    assert other.seed  # a random seed, published


@pytest.mark.parametrize("seed", ["2026-秋", "s", "it's"])
def test_the_sample_drawn_by_the_database_is_the_published_draw(seed: str) -> None:
    """The opening draws the sample in one SQL statement; anyone holding the seed and
    the list of students repeats it with ``draw_sample`` (SHA-256 of "seed:ident"),
    whatever the size: one, some, all but one, all, more than there are."""
    from tongxue.domain.evaluation import draw_sample

    u = build()
    students = {p.ident: p.pk for p in u.big + u.small}
    for size in (1, 6, 14, 15, 40):
        survey = services.open_survey(
            actor=u.admin,
            survey=create(u, f"S{size}"),
            eligibility="sample",
            sample_size=size,
            seed=seed,
        )
        expected = {students[i] for i in draw_sample(list(students), size, seed)}
        drawn = set(
            Eligible.objects.filter(survey=survey).values_list("person", flat=True)
        )
        assert drawn == expected, size
        assert survey.eligible_count == len(expected) == min(size, 15)
        row = Eligible.objects.filter(survey=survey, person=u.small[0]).first()
        if row is not None:  # listed with the department and grade of that day
            assert (row.department_id, row.grade) == (u.d2.pk, 2025)


def test_a_union_serving_nobody_cannot_open_a_survey() -> None:
    u = build(big=0, small=0)
    survey = create(u)
    with pytest.raises(Refusal) as refused:
        services.open_survey(actor=u.admin, survey=survey)
    assert refused.value.code == "empty"
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT
    assert not Eligible.objects.filter(survey=survey).exists()


def test_only_a_manager_creates_opens_reminds_and_closes() -> None:
    u = build()
    student = u.big[0]
    with pytest.raises(Refusal) as refused:
        services.create_survey(
            actor=student.user,
            organisation=u.union,
            code="X",
            closes_on=timezone.localdate(),
        )
    assert refused.value.code == "forbidden"
    survey = create(u)
    for call in (services.open_survey, services.close_survey, services.remind):
        with pytest.raises(Refusal) as refused:
            call(actor=u.advisor, survey=survey)
        assert refused.value.code == "forbidden"


def test_invalid_surveys_are_refused() -> None:
    u = build()
    create(u, "X")
    for kw, code in (
        ({"code": "X"}, "duplicate"),
        ({"code": " "}, "invalid"),
        (
            {"code": "Y", "closes_on": timezone.localdate() - dt.timedelta(days=1)},
            "invalid",
        ),
        ({"code": "Z", "template": "nope"}, "invalid"),
    ):
        args = {"closes_on": timezone.localdate(), **kw}
        with pytest.raises(Refusal) as refused:
            services.create_survey(actor=u.admin, organisation=u.union, **args)
        assert refused.value.code == code, kw
    with pytest.raises(Refusal):
        services.create_survey(
            actor=None, organisation=u.school, code="S", closes_on=timezone.localdate()
        )


# ------------------------------------------------------------------ answering


def test_one_response_per_student_enforced_by_the_database() -> None:
    u = build()
    survey = opened(u)
    s = u.big[0]
    services.answer(actor=s.user, survey=survey, person=s, answers=GOOD)
    with pytest.raises(Refusal) as again:
        services.answer(actor=s.user, survey=survey, person=s, answers=GOOD)
    assert again.value.code == "already-answered"
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(survey=survey, person=s)
    assert Response.objects.filter(survey=survey).count() == 1


def test_who_may_answer_and_what() -> None:
    u = build()
    survey = opened(u, eligibility="sample", sample_size=3, seed="s")
    asked = set(Eligible.objects.filter(survey=survey).values_list("person", flat=True))
    outside = next(p for p in u.big if p.pk not in asked)
    with pytest.raises(Refusal) as refused:
        services.answer(actor=outside.user, survey=survey, person=outside, answers=GOOD)
    assert refused.value.code == "not-eligible"
    inside = next(p for p in u.big + u.small if p.pk in asked)
    with pytest.raises(Refusal) as refused:  # someone else's account
        services.answer(actor=u.admin, survey=survey, person=inside, answers=GOOD)
    assert refused.value.code == "forbidden"
    with pytest.raises(Refusal) as refused:
        services.answer(
            actor=inside.user,
            survey=survey,
            person=inside,
            answers={**GOOD, "aw_work": 9},
        )
    assert refused.value.field == "aw_work"
    assert not Participation.objects.filter(survey=survey).exists()  # nothing written
    draft = create(u, "D")
    with pytest.raises(Refusal) as refused:
        services.answer(actor=inside.user, survey=draft, person=inside, answers=GOOD)
    assert refused.value.code == "closed"


def test_nothing_links_an_answer_to_its_student() -> None:
    """Like a secret ballot: no key, no time, no order links a response to its student."""
    assert {f.name for f in Response._meta.get_fields()} == {
        "id",
        "survey",
        "department",
        "grade",
        "answers",
        "tallied",  # counted (by a fold or the close): true or false, no order
    }
    assert {f.name for f in Participation._meta.get_fields()} == {
        "id",
        "survey",
        "person",
    }
    # the partial tally of an open survey (PostgreSQL): counts and texts, no student
    assert {f.name for f in PartialTally._meta.get_fields()} == {
        "id",
        "survey",
        "department",
        "grade",
        "responses",
        "counts",
    }
    assert {f.name for f in PartialText._meta.get_fields()} == {
        "id",
        "survey",
        "question",
        "text",
        "digest",
        "words",
    }
    assert {f.name for f in PartialWord._meta.get_fields()} == {
        "id",
        "survey",
        "question",
        "word",
        "texts",
    }
    u = build()
    survey = opened(u)
    answer_all(survey, u.big)
    # no audit record per answer (the participation records that, docs/surveys.md)
    assert not AuditEvent.objects.filter(action="survey.answer").exists()
    before_r = set(Response.objects.values_list("id", flat=True))
    before_p = set(Participation.objects.values_list("id", flat=True))
    services.close_survey(actor=u.admin, survey=survey)
    after_r = set(Response.objects.values_list("id", flat=True))
    after_p = set(Participation.objects.values_list("id", flat=True))
    assert len(after_r) == 12 and not (before_r & after_r)  # new keys
    assert len(after_p) == 12 and not (before_p & after_p)


def test_closing_rewrites_the_responses_in_a_random_order() -> None:
    """The order the rows lie in after the close is that of their new random keys, not
    the answers' (by chance the same with a probability of 1 in 10!)."""
    u = build()
    survey = opened(u)
    people = u.big[:10]
    for i, p in enumerate(people):
        services.answer(
            actor=p.user,
            survey=survey,
            person=p,
            answers={**GOOD, "aw_work": 1 + i % 5, "sa_better": f"t{i}"},
        )
    stored = [
        a["sa_better"] for a in Response.objects.values_list("answers", flat=True)
    ]
    assert stored == [f"t{i}" for i in range(10)]  # the answers' order while open
    services.close_survey(actor=u.admin, survey=survey)
    after = [a["sa_better"] for a in Response.objects.values_list("answers", flat=True)]
    by_key = [
        a["sa_better"]
        for a in Response.objects.order_by("id").values_list("answers", flat=True)
    ]
    assert sorted(after) == stored and after == by_key  # in the order of the keys
    assert after != stored  # not the answers'
    people_order = list(Participation.objects.values_list("person_id", flat=True))
    assert people_order == sorted(people_order)  # sorted by student, not by answer


def test_closing_blanks_the_group_of_a_small_department() -> None:
    u = build()
    survey = opened(u, min_group=5)
    answer_all(survey, u.big + u.small)
    services.close_survey(actor=u.admin, survey=survey)
    groups = set(Response.objects.values_list("department_id", "grade"))
    assert groups == {(u.d1.pk, 2024), (None, None)}  # 12 kept, the 3 blanked


def test_answering_after_the_close_is_refused() -> None:
    u = build()
    survey = opened(u)
    services.close_survey(actor=u.admin, survey=survey)
    s = u.big[0]
    with pytest.raises(Refusal) as refused:
        services.answer(actor=s.user, survey=survey, person=s, answers=GOOD)
    assert refused.value.code == "closed"


# ------------------------------------------------------------------ reminders


def test_a_reminder_goes_to_those_who_have_not_answered_once_a_day() -> None:
    u = build()
    survey = opened(u)
    answer_all(survey, u.big)
    assert services.remind(actor=u.admin, survey=survey) == 3
    reminded = set(
        Notification.objects.filter(kind="survey.reminder").values_list(
            "user_id", flat=True
        )
    )
    assert reminded == {p.user_id for p in u.small}
    assert services.remind(actor=u.admin, survey=survey) == 0  # once a day


def test_a_reminder_goes_once_when_the_last_day_is_near() -> None:
    u = build()
    survey = opened(u)
    answer_all(survey, u.big)
    last = survey.closes_on
    assert notifying.remind_ending(today=last - dt.timedelta(days=3)) == 0
    assert notifying.remind_ending(today=last - dt.timedelta(days=2)) == 3
    assert notifying.remind_ending(today=last) == 0  # once


# ------------------------------------------------------------------ results


def test_results_per_dimension_and_small_groups_on_both_sides() -> None:
    u = build()
    survey = opened(u, min_group=3)
    answer_all(survey, u.big, aw_work=5)
    answer_all(survey, u.small, aw_work=1, sa_better="食堂饭菜太贵了")
    services.close_survey(actor=u.admin, survey=survey)
    with translation.override("en"):
        view = selectors.results(survey)
    assert view is not None and view.shown and view.responses == 15
    assert [d.key for d in view.dimensions] == [
        "awareness",
        "participation",
        "satisfaction",
    ]
    aw = view.dimensions[0]
    # aw_work (12·5 + 3·1) and aw_open (15·3) over 30 answers
    assert aw.mean == round((60 + 3 + 45) / 30, 3)
    # 3 responses in the small department: shown at a minimum of 3
    assert [g.name for g in view.departments] == [u.d1.name, u.d2.name]
    assert [g.name for g in view.grades] == ["Grade 2024", "Grade 2025"]
    text = next(q for q in view.dimensions[2].questions if q.key == "sa_better")
    assert text.answered == 3 and text.keywords
    (group,) = text.keywords  # the three same texts share every word: one group
    assert group["keyword"] in {"食堂", "饭菜", "太贵"} and group["count"] == 3


def test_a_department_one_below_the_minimum_is_hidden() -> None:
    u = build()
    survey = opened(u, min_group=4)
    answer_all(survey, u.big + u.small)
    services.close_survey(actor=u.admin, survey=survey)
    view = selectors.results(survey)
    assert [g.name for g in view.departments] == [u.d1.name]
    assert view.hidden_department == 3 and view.hidden_grade == 3


def test_a_survey_with_too_few_responses_shows_only_the_count() -> None:
    u = build()
    survey = opened(u, min_group=5)
    answer_all(survey, u.small)
    services.close_survey(actor=u.admin, survey=survey)
    view = selectors.results(survey)
    assert not view.shown and view.responses == 3 and view.departments == []


def test_the_trend_over_earlier_evaluations() -> None:
    u = build()
    first = opened(u, "2025-2", min_group=3)
    answer_all(first, u.big, sa_overall=2)
    services.close_survey(actor=u.admin, survey=first)
    second = opened(u, "2026-1", min_group=3)
    answer_all(second, u.big, sa_overall=5)
    services.close_survey(actor=u.admin, survey=second)
    with translation.override("en"):
        view = selectors.results(Survey.objects.get(pk=second.pk))
    assert [p.current for p in view.trend] == [False, True]
    sat = view.dimension_labels.index("Satisfaction")
    assert view.trend[0].means[sat] < view.trend[1].means[sat]
    assert selectors.results(Survey.objects.get(pk=first.pk)).trend == []


def test_closing_without_publishing_then_publishing() -> None:
    u = build()
    survey = opened(u)
    answer_all(survey, u.big)
    services.close_survey(actor=u.admin, survey=survey, publish=False)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.published_at is None
    assert Result.objects.get(survey=survey).responses == 12
    assert not Notification.objects.filter(kind="survey.published").exists()
    services.publish_results(actor=u.admin, survey=survey)
    survey.refresh_from_db()
    assert survey.published_at is not None
    assert Notification.objects.filter(kind="survey.published").count() == 15
    with pytest.raises(Refusal):
        services.publish_results(actor=u.admin, survey=survey)


# ------------------------------------------------------------------ pages


def _get(client, user, url):  # type: ignore[no-untyped-def]
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_who_sees_what(client) -> None:  # type: ignore[no-untyped-def]
    u = build()
    draft = create(u, "D")
    survey = opened(u)
    answer_all(survey, u.big)
    student = u.big[0].user
    viewers = {
        "public": None,
        "student": student,
        "outsider": u.outsider,
        "advisor": u.advisor,
        "admin": u.admin,
    }
    draft_url = reverse("surveys:detail", args=[draft.pk])
    for who, user in viewers.items():
        code = _get(client, user, draft_url).status_code
        assert code == (200 if who == "admin" else 404), who
        code = _get(client, user, f"/api/surveys/{draft.pk}").status_code
        assert code == (200 if who == "admin" else 404), who
    url = reverse("surveys:detail", args=[survey.pk])
    for who, user in viewers.items():  # open: the rate, never a result
        r = _get(client, user, url)
        assert r.status_code == 200 and b'id="response-rate"' in r.content, who
        assert b'id="results"' not in r.content, who
    services.close_survey(actor=u.admin, survey=survey, publish=False)
    export = reverse("surveys:export", args=[survey.pk, "xlsx"])
    for who, user in viewers.items():  # closed, held back: the union and the League
        sees = who in ("advisor", "admin")
        r = _get(client, user, url)
        assert (b'id="results"' in r.content) is sees, who
        assert _get(client, user, export).status_code == (200 if sees else 404), who
        api = _get(client, user, f"/api/surveys/{survey.pk}").json()
        assert (api["results"] is not None) is sees, who
        assert api["responded"] == 12
    services.publish_results(actor=u.admin, survey=survey)
    for who, user in viewers.items():  # published: everyone
        r = _get(client, user, url)
        assert b'id="results"' in r.content and b'id="dimensions-table"' in r.content, (
            who
        )
        assert b'data-chart="chart-dimensions"' in r.content
        assert _get(client, user, export).status_code == 200, who
        api = _get(client, user, f"/api/surveys/{survey.pk}").json()
        assert api["results"]["shown"] and api["results"]["responses"] == 12, who
    manage = reverse("surveys:manage", args=[survey.pk])
    for who, user in viewers.items():
        code = _get(client, user, manage).status_code
        assert code == {"public": 302, "admin": 200}.get(who, 403), who
    union = reverse("surveys:union", args=[u.union.code])
    assert b"survey-form" not in _get(client, student, union).content
    assert b"survey-form" in _get(client, u.admin, union).content
    assert draft.title.encode() not in _get(client, None, union).content
    assert draft.title.encode() in _get(client, u.admin, union).content


def test_a_student_answers_on_the_answer_page(client) -> None:  # type: ignore[no-untyped-def]
    u = build()
    survey = opened(u, eligibility="sample", sample_size=5, seed="s")
    asked = set(Eligible.objects.filter(survey=survey).values_list("person", flat=True))
    person = next(p for p in u.big + u.small if p.pk in asked)
    outside = next(p for p in u.big + u.small if p.pk not in asked)
    url = reverse("surveys:answer", args=[survey.pk])
    assert _get(client, outside.user, url).status_code == 403
    r = _get(client, person.user, url)
    assert r.status_code == 200 and b'id="q-aw_work"' in r.content
    post = {k: v for k, v in GOOD.items()}
    bad = client.post(url, {**post, "aw_work": ""})
    assert bad.status_code == 400 and not Participation.objects.exists()
    r = client.post(url, {**post, "sa_better": "多办活动"})
    assert r.status_code == 302 and r.url == reverse("surveys:detail", args=[survey.pk])
    assert Participation.objects.filter(survey=survey, person=person).count() == 1
    assert Response.objects.get(survey=survey).answers["sa_better"] == "多办活动"
    again = client.get(url)  # answered: back to the survey's page
    assert again.status_code == 302
    assert b'id="answered"' in client.get(again.url).content


def test_the_manage_page_opens_and_closes(client) -> None:  # type: ignore[no-untyped-def]
    u = build()
    survey = create(u)
    client.force_login(u.admin)
    url = reverse("surveys:manage", args=[survey.pk])
    assert client.post(url, {"action": "open", "eligibility": "all"}).status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert client.post(url, {"action": "remind"}).status_code == 302
    r = client.post(url, {"action": "close", "publish": "on"})  # not confirmed
    assert r.status_code == 400
    r = client.post(url, {"action": "close", "publish": "on", "confirm": "on"})
    assert r.status_code == 302
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED and survey.published_at is not None


def test_my_surveys_and_the_home_item(client) -> None:  # type: ignore[no-untyped-def]
    u = build()
    survey = opened(u)
    person = u.big[0]
    items = [
        i
        for i in home_items(person.user, person, timezone.now())
        if i.kind == "answer-survey"
    ]
    assert [i.url for i in items] == [reverse("surveys:answer", args=[survey.pk])]
    client.force_login(person.user)
    assert survey.title.encode() in client.get(reverse("surveys:mine")).content
    answer_all(survey, [person])
    items = [
        i
        for i in home_items(person.user, person, timezone.now())
        if i.kind == "answer-survey"
    ]
    assert items == []


# ------------------------------------------------------------------ bounded queries


def _count(client, url) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_union_page_runs_the_same_queries_for_any_number_of_surveys(
    client,
) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for n in (1, 4):
        u = build(prefix=f"Q{n}", big=2, small=1)
        for i in range(n):
            survey = opened(u, f"S{i}", min_group=1)
            answer_all(survey, u.big)
        client.force_login(u.admin)
        counts.append(_count(client, reverse("surveys:union", args=[u.union.code])))
    assert counts[0] == counts[1] <= 15


def test_the_results_page_runs_the_same_queries_for_any_number_of_responses(
    client,
) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for students in (3, 20):
        u = build(prefix=f"R{students}", big=students, small=2)
        survey = opened(u, min_group=2)
        answer_all(survey, u.big + u.small, sa_better="食堂饭菜")
        services.close_survey(actor=u.admin, survey=survey)
        client.force_login(u.big[0].user)
        counts.append(_count(client, reverse("surveys:detail", args=[survey.pk])))
    assert counts[0] == counts[1] <= 15


def test_my_surveys_runs_the_same_queries_for_any_number_of_surveys(
    client,
) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for n in (1, 4):
        u = build(prefix=f"M{n}", big=2, small=1)
        for i in range(n):
            opened(u, f"S{i}")
        client.force_login(u.big[0].user)
        counts.append(_count(client, reverse("surveys:mine")))
    assert counts[0] == counts[1]


# ------------------------------------------------------------------ audit


def test_the_audit_reads_the_evaluations_from_the_database() -> None:
    u = build()
    today = timezone.localdate()

    def trn2() -> set[str]:
        report = audit_organisation(code=u.union.code, as_of=today)
        return {
            f.rule
            for f in report.findings
            if f.organisation == u.union.code and f.requirement == "TRN-2"
        }

    assert trn2() == {"TRN-2.no-evaluation"}
    survey = create(u)
    assert trn2() == {"TRN-2.no-evaluation"}  # a draft does not count
    services.open_survey(actor=u.admin, survey=survey)
    assert trn2() == set()
    services.close_survey(actor=u.admin, survey=survey, publish=False)
    assert trn2() == set()  # just closed: time left to publish
    Survey.objects.filter(pk=survey.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=15)
    )
    assert trn2() == {"TRN-2.results-unpublished"}
    Survey.objects.filter(pk=survey.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=13)
    )
    assert trn2() == set()
