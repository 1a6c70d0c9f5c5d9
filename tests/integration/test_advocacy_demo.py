"""The demo of the union's advocacy (RGT-2, RGT-3, RGT-4) and of the federations'
consultations (RGT-5): what is seeded, through the services, the findings it clears
and the ones it plants, idempotent like the other demos."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import override

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    SchoolFactory,
    UserFactory,
)
from tongxue.advocacy.models import (
    Committee,
    CommitteeKind,
    ContactKind,
    Dialogue,
    DialogueKind,
    DialogueStatus,
    LegalAidContact,
    Participation,
    Point,
    PointOutcome,
    Referral,
    SignUp,
    WrittenRequest,
)
from tongxue.advocacy.selectors import closes_at, open_for_signup
from tongxue.compliance.selectors import audit_organisation
from tongxue.core.models import AuditEvent
from tongxue.demo import advocacy as demo
from tongxue.demo import consultations as consultations_demo
from tongxue.demo import voice as voice_demo
from tongxue.demo.generator import PROVINCE_CODE, SCHOOL_CODE
from tongxue.demo.voice_texts import TEXTS
from tongxue.organisations.models import Organisation, OrgKind, Role, SchoolType
from tongxue.voice import services as voice
from tongxue.voice.models import (
    Channel,
    Concern,
    ConcernEvent,
    ConcernStatus,
    Consultation,
    EventKind,
    Visibility,
)

pytestmark = pytest.mark.django_db

ADVOCACY = ("RGT-2", "RGT-3", "RGT-4")


def _title(key: str) -> str:
    return next(t.title for t in TEXTS if t.key == key)


def _school() -> Organisation:
    """A small demo school (as the voice demo's test): the union, the graduate union,
    a department with a class of forty students, a functional department's head."""
    school = SchoolFactory(code=SCHOOL_CODE, name="陇原大学")
    union = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH", name="陇原大学学生会", parent=school
    )
    OrganisationFactory(
        code=f"{SCHOOL_CODE}-YJSH",
        name="陇原大学研究生会",
        kind=OrgKind.GRADUATE_UNION,
        parent=school,
    )
    dept = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D01",
        name="文学院学生会",
        kind=OrgKind.DEPARTMENT_UNION,
        parent=union,
    )
    klass = OrganisationFactory(
        code=f"{SCHOOL_CODE}-D01-K2401",
        name="文学院2024级1班",
        kind=OrgKind.CLASS_COMMITTEE,
        parent=dept,
        students_served=40,
    )
    for k in range(40):
        PersonFactory(
            ident=f"LYDX-P{k:04d}",
            student_number=f"20240101{k:02d}",
            department=dept,
            class_unit=klass,
            grade=2024,
        )
    rights = OrganisationFactory(
        code=f"{SCHOOL_CODE}-XSH-QY",
        name="权益部",
        kind=OrgKind.FUNCTIONAL_DEPARTMENT,
        parent=union,
        students_served=None,
    )
    PositionFactory(
        organisation=rights,
        role=Role.DEPARTMENT_HEAD,
        title="部长",
        person=PersonFactory(ident="LYDX-HEAD", department=dept, class_unit=klass),
    )
    return union


def _findings(code: str, as_of: dt.date) -> set[tuple[str, str]]:
    return {
        (f.organisation, f.rule)
        for f in audit_organisation(code=code, as_of=as_of).findings
    }


