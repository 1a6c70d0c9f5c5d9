"""Election pages, the printable notice and the JSON API; query budgets at two sizes."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories_elections import (
    CRITERIA_GANSU,
    approved_election,
    build_scene,
    conditions_for,
    counted,
)
from tongxue.elections import services
from tongxue.elections.models import Candidate, Election, ElectionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    return build_scene()


def _certified(scene, **kw):
    election = approved_election(scene, **kw)
    names = list(
        Candidate.objects.filter(election=election, status="approved")
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    a, b = names[0], names[1]
    election = counted(
        election, [{a: "1", b: "1"}, {a: "1", b: "1"}, {a: "1"}], present=3
    )
    services.certify_result(actor=scene.presidium, election=election)
    return election


# -- public pages ------------------------------------------------------------------------


def test_public_page_lists_approved_candidates_without_identifiers(client, scene):
    election = approved_election(scene)
    response = client.get(f"/elections/{election.code}/")
    assert response.status_code == 200
    body = response.content.decode()
    for person in scene.students[:3]:
        assert person.name in body
        assert person.ident not in body  # no identifiers, no student numbers
        assert f"{person.name}的竞选陈述" in body
    assert 'data-status="approved"' in body
    assert 'id="notice-candidates"' in body
    assert scene.presidium.username not in body  # who acted is for managers only
    assert 'id="manage-link"' not in body
    # The record of the procedure: the status changes, then every step (ELE-2).
    milestones = body.split('id="milestones"')[1].split("</table>")[0]
    assert "step-approved" in milestones and "step-conditions_set" in milestones
    assert "step-assessed" not in milestones
    assert body.count("step-assessed") == 3 * 6  # 3 candidates × 6 criteria


def test_candidates_are_not_public_before_approval(client, scene):
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    services.adopt_method(actor=scene.presidium, election=election)
    services.nominate(
        actor=scene.presidium,
        election=election,
        person=scene.students[0],
        nominated_by="presidium",
    )
    body = client.get(f"/elections/{election.code}/").content.decode()
    assert scene.students[0].name not in body
    assert 'id="candidates-empty"' in body


def test_organisation_list_and_404s(client, scene):
    election = approved_election(scene)
    body = client.get(f"/elections/org/{scene.union.code}/").content.decode()
    assert f'id="election-{election.code}"' in body
    assert client.get("/elections/org/NOPE/").status_code == 404
    assert client.get("/elections/NOPE/").status_code == 404
    # The result is not public before certification.
    assert client.get(f"/elections/{election.code}/result/").status_code == 404


def test_result_page_shows_counts_explanation_and_method(client, scene):
    election = _certified(scene)
    response = client.get(f"/elections/{election.code}/result/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="ballots-issued">3<' in body
    assert 'id="ballots-valid">3<' in body
    assert 'id="explanation"' in body
    assert body.count('class="result-row elected"') == 2
    assert 'id="method"' in body
    assert 'id="board-link"' in body


def test_student_nominates_themselves_on_the_page(client, scene):
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    services.adopt_method(actor=scene.presidium, election=election)
    me = scene.delegates[0]
    client.force_login(me.user)
    page = client.get(f"/elections/{election.code}/").content.decode()
    assert 'id="self-nomination"' in page
    response = client.post(
        f"/elections/{election.code}/nominate-self/", {"statement": "为同学服务"}
    )
    assert response.status_code == 302
    c = Candidate.objects.get(election=election, person=me)
    assert c.nominated_by == "self" and c.statement == "为同学服务"
    assert (
        'id="own-candidacy"'
        in client.get(f"/elections/{election.code}/").content.decode()
    )
    client.force_login(scene.outsider)  # no person: cannot self-nominate
    assert (
        client.post(
            f"/elections/{election.code}/nominate-self/", {"statement": "x"}
        ).status_code
        == 403
    )


# -- the printable notice ----------------------------------------------------------------


def test_result_notice_pdf_has_chinese_text(client, scene):
    election = _certified(scene)
    response = client.get(f"/elections/{election.code}/notice/result.pdf")
    if response.status_code == 503:
        pytest.skip("WeasyPrint or its system libraries are missing")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed: the PDF's text was not checked")
    if (
        not shutil.which("fc-list")
        or "CJK"
        not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    ):
        pytest.skip("Noto CJK fonts are missing: the Chinese text was not checked")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert election.title in text
    assert election.result["elected"][0] in text  # a candidate's Chinese name


def test_candidates_notice_pdf_and_unknown_kind(client, scene):
    election = approved_election(scene)
    response = client.get(f"/elections/{election.code}/notice/candidates.pdf")
    assert response.status_code in (200, 503)
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")
    assert client.get(f"/elections/{election.code}/notice/other.pdf").status_code == 404
    # No result notice before certification.
    assert (
        client.get(f"/elections/{election.code}/notice/result.pdf").status_code == 404
    )


def test_pdf_without_weasyprint_answers_503(client, scene, monkeypatch):
    import sys

    election = approved_election(scene)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = client.get(f"/elections/{election.code}/notice/candidates.pdf")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")


# -- manager pages: authorisation of every step -----------------------------------------


def test_dashboard_is_for_the_presidium_league_and_party_only(client, scene):
    election = approved_election(scene)
    url = f"/elections/{election.code}/manage/"
    assert client.get(url).status_code in (302, 403)
    client.force_login(scene.outsider)
    assert client.get(url).status_code == 403
    for user in (scene.presidium, scene.advisor, scene.party):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert scene.students[0].ident in body  # managers see who is who
        assert 'id="steps"' in body


def test_create_page_refuses_the_wrong_body_and_creates_an_election(client, scene):
    url = f"/elections/org/{scene.union.code}/new/"
    client.force_login(scene.advisor)
    assert client.get(url).status_code == 403
    client.force_login(scene.presidium)
    assert client.get(url).status_code == 200
    data = {
        "e-meeting": scene.standing.pk,
        "e-post": "vice_president",
        "e-seats": "2",
        "e-title": "",
        "e-mode": "electronic",
        "e-form": "marks",
        "e-quorum": "2/3",
        "e-threshold": "1/2",
        "e-denominator": "present",
        "e-tie": "revote",
        "e-margin": "1/5",
        "e-joint_nominators": "3",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "ELE-1" in response.content.decode()
    data["e-meeting"] = scene.congress.pk
    response = client.post(url, data)
    assert response.status_code == 302
    election = Election.objects.get(organisation=scene.union)
    assert response["Location"] == f"/elections/{election.code}/manage/"
    assert election.method["threshold"] == "1/2"
    assert election.method["joint_nominators"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "联名提名所需联名学生人数" in page  # the method shown (Chinese by default)


def _post_act(client, election, action, **data):
    return client.post(f"/elections/{election.code}/manage/{action}/", data)


def test_workflow_through_the_pages(client, scene):
    election = services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="vice_president", seats=2
    )
    # Confirmation first: a GET shows the confirm form and changes nothing.
    client.force_login(scene.presidium)
    page = client.get(f"/elections/{election.code}/manage/adopt/")
    assert page.status_code == 200 and 'id="confirm-form"' in page.content.decode()
    election.refresh_from_db()
    assert election.status == "draft"
    assert _post_act(client, election, "adopt").status_code == 302
    # The presidium cannot set conditions (ELE-2).
    cond = {f"cond-c_{c}": f"条件{c}" for c in CRITERIA_GANSU}
    response = client.post(f"/elections/{election.code}/manage/conditions/", cond)
    assert response.status_code == 400
    assert not election.conditions.exists()
    client.force_login(scene.advisor)
    response = client.post(f"/elections/{election.code}/manage/conditions/", cond)
    assert response.status_code == 302
    assert election.conditions.count() == len(CRITERIA_GANSU)
    # The advisor cannot nominate on behalf of the presidium.
    nominate = {"nom-person": scene.students[0].ident, "nom-nominated_by": "presidium"}
    response = client.post(f"/elections/{election.code}/manage/nominate/", nominate)
    assert response.status_code == 400
    client.force_login(scene.presidium)
    for person in scene.students[:3]:
        response = client.post(
            f"/elections/{election.code}/manage/nominate/",
            {"nom-person": person.ident, "nom-nominated_by": "presidium"},
        )
        assert response.status_code == 302
    response = client.post(
        f"/elections/{election.code}/manage/nominate/",
        {"nom-person": "NOBODY", "nom-nominated_by": "presidium"},
    )
    assert response.status_code == 400
    page = client.get(f"/elections/{election.code}/manage/").content.decode()
    assert 'id="submit-refusal"' in page and "CAD-1" in page  # not assessed yet
    # Assess on the page (advisor and presidium may; the party may not).
    client.force_login(scene.party)
    first = Candidate.objects.filter(election=election).first()
    client.post(
        f"/elections/{election.code}/manage/assess/{first.pk}/",
        {
            "a-criterion": "academic",
            "a-met": "1",
            "a-evidence_kind": "grades",
            "a-evidence": "x",
        },
    )
    assert not first.assessments.exists()
    client.force_login(scene.advisor)
    for c in Candidate.objects.filter(election=election):
        for criterion in CRITERIA_GANSU:
            response = client.post(
                f"/elections/{election.code}/manage/assess/{c.pk}/",
                {
                    "a-criterion": criterion,
                    "a-met": "1",
                    "a-evidence_kind": "grades",
                    "a-evidence": "绩点 3.5",
                },
            )
            assert response.status_code == 302
    assert Candidate.objects.filter(election=election, status="eligible").count() == 3
    page = client.get(f"/elections/{election.code}/manage/").content.decode()
    assert 'id="submit-refusal"' not in page
    # Submit: the party cannot; the presidium can.
    client.force_login(scene.party)
    assert _post_act(client, election, "submit").status_code == 403
    client.force_login(scene.presidium)
    assert _post_act(client, election, "submit").status_code == 302
    # Return needs a comment; approve by the party only.
    assert _post_act(client, election, "approve").status_code == 403
    client.force_login(scene.party)
    assert _post_act(client, election, "return").status_code == 400
    assert _post_act(client, election, "approve", comment="同意").status_code == 302
    election.refresh_from_db()
    assert election.status == ElectionStatus.APPROVED
    body = client.get(f"/elections/{election.code}/manage/").content.decode()
    assert 'id="ready-to-open"' in body


def test_certify_and_effective_through_the_pages(client, scene, monkeypatch):
    election = approved_election(scene)
    names = list(
        Candidate.objects.filter(election=election)
        .order_by("position")
        .values_list("person__name", flat=True)
    )
    election = counted(election, [{names[0]: "1", names[1]: "1"}] * 3, present=3)
    client.force_login(scene.advisor)
    assert _post_act(client, election, "certify").status_code == 403
    client.force_login(scene.presidium)
    assert _post_act(client, election, "certify").status_code == 302
    election.refresh_from_db()
    assert election.status == ElectionStatus.CERTIFIED
    # The notice is still running: refused, shown as a form error.
    response = _post_act(client, election, "effective", public_contact="su@x.cn")
    assert response.status_code == 400
    assert "ELE-4" in response.content.decode()


def test_unknown_action_is_404(client, scene):
    election = approved_election(scene)
    client.force_login(scene.presidium)
    assert client.get(f"/elections/{election.code}/manage/explode/").status_code == 404


# -- JSON API ----------------------------------------------------------------------------


def test_api_lists_elections_and_shows_public_fields_only(client, scene):
    election = approved_election(scene)
    data = client.get(f"/api/elections?organisation={scene.union.code}").json()
    assert data["count"] == 1
    assert data["items"][0]["code"] == election.code
    assert data["items"][0]["organisation"] == scene.union.code
    detail = client.get(f"/api/elections/{election.code}").json()
    assert detail["status"] == "approved"
    assert [c["name"] for c in detail["candidates"]] == [
        p.name for p in scene.students[:3]
    ]
    assert set(detail["candidates"][0]) == {
        "position",
        "name",
        "nominated_by",
        "statement",
    }
    raw = client.get(f"/api/elections/{election.code}").content.decode()
    assert scene.students[0].ident not in raw
    assert client.get(f"/api/elections/{election.code}/result").status_code == 404
    assert client.get("/api/elections/NOPE").status_code == 404


def test_api_result_once_certified(client, scene):
    election = _certified(scene)
    data = client.get(f"/api/elections/{election.code}/result").json()
    assert data["valid"] is True
    assert data["ballots"]["returned"] == 3
    assert len(data["elected"]) == 2
    assert data["next_step"] is None
    assert data["method"]["threshold"] == "1/2"


# -- query budgets at two sizes ----------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = ("/elections/{code}/", "/elections/{code}/manage/", "/api/elections/{code}")


def test_query_count_does_not_grow_with_candidates(client):
    small = build_scene(prefix="SM", students=3)
    large = build_scene(prefix="LG", students=9)
    e_small = approved_election(small, seats=2, candidates=3)
    e_large = approved_election(large, seats=7, candidates=9)
    for path in PAGES:
        counts = []
        for scene, election in ((small, e_small), (large, e_large)):
            client.force_login(scene.presidium)
            counts.append(_queries(client, path.format(code=election.code)))
        assert counts[0] == counts[1], (path, counts)


def test_list_query_count_does_not_grow_with_elections(client):
    scene = build_scene(prefix="QL")
    url = f"/elections/org/{scene.union.code}/"
    approved_election(scene)
    one = _queries(client, url)
    for _ in range(3):
        services.create_election(
            actor=scene.presidium, meeting=scene.congress, post="core_member", seats=1
        )
    assert _queries(client, url) == one
    api_one = _queries(client, f"/api/elections?organisation={scene.union.code}")
    services.create_election(
        actor=scene.presidium, meeting=scene.congress, post="member", seats=1
    )
    assert (
        _queries(client, f"/api/elections?organisation={scene.union.code}") == api_one
    )


def test_conditions_helper_matches_profile():
    assert set(conditions_for()) == set(CRITERIA_GANSU)


def test_dashboard_shows_published_cadre_evaluations_as_evidence(
    client, scene, monkeypatch
):
    from tongxue.elections import selectors

    election = approved_election(scene)
    first = scene.students[0]
    published = {
        "period": {"name": "2025-2026学年第一学期评议"},
        "overall": 86.5,
        "failed": False,
        "published": True,
    }
    hidden = {**published, "period": {"name": "未公布"}, "published": False}
    monkeypatch.setattr(
        selectors, "cadre_evaluations", lambda ids: {first.pk: [published, hidden]}
    )
    client.force_login(scene.presidium)
    body = client.get(f"/elections/{election.code}/manage/").content.decode()
    assert "2025-2026学年第一学期评议 86.5" in body
    assert "未公布" not in body  # results below the raters' minimum are not shown
    assert body.count('class="small evaluations"') == 1
