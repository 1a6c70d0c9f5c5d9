"""Survey pages (TRN-2): my surveys, a union's surveys, a survey with its live response
rate and, once closed and published, its results; the answer form; managing.

Published results are public to everyone (面向全体同学公开); a survey's draft and its
management need ``Perm.MANAGE`` at the union; results held back after the close are
seen by those who see the union's private data (its administrators, the League
advisor). Answering needs to be among the students asked. Views parse input, call the
services, map refusals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from tongxue.core import exports
from tongxue.core.errors import Refusal, refusal_json
from tongxue.core.hooks import Hook
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.domain import surveys as ds
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, Person
from tongxue.surveys import fastpath, selectors, services, tokens
from tongxue.surveys.forms import (
    AnswerForm,
    CloseSurveyForm,
    OpenSurveyForm,
    SurveyForm,
)
from tongxue.surveys.models import Survey, SurveyStatus

#: What apps above add beside a survey's published results (the projects app: the
#: union's participation in its projects that term, 参与度): each returns a template
#: and its context, or None.
RESULTS_SECTIONS: Hook[Callable[[Survey], tuple[str, dict[str, Any]] | None]] = Hook(
    "surveys.results_sections"
)


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The link of a union's page to its surveys (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT` by ``SurveysConfig.ready()``).
    No query."""
    if org.kind not in services.UNION_KINDS:
        return {}
    return {"surveys_url": reverse("surveys:union", args=[org.code])}


def _person(request: HttpRequest) -> Person | None:
    if not request.user.is_authenticated:
        return None
    return Person.objects.filter(user_id=request.user.pk).first()


def _survey_or_404(pk: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("organisation"), pk=pk)


