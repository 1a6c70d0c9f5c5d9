"""Students' concerns (RGT-1 · GS-10, CQ-5; RGT-7; CAD-8): the public list and the
public figures of a union (anonymous), my concerns and raising one (signed in).

The same selectors and service as the pages (:mod:`tongxue.voice.selectors`,
:func:`tongxue.voice.services.raise_concern`). Nothing here ever carries who raised a
concern: the public list is public concerns only (not sensitive, not about a cadre)
with their masked text; "mine" lists only the signed-in user's own concerns (an
anonymous one has no author, so it is in nobody's list: it is followed with its code
on the pages).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from tongxue.core.errors import refuse
from tongxue.domain.rights import Figures
from tongxue.organisations.models import Organisation
from tongxue.voice import selectors, services
from tongxue.voice.models import Category, Concern, Visibility

router = Router(tags=["voice"])

#: The figures cover the concerns raised in this many months (as the page).
MONTHS = 6


class ErrorOut(Schema):
    code: str
    message: str
    params: dict[str, Any]
    field: str | None = None


def _day(value: Any) -> date | None:
    return timezone.localdate(value) if value else None


class PublicConcernOut(Schema):
    """A public concern as everyone sees it: masked text, never who raised it."""

    reference: str
    union: str
    number: int
    title: str
    body: str
    category: str
    category_name: str
    place: str
    status: str
    status_label: str
    handler: str
    handler_name: str
    supporters: int
    raised: date
    acknowledge_due: date
    answer_due: date
    acknowledged: date | None
    answered: date | None
    closed: date | None
    url: str

    @staticmethod
    def resolve_union(obj: Concern) -> str:
        return obj.union.code

    @staticmethod
    def resolve_title(obj: Concern) -> str:
        return obj.public_title

    @staticmethod
    def resolve_body(obj: Concern) -> str:
        return obj.public_body

    @staticmethod
    def resolve_category(obj: Concern) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj: Concern) -> str:
        return obj.category.name

    @staticmethod
    def resolve_status_label(obj: Concern) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_handler(obj: Concern) -> str:
        return obj.handler.code

    @staticmethod
    def resolve_handler_name(obj: Concern) -> str:
        return obj.handler.name

    @staticmethod
    def resolve_raised(obj: Concern) -> date | None:
        return _day(obj.raised_at)

    @staticmethod
    def resolve_acknowledged(obj: Concern) -> date | None:
        return _day(obj.acknowledged_at)

    @staticmethod
    def resolve_answered(obj: Concern) -> date | None:
        return _day(obj.answered_at)

    @staticmethod
    def resolve_closed(obj: Concern) -> date | None:
        return _day(obj.closed_at)

    @staticmethod
    def resolve_url(obj: Concern) -> str:
        return reverse("voice:detail", args=[obj.union.code, obj.number])


class MyConcernOut(PublicConcernOut):
    """One of my own concerns: my text as written, who may see it, my rating."""

    visibility: str
    sensitive: bool
    rating: str
    rating_due: date | None

    @staticmethod
    def resolve_title(obj: Concern) -> str:
        return obj.title

    @staticmethod
    def resolve_body(obj: Concern) -> str:
        return obj.body


class RaiseIn(Schema):
    category: str  # the category's code
    title: str
    body: str
    place: str = ""
    visibility: str = Visibility.PRIVATE.value  # public, private or anonymous
    union: str | None = None  # the union's code; default: the student's own


class RaisedOut(Schema):
    reference: str
    union: str
    number: int
    visibility: str
    url: str
    #: The follow-up code of an anonymous concern, given once: keep it.
    tracking_code: str | None


class RatesOut(Schema):
    received: int
    responded_in_time: int
    response_base: int
    response_rate: float | None
    answered_in_time: int
    answer_base: int
    on_time_rate: float | None
    solved: int
    closed: int
    solved_rate: float | None
    satisfied: int
    rated: int
    satisfaction_rate: float | None


class UnitFiguresOut(RatesOut):
    code: str
    name: str
    kind: str


class MonthFiguresOut(RatesOut):
    month: str  # YYYY-MM


class FiguresOut(Schema):
    union: str
    since: date
    today: date
    units: list[UnitFiguresOut]
    months: list[MonthFiguresOut]


def _rate(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _rates(f: Figures) -> dict[str, Any]:
    return {
        "received": f.received,
        "responded_in_time": f.responded_in_time,
        "response_base": f.response_base,
        "response_rate": _rate(f.response_rate),
        "answered_in_time": f.answered_in_time,
        "answer_base": f.answer_base,
        "on_time_rate": _rate(f.on_time_rate),
        "solved": f.solved,
        "closed": f.closed,
        "solved_rate": _rate(f.solved_rate),
        "satisfied": f.satisfied,
        "rated": f.rated,
        "satisfaction_rate": _rate(f.satisfaction_rate),
    }


def _union(code: str) -> Organisation:
    return get_object_or_404(Organisation, code=code, kind__in=selectors.SCHOOL_LEVEL)


def _public_category(union: Organisation, code: str | None) -> Category | int | None:
    if not code:
        return None
    for c in selectors.categories(union, active_only=False):
        if c.code == code and not c.sensitive and not c.about_cadre:
            return c
    return -1  # an unknown code selects nothing


@router.get("/mine", response=list[MyConcernOut], auth=django_auth)
@paginate(PageNumberPagination, page_size=50)
def mine(request: HttpRequest) -> Any:
    """My concerns (signed in), newest first. Anonymous ones are in nobody's list."""
    return selectors.my_concerns(request.user)