def test_the_demo_school_union_keeps_its_links_meets_and_takes_part_once() -> None:
    today = timezone.localdate()
    union = _school()
    with override("en"):
        voice_demo.seed(scale="school", as_of=today)
        assert demo.seed(scale="school", as_of=today) != ""
    graduate = Organisation.objects.get(code=f"{SCHOOL_CODE}-YJSH")

    # Legal aid (RGT-2): the city's centre, the law clinic, a firm and its lawyer.
    directory = LegalAidContact.objects.filter(union=union, active=True)
    assert set(directory.values_list("kind", flat=True)) == set(ContactKind.values) - {
        ContactKind.OTHER
    }
    assert directory.filter(name="兰州市法律援助中心", phone="12348").exists()
    for c in directory:
        assert c.linked_since <= (c.last_contact or today) <= today
    # … one open concern referred, with the student's consent on or after the day it
    # was raised, as a step of its timeline naming the entry.
    referral = Referral.objects.select_related("concern", "contact").get()
    concern = referral.concern
    assert concern.title == _title(demo.REFERRED)
    assert referral.contact.kind == ContactKind.LAW_CLINIC
    assert timezone.localdate(concern.raised_at) <= referral.consent_on <= today
    assert referral.consent_how and referral.referred_by is not None
    step = ConcernEvent.objects.get(concern=concern, kind=EventKind.REFERRED)
    assert step.public_text == referral.contact.name

    # A reception day held two days ago (RGT-3): students signed up before sign-up
    # closed, the minutes published, three points: two new concerns from the meeting,
    # one joining the open concern on the buses.
    held = Dialogue.objects.get(organiser=union, status=DialogueStatus.HELD)
    assert held.kind == DialogueKind.RECEPTION_DAY
    assert timezone.localdate(held.starts) == today - dt.timedelta(days=2)
    assert held.minutes and held.minutes_public
    signups = list(SignUp.objects.filter(dialogue=held))
    assert len(signups) == len(demo.SIGNUPS) <= held.places
    assert all(s.at < closes_at(held) for s in signups)
    assert "student" in {s.user.username for s in signups}
    points = Counter(
        Point.objects.filter(dialogue=held).values_list("outcome", flat=True)
    )
    assert points == {PointOutcome.NEW: 2, PointOutcome.JOINED: 1}
    new = Concern.objects.filter(
        pk__in=Point.objects.filter(dialogue=held, outcome=PointOutcome.NEW).values(
            "concern"
        )
    )
    assert set(new.values_list("channel", flat=True)) == {Channel.MEETING}
    assert set(new.values_list("visibility", flat=True)) == {
        Visibility.PUBLIC,
        Visibility.PRIVATE,
    }
    joined = Point.objects.get(dialogue=held, outcome=PointOutcome.JOINED).concern
    assert joined is not None and joined.title == _title(demo.JOINED)
    assert ConcernEvent.objects.filter(
        concern=joined, kind=EventKind.NOTE, text__contains=held.title
    ).exists()
    # … and the next one, open for sign-up, two places taken (not the student's).
    planned = Dialogue.objects.get(organiser=union, status=DialogueStatus.PLANNED)
    assert planned.starts > timezone.now() and open_for_signup(planned)
    taken = SignUp.objects.filter(dialogue=planned)
    assert taken.count() == len(demo.NEXT_SIGNUPS)
    assert not taken.filter(user__username="student").exists()

    # Participation (RGT-4): a seat on the school affairs committee today, the canteen
    # committee's meeting attended with the position carried and the outcome.
    seat = Committee.objects.get(union=union, kind=CommitteeKind.SCHOOL_AFFAIRS)
    assert seat.since <= today and seat.until is None
    canteen = Participation.objects.get(
        committee__union=union, committee__kind=CommitteeKind.CATERING
    )
    assert canteen.position and canteen.outcome and canteen.outcome_text
    assert today - dt.timedelta(days=180) <= canteen.held <= today
    assert WrittenRequest.objects.filter(union=union).exclude(answered_on=None).exists()
    # The graduate union: the same, briefly.
    assert LegalAidContact.objects.filter(union=graduate).exists()
    assert Participation.objects.filter(committee__union=graduate).exists()

    # Through the services, each act audited.
    actions = Counter(
        AuditEvent.objects.filter(action__startswith="advocacy.").values_list(
            "action", flat=True
        )
    )
    assert actions["advocacy.legal_aid.add"] == 5
    assert actions["advocacy.referral"] == 1
    assert actions["advocacy.meeting.point"] == 3
    assert actions["advocacy.meeting.sign_up"] == len(demo.SIGNUPS) + 2
    assert actions["advocacy.participation.record"] >= 3

    # The audit finds nothing to say on the advocacy of either union.
    found = _findings(SCHOOL_CODE, today)
    assert not {(o, r) for o, r in found if r.startswith(ADVOCACY)}
    # … while the rest of the voice demo's picture holds (no RGT-1 problem).
    assert not {r for _o, r in found if r.startswith("RGT-1")}

    # Idempotent: a second run adds nothing and records nothing.
    before = (
        AuditEvent.objects.count(),
        Concern.objects.count(),
        Dialogue.objects.count(),
        get_user_model().objects.count(),
    )
    with override("en"):
        assert demo.seed(scale="school", as_of=today) == "advocacy already seeded"
        assert consultations_demo.seed(scale="school", as_of=today) == ""
    after = (
        AuditEvent.objects.count(),
        Concern.objects.count(),
        Dialogue.objects.count(),
        get_user_model().objects.count(),
    )
    assert after == before