def _visible(request: HttpRequest, survey: Survey) -> bool:
    """A draft is seen only by those who manage the union."""
    return survey.status != SurveyStatus.DRAFT or selectors.can_manage(
        request.user, survey.organisation
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The open surveys I am asked in (answered or not)."""
    person = _person(request)
    return render(
        request,
        "surveys/mine.html",
        {"person": person, "rows": selectors.open_for(person) if person else []},
    )


@require_http_methods(["GET", "POST"])
def union(request: HttpRequest, code: str) -> HttpResponse:
    """A union's surveys (public, drafts for its managers); managers create one here."""
    org = get_or_404(code)
    manager = selectors.can_manage(request.user, org)
    form: SurveyForm | None = SurveyForm() if manager else None
    status = 200
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        form = SurveyForm(request.POST)
        if form.is_valid():
            try:
                survey = services.create_survey(
                    actor=request.user, organisation=org, **form.cleaned_data
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
                status = 400
            else:
                messages.success(request, _("The survey is created as a draft."))
                return redirect("surveys:manage", pk=survey.pk)
        else:
            status = 400
    return render(
        request,
        "surveys/union.html",
        {
            "org": org,
            "page": paginate(request, selectors.surveys_of(org, drafts=manager)),
            "page_url": page_url(),
            "can_manage": manager,
            "form": form,
        },
        status=status,
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A survey: its state, the live response rate, the answer button for those
    asked, and its results once they may be seen."""
    survey = _survey_or_404(pk)
    if not _visible(request, survey):
        raise Http404(pk)
    asked, answered = selectors.is_eligible(survey, _person(request))
    view = (
        selectors.results(survey)
        if selectors.can_see_results(request.user, survey)
        else None
    )
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "org": survey.organisation,
            "progress": selectors.progress(survey),
            "asked": asked,
            "answered": answered,
            "results": view,
            "sections": [
                section
                for add in (RESULTS_SECTIONS if view else ())
                if (section := add(survey)) is not None
            ],
            "can_manage": selectors.can_manage(request.user, survey.organisation),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer form, or a JSON answer by answer token.

    ``csrf_exempt`` only for the JSON answer carrying the ``X-Survey-Token`` header: it
    reads no cookie, the token is its credential (:mod:`tongxue.surveys.tokens`). In
    production the fast path (:mod:`tongxue.surveys.fastpath`) answers it before this
    view; this branch gives the same JSON and status where the fast path is not in front
    (tests, runserver). Every other request is the form's, with the session and Django's
    CSRF check as before.
    """
    token = request.headers.get(tokens.HEADER, "")
    if request.method == "POST" and token:
        try:
            doc = fastpath.respond(token, pk, request.body)
        except Refusal as refusal:
            return JsonResponse(
                refusal_json(refusal),
                status=services.ANSWER_STATUS.get(refusal.code, 400),
            )
        return JsonResponse(doc)
    return _answer_form(request, pk)


@csrf_protect
@login_required
def _answer_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer form, on a phone first: the questions by dimension, one submit."""
    survey = _survey_or_404(pk)
    if not _visible(request, survey):
        raise Http404(pk)
    person = _person(request)
    asked, answered = selectors.is_eligible(survey, person)
    if person is None or not asked:
        raise PermissionDenied
    if answered or survey.status != SurveyStatus.OPEN:
        return redirect("surveys:detail", pk=survey.pk)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questions=ds.questions_from(survey.questions),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer(
                    actor=request.user,
                    survey=survey,
                    person=person,
                    answers=form.answers(),
                )
            except Refusal as refusal:
                if refusal.code == "already-answered":
                    messages.info(request, _("You have already answered this survey."))
                    return redirect("surveys:detail", pk=survey.pk)
                add_refusal(form, refusal)
                status = 400
            else:
                messages.success(
                    request, _("Thank you: your answers were recorded anonymously.")
                )
                return redirect("surveys:detail", pk=survey.pk)
        else:
            status = 400
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "org": survey.organisation,
            "form": form,
            # for a client answering in JSON (X-Survey-Token, tongxue.surveys.fastpath)
            "answer_token": tokens.issue(
                user=request.user, person_id=person.pk, survey_id=survey.pk
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (who may answer), remind, close (publishing or not), publish."""
    survey = _survey_or_404(pk)
    if not selectors.can_manage(request.user, survey.organisation):
        raise PermissionDenied
    post = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "") if post is not None else ""
    open_form = OpenSurveyForm(post if action == "open" else None)
    close_form = CloseSurveyForm(post if action == "close" else None)
    status = 200
    if post is not None:
        form = close_form if action == "close" else open_form
        try:
            if action == "open" and open_form.is_valid():
                services.open_survey(
                    actor=request.user, survey=survey, **open_form.cleaned_data
                )
                messages.success(
                    request, _("The survey is open; the students are told.")
                )
                return redirect("surveys:manage", pk=survey.pk)
            if action == "remind":
                n = services.remind(actor=request.user, survey=survey)
                messages.success(request, _("%(n)d students were reminded.") % {"n": n})
                return redirect("surveys:manage", pk=survey.pk)
            if action == "close" and close_form.is_valid():
                services.close_survey(
                    actor=request.user,
                    survey=survey,
                    publish=close_form.cleaned_data["publish"],
                )
                messages.success(request, _("The survey is closed."))
                return redirect("surveys:detail", pk=survey.pk)
            if action == "publish":
                services.publish_results(actor=request.user, survey=survey)
                messages.success(request, _("The results are public."))
                return redirect("surveys:detail", pk=survey.pk)
            if action not in ("open", "remind", "close", "publish"):
                raise Http404(action)
        except Refusal as refusal:
            if refusal.code == "forbidden":
                raise PermissionDenied from None
            add_refusal(form, refusal)
        status = 400
        survey.refresh_from_db()
    return render(
        request,
        "surveys/manage.html",
        {
            "survey": survey,
            "org": survey.organisation,
            "progress": selectors.progress(survey),
            "open_form": open_form,
            "close_form": close_form,
        },
        status=status,
    )


def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The results as a workbook (or PDF): the tables of the page."""
    survey = _survey_or_404(pk)
    if not selectors.can_see_results(request.user, survey):
        raise Http404(pk)
    view = selectors.results(survey)
    if view is None:
        raise Http404(pk)
    return exports.response(_export(request, view), fmt)


def _export(request: HttpRequest, view: selectors.ResultsView) -> exports.Export:
    survey = view.survey
    tables = [
        exports.Table(
            title=_("Dimensions"),
            columns=[_("Dimension"), _("Mean (1–5)"), _("Answers")],
            rows=[[d.label, d.mean, d.answers] for d in view.dimensions],
            empty=_("Not enough responses to show results."),
        )
    ]
    if view.shown:
        questions = [q for d in view.dimensions for q in d.questions] + view.other
        tables.append(
            exports.Table(
                title=_("Questions"),
                columns=[_("Question"), _("Answer"), _("Count"), _("Share (%)")],
                rows=[
                    [q.text, r.label, r.count, r.percent]
                    for q in questions
                    for r in q.rows
                ]
                + [
                    [q.text, k["keyword"], k["count"], ""]
                    for q in questions
                    for k in q.keywords
                ],
            )
        )
        for title, groups in (
            (_("By department"), view.departments),
            (_("By grade"), view.grades),
        ):
            tables.append(
                exports.Table(
                    title=title,
                    columns=[_("Group"), _("Responses"), *view.dimension_labels],
                    rows=[[g.name, g.responses, *g.means] for g in groups],
                    empty=_("No group is large enough to show."),
                )
            )
    return exports.Export(
        title=survey.title,
        lines=[
            survey.organisation.name,
            _("Responses: %(n)d of %(eligible)d students asked")
            % {"n": view.responses, "eligible": view.eligible},
        ],
        url=exports.page_address(request, reverse("surveys:detail", args=[survey.pk])),
        tables=tables,
        filename=f"survey-{survey.pk}",
    )