@router.post(
    "/concerns",
    auth=django_auth,
    response={201: RaisedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def raise_concern(request: HttpRequest, payload: RaiseIn) -> Any:
    """Raise a concern as the signed-in student (session and CSRF), with the union of
    their class or department. An anonymous one answers with its follow-up code."""
    path = None  # the service reads it when the union is named
    if payload.union:
        union = _union(payload.union)
    else:
        found, path = selectors.student_place(request.user)
        if found is None:
            raise refuse(
                "no-union",
                gettext_noop(
                    "Your account is not linked to a class or department of a school."
                ),
            )
        union = found
    category = (
        selectors.categories(union, active_only=True)
        .filter(code=payload.category)
        .first()
    )
    if category is None:
        raise refuse(
            "invalid",
            gettext_noop("Choose one of the union's categories."),
            field="category",
        )
    raised = services.raise_concern(
        actor=request.user,
        union=union,
        category=category,
        title=payload.title,
        body=payload.body,
        place=payload.place,
        visibility=payload.visibility,
        student_path=path,
    )
    c = raised.concern
    return Status(
        201,
        {
            "reference": c.reference,
            "union": union.code,
            "number": c.number,
            "visibility": c.visibility,
            "url": reverse("voice:detail", args=[union.code, c.number]),
            "tracking_code": raised.tracking_code,
        },
    )


@router.get("/{union}/concerns", response=list[PublicConcernOut])
@paginate(PageNumberPagination, page_size=50)
def public_concerns(
    request: HttpRequest,
    union: str,
    status: str | None = None,
    category: str | None = None,
    q: str | None = None,
) -> Any:
    """The union's public concerns, newest first (anyone): masked text, no identity;
    never a private, anonymous or sensitive one, nor one about a cadre."""
    org = _union(union)
    return selectors.public_concerns(
        org,
        status=status or None,
        category=_public_category(org, category),
        q=(q or "")[:100] or None,
    )


@router.get("/{union}/figures", response=FiguresOut)
def figures(request: HttpRequest, union: str) -> Any:
    """响应率, 按时办结率, 解决率, 满意率 of the union and of each school office, and the
    union's by month raised, over the last six months (anyone; rates 0–1, null while
    nothing is to judge)."""
    org = _union(union)
    today = timezone.localdate()
    overview = selectors.figures_overview(org, today=today, months=MONTHS)
    units, months = overview.units, overview.months
    return {
        "union": org.code,
        "since": months[0][0] if months else today.replace(day=1),
        "today": today,
        "units": [
            {"code": o.code, "name": o.name, "kind": o.kind, **_rates(f)}
            for o, f in units
        ],
        "months": [{"month": f"{m:%Y-%m}", **_rates(f)} for m, f in months],
    }
