"""The voting pages' POST data goes through forms (tongxue.voting.forms; #13, ELE-5).

The field names are the pages' own; a figure that is not a whole number of at least 0
is refused with a message naming its field, in the reader's language.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import UserFactory
from tests.factories_voting import build_voting
from tongxue.core.errors import form_errors_text
from tongxue.elections.models import VotingMode
from tongxue.voting import codec, forms, selectors, services
from tongxue.voting.models import PaperCount, Scrutineer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


def _url(setup, name=""):
    return f"/vote/{setup.election.code}/{name}"


def _paper():
    setup = build_voting(voters=3, mode=VotingMode.PAPER, seats=2, candidates=3)
    first = UserFactory(username="jipiao1")
    UserFactory(username="jipiao2")
    services.open_vote(actor=setup.admin, election=setup.election)
    services.designate_scrutineers(
        actor=setup.admin, election=setup.election, usernames=["jipiao1", "jipiao2"]
    )
    services.close_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup, first


def _entry(**overrides):
    data = {"present": "3", "issued": "3", "returned": "3"}
    data.update({"c0-yes": "2", "c1-yes": "2", "c2-yes": "1"})
    data.update(overrides)
    return data


# --- the ballot's cells ------------------------------------------------------------


def test_ballot_form_reads_one_cell_per_candidate_stripped_and_upper_case():
    form = forms.BallotForm(
        {"c0": " y ", "c2": "a", "c9": "Y", "step": "review"}, candidates=3
    )
    assert form.review
    assert form.cells() == ["Y", "", "A"]  # c1 missing = blank; c9 is no candidate


def test_ballot_form_step_other_than_review_keeps_the_ballot():
    assert not forms.BallotForm({"step": "edit"}, candidates=1).review
    assert not forms.BallotForm({}, candidates=1).review


def test_a_cell_that_cannot_be_parsed_is_one_no_ballot_form_allows():
    # (A NUL byte never reaches a view: the middleware answers 400 first.)
    form = forms.BallotForm({"c0": "1\x00"}, candidates=2)
    assert not form.is_valid()
    assert form.cells() == [forms.UNPARSED_CELL, ""]
    for allowed in codec.ALLOWED_CELLS.values():
        assert forms.UNPARSED_CELL not in allowed


# --- closing -----------------------------------------------------------------------


def test_close_needs_confirm_yes():
    assert forms.CloseForm({"confirm": "yes"}).is_valid()
    for data in ({}, {"confirm": "no"}, {"confirm": " yes"}, {"confirm": "YES"}):
        assert not forms.CloseForm(data).is_valid()


# --- scrutineers -------------------------------------------------------------------


def test_scrutineers_form_passes_both_names_to_the_service(client):
    setup = build_voting(mode=VotingMode.PAPER)
    UserFactory(username="jp1")
    UserFactory(username="jp2")
    client.force_login(setup.admin)
    response = client.post(
        _url(setup, "manage/scrutineers/"), {"first": " jp1 ", "second": "jp2"}
    )
    assert response.status_code == 302
    assert set(Scrutineer.objects.values_list("user__username", flat=True)) == {
        "jp1",
        "jp2",
    }


def test_scrutineers_missing_one_is_the_services_refusal(client):
    setup = build_voting(mode=VotingMode.PAPER)
    UserFactory(username="jp1")
    client.force_login(setup.admin)
    response = client.post(_url(setup, "manage/scrutineers/"), {"first": "jp1"})
    assert response.status_code == 400
    assert 'id="manage-error"' in response.content.decode()
    assert not Scrutineer.objects.exists()


# --- paper counts ------------------------------------------------------------------


def test_paper_figures_left_blank_are_zero():
    form = forms.PaperCountForm(
        {"present": "3", "returned": " 3 ", "c0-yes": "2"},
        names=["A", "B"],
        marks_form=True,
    )
    assert form.is_valid(), form.errors
    figures = form.figures()
    assert figures["present"] == 3
    assert figures["issued"] == 0
    assert figures["returned"] == 3
    assert figures["void_reasons"] == {
        "unknown-candidate": 0,
        "bad-mark": 0,
        "too-many-marks": 0,
        "blank": 0,
    }
    assert figures["candidates"] == {"A": [2, 0, 0], "B": [0, 0, 0]}


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("issued", "abc", "Ballots issued"),
        ("present", "-1", "Voters present"),
        ("void-blank", "1.5", "Void ballots, by reason · is blank"),
        ("c1-no", "x", "B · No"),
    ],
)
def test_paper_figure_not_a_whole_number_from_0_names_its_field(field, value, label):
    form = forms.PaperCountForm({field: value}, names=["A", "B"], marks_form=False)
    assert not form.is_valid()
    with translation.override("en"):
        assert form_errors_text(form).startswith(f"{label}: ")


def test_paper_figure_of_0_is_accepted():
    form = forms.PaperCountForm({"present": "0"}, names=["A"], marks_form=False)
    assert form.is_valid()
    assert form.figures()["present"] == 0


def test_paper_error_names_the_field_in_chinese():
    form = forms.PaperCountForm({"issued": "abc"}, names=["A"], marks_form=True)
    assert not form.is_valid()
    with translation.override("zh-hans"):
        text = form_errors_text(form)
    assert text.startswith("发出选票")
    assert "Enter" not in text


def test_paper_page_shows_the_named_error_and_writes_nothing(client):
    setup, first = _paper()
    client.force_login(first)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_url(setup, "paper/"), _entry(issued="three"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="paper-error"' in body
    assert "Ballots issued: Enter a whole number." in body
    assert not PaperCount.objects.exists()
    ok = client.post(_url(setup, "paper/"), _entry())
    assert ok.status_code == 302
    entry = PaperCount.objects.get()
    assert (entry.present, entry.issued, entry.returned) == (3, 3, 3)


def test_paper_page_still_refuses_others_before_parsing(client):
    setup, _ = _paper()
    client.force_login(setup.voters[0])
    response = client.post(_url(setup, "paper/"), _entry(issued="three"))
    assert response.status_code == 403


# --- the board ---------------------------------------------------------------------


def test_tracker_search_keeps_what_was_typed():
    form = forms.TrackerForm({"tracker": " abcd-efgh "})
    assert form.is_valid()
    assert form.cleaned_data["tracker"] == " abcd-efgh "
    assert not forms.TrackerForm({"tracker": "a\x00"}).is_valid()