def test_without_the_demo_school_nothing_is_seeded() -> None:
    assert demo.seed(scale="school", as_of=timezone.localdate()) == ""
    assert not LegalAidContact.objects.exists()
    assert not Dialogue.objects.exists()


# -- province scale ---------------------------------------------------------------------


def _province(universities: int = 30) -> tuple[Organisation, list[Organisation]]:
    """A small province: the federation, four city federations, the demo university
    (with students who have accounts and the default categories), other universities
    with a school union each (and a graduate union for some), a middle school."""
    province = OrganisationFactory(
        code=PROVINCE_CODE,
        name="甘肃省学生联合会",
        kind=OrgKind.PROVINCIAL_FEDERATION,
        parent=None,
    )
    cities = [
        OrganisationFactory(
            code=f"GS-{c}",
            name=f"{name}学生联合会",
            kind=OrgKind.CITY_FEDERATION,
            parent=province,
        )
        for c, name in (
            ("BY", "白银市"),
            ("LZ", "兰州市"),
            ("TS", "天水市"),
            ("ZY", "张掖市"),
        )
    ]
    main_school = SchoolFactory(
        code="GS-BY-0001", name="崆峒理工大学", parent=cities[0]
    )
    main = OrganisationFactory(
        code="GS-BY-0001-XSH", name="崆峒理工大学学生会", parent=main_school
    )
    dept = OrganisationFactory(
        code="GS-BY-0001-D01", kind=OrgKind.DEPARTMENT_UNION, parent=main
    )
    for k in range(12):
        person = PersonFactory(ident=f"GS-BY-0001-P{k:03d}", department=dept)
        person.user = UserFactory(username=f"s{k:03d}")
        person.save(update_fields=["user"])
    voice.ensure_default_categories(main)
    for k in range(1, universities + 1):
        school = SchoolFactory(
            code=f"GS-LZ-{k:04d}", name=f"示范大学{k}", parent=cities[1 + k % 3]
        )
        OrganisationFactory(code=f"{school.code}-XSH", parent=school)
        if k % 4 == 0:
            OrganisationFactory(
                code=f"{school.code}-YJSH", kind=OrgKind.GRADUATE_UNION, parent=school
            )
    OrganisationFactory(
        code="GS-TS-0900-XSH",
        parent=SchoolFactory(
            code="GS-TS-0900",
            parent=cities[2],
            school_type=SchoolType.MIDDLE_SCHOOL,
        ),
    )
    return main, cities


