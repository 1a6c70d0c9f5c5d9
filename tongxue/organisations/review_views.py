"""Pages of the school union's department reviews (TRN-3 · GS-7, CQ-2).

* ``/org/<code>/reviews/?year=`` — the reviews of a calendar year and, beside them,
  each department union with what its review of that year still lacks (the audit's own
  reading, ``tongxue.domain.reviews``). For the union's cadres, advisors and
  administrators (``Perm.VIEW_PRIVATE``): it shows assessments not yet published.
* ``/org/<code>/reviews/new/``, ``…/<pk>/edit/``, ``…/<pk>/publish/`` — record, change
  and publish a review (``Perm.MANAGE``; :mod:`tongxue.organisations.review_services`
  decides and refuses).
* ``/org/<code>/assessments/`` — public: the published assessments (the department
  union, the day, the rating, the assessment and when it was published; not the
  opinions, nor who recorded them).

The views only parse input and map a service's refusal to its form field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations import review_services, selectors
from tongxue.organisations.forms import PublishReviewForm, ReviewForm
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, OrgKind, Review

#: The earliest year the pages offer (older years are still reachable by ?year=).
FIRST_YEAR = 2000


def _union_or_404(code: str) -> Organisation:
    org = get_or_404(code)
    if org.kind != OrgKind.SCHOOL_UNION:
        raise Http404(code)
    return org


def _allowed(
    request: HttpRequest, code: str, perm: Perm
) -> tuple[Organisation, set[Perm]]:
    union = _union_or_404(code)
    perms = perms_at(request.user, union.path)
    if perm not in perms:
        raise PermissionDenied
    return union, perms


def _year(request: HttpRequest) -> int:
    """The year asked for (``?year=``), else the current one; never a future year."""
    current = timezone.localdate().year
    try:
        year = int(request.GET.get("year", current))
    except (TypeError, ValueError):
        return current
    return year if FIRST_YEAR <= year <= current else current


def _review_or_404(union: Organisation, pk: int) -> Review:
    review = (
        Review.objects.select_related("reviewed", "reviewer")
        .filter(reviewer=union, pk=pk)
        .first()
    )
    if review is None:
        raise Http404(pk)
    return review


def _list_url(union: Organisation, year: int) -> str:
    return f"{reverse('organisations:reviews', args=[union.code])}?year={year}"


def reviews(request: HttpRequest, code: str) -> HttpResponse:
    """The reviews of a year and the department unions still to review (TRN-3)."""
    union, perms = _allowed(request, code, Perm.VIEW_PRIVATE)
    today = timezone.localdate()
    year = _year(request)
    status = selectors.review_status(union, year=year, as_of=today)
    years = sorted(set(selectors.review_years(union)) | {today.year}, reverse=True)
    context: dict[str, Any] = {
        "org": union,
        "year": year,
        "current_year": today.year,
        "years": years,
        "status": status,
        "pending": [s for s in status if not s.complete],
        "complete": sum(1 for s in status if s.complete),
        "page": paginate(request, selectors.reviews_in_year(union, year)),
        "page_url": page_url(year=str(year)),
        "can_manage": Perm.MANAGE in perms,
    }
    return render(request, "organisations/reviews.html", context)


def _form_page(
    request: HttpRequest,
    union: Organisation,
    form: ReviewForm,
    *,
    review: Review | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"org": union, "form": form, "review": review}
    return render(request, "organisations/review_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def record_review(request: HttpRequest, code: str) -> HttpResponse:
    """Record a review of one of the union's department unions."""
    union, _perms = _allowed(request, code, Perm.MANAGE)
    departments = selectors.reviewed_departments_of(union)
    if request.method == "GET":
        initial: dict[str, Any] = {"held": timezone.localdate()}
        wanted = request.GET.get("department", "")
        if any(d.code == wanted for d in departments):
            initial["reviewed"] = wanted
        return _form_page(
            request, union, ReviewForm(initial=initial, departments=departments)
        )
    form = ReviewForm(request.POST, departments=departments)
    if form.is_valid():
        reviewed = next(
            d for d in departments if d.code == form.cleaned_data["reviewed"]
        )
        try:
            review = review_services.record_review(
                actor=request.user,
                union=union,
                reviewed=reviewed,
                **form.service_fields(),
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("The review of %(department)s was recorded.")
                % {"department": reviewed.name},
            )
            return redirect(_list_url(union, review.held.year))
    return _form_page(request, union, form, status=400)


@require_http_methods(["GET", "POST"])
def edit_review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Change a review whose assessment is not yet published (and publish it)."""
    union, _perms = _allowed(request, code, Perm.MANAGE)
    review = _review_or_404(union, pk)
    if request.method == "GET":
        form = ReviewForm(
            initial={
                "held": review.held,
                "report_heard": review.report_heard,
                "opinions_heard": bool(review.opinions_heard),
                "opinions": review.opinions,
                "assessment": review.assessment,
                "rating": review.rating,
            }
        )
        return _form_page(request, union, form, review=review)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review_services.update_review(
                actor=request.user, review=review, **form.service_fields()
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(_list_url(union, review.held.year))
    return _form_page(request, union, form, review=review, status=400)


@require_http_methods(["GET", "POST"])
def publish_review(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Ask to confirm, then publish a review's assessment."""
    union, _perms = _allowed(request, code, Perm.MANAGE)
    review = _review_or_404(union, pk)
    form = PublishReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                review_services.publish_review(actor=request.user, review=review)
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(
                    request,
                    _("The assessment of %(department)s was published.")
                    % {"department": review.reviewed.name},
                )
                return redirect(_list_url(union, review.held.year))
        status = 400
    context = {"org": union, "review": review, "form": form}
    return render(request, "organisations/review_publish.html", context, status=status)


def assessments(request: HttpRequest, code: str) -> HttpResponse:
    """The union's published assessments of its department unions (public)."""
    union = _union_or_404(code)
    context = {
        "org": union,
        "page": paginate(request, selectors.published_assessments(union)),
        "page_url": page_url(),
        "can_follow": Perm.VIEW_PRIVATE in perms_at(request.user, union.path),
    }
    return render(request, "organisations/assessments.html", context)