def test_the_province_plants_the_findings_at_about_one_union_in_ten() -> None:
    """The other universities' unions get the directory, the seats, a meeting attended
    and a reception day (or the requests) in bulk, but about one in ten: there, and
    only there, RGT-2 and RGT-4 find nothing on record. The federations but two met
    deputies within the term (RGT-3.no-government-meeting at those two)."""
    today = timezone.localdate()
    main, cities = _province()
    clock = demo._Clock(today)
    rng = random.Random(demo.SEED)
    seeded = demo._others(main, "province", rng, clock)
    met = demo._federations(rng, clock)

    unions = Organisation.objects.filter(
        kind__in=(OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION),
        parent__school_type=SchoolType.GENERAL_UNIVERSITY,
    ).exclude(pk=main.pk)
    with_records = set(
        LegalAidContact.objects.values_list("union__code", flat=True).distinct()
    )
    assert seeded == len(with_records)
    assert 0.8 * unions.count() <= seeded < unions.count()  # most, not all
    assert "GS-TS-0900-XSH" not in with_records and main.code not in with_records
    # Every bulk row as the services would have written it.
    for p in Participation.objects.select_related("committee"):
        assert p.committee.since <= p.held <= today
    for d in Dialogue.objects.filter(organiser__in=unions):
        assert d.status == DialogueStatus.HELD and d.minutes
        assert d.starts <= timezone.now() and 1 <= d.places <= 500
    assert AuditEvent.objects.filter(action="advocacy.demo_records").count() == seeded

    found = _findings(PROVINCE_CODE, today)
    # nothing on record: about one union in ten, and the demo union (its story is
    # the other test's)
    without = {u.code for u in unions} - with_records | {main.code}
    for rule in ("RGT-2.no-legal-aid", "RGT-4.no-participation"):
        assert {o for o, r in found if r == rule} == without, rule
    assert {o for o, r in found if r == "RGT-3.no-reception-day"} == without
    assert {o for o, r in found if r == "RGT-4.no-committee-seat"} == without
    silent = {o for o, r in found if r == "RGT-3.no-government-meeting"}
    assert len(silent) == demo.CITIES_WITHOUT_MEETING and met == 1 + len(cities) - 2
    assert silent <= {c.code for c in cities}
    # The provincial federation's meeting: published minutes, the points noted.
    minutes = Dialogue.objects.get(organiser__code=PROVINCE_CODE)
    assert minutes.kind == DialogueKind.DEPUTIES and minutes.minutes_public
    assert set(
        Point.objects.filter(dialogue=minutes).values_list("outcome", flat=True)
    ) == {PointOutcome.NOTED}


def test_the_federations_consult_students_and_answer_in_time() -> None:
    """The provincial federation: one consultation closed and answered in time with
    five ideas, one open; the demo university's city one closed, another city one
    open; the others none (RGT-5.no-consultation planted there). Idempotent."""
    today = timezone.localdate()
    main, cities = _province(universities=2)
    with override("en"):
        summary = consultations_demo.seed(scale="province", as_of=today)
    assert "/voice/federation/GSXL/consultations/" in summary
    closed, open_ = Consultation.objects.filter(
        federation__code=PROVINCE_CODE
    ).order_by("opens")
    assert closed.closes < today <= open_.closes and open_.opens <= today
    assert closed.responded_at is not None
    assert closed.closes < timezone.localdate(closed.responded_at) <= closed.answer_due
    ideas = Concern.objects.filter(consultation=closed)
    assert ideas.count() == 5 and set(ideas.values_list("union", flat=True)) == {
        main.pk
    }
    # answered by the response, two rated, the rest closed unrated once due
    assert set(ideas.values_list("status", flat=True)) == {ConcernStatus.CLOSED}
    assert ideas.exclude(rating="").count() == 2
    assert ideas.filter(visibility=Visibility.ANONYMOUS, author=None).count() == 1
    waiting = Concern.objects.filter(consultation=open_)
    assert waiting.count() == 2
    assert set(waiting.values_list("status", flat=True)) == {ConcernStatus.RECEIVED}
    assert waiting.filter(supporters=1).count() == 1  # 同意
    # the cities: the demo university's answered in time, one other open
    by_city = dict(
        Consultation.objects.filter(
            federation__kind=OrgKind.CITY_FEDERATION
        ).values_list("federation__code", "responded_at")
    )
    assert set(by_city) == {cities[0].code, cities[1].code}
    assert by_city[cities[0].code] is not None and by_city[cities[1].code] is None

    found = _findings(PROVINCE_CODE, today)
    assert not {r for _o, r in found if r == "RGT-5.response-missing"}
    assert {o for o, r in found if r == "RGT-5.no-consultation"} == {
        cities[2].code,
        cities[3].code,
    }

    before = (AuditEvent.objects.count(), Concern.objects.count())
    with override("en"):
        again = consultations_demo.seed(scale="province", as_of=today)
    assert again == "consultations already seeded"
    assert (AuditEvent.objects.count(), Concern.objects.count()) == before
