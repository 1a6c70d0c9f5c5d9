"""Students' concerns (RGT-1 · GS-10, CQ-5; RGT-7; CAD-8): the public list and the
public figures of a union (anonymous), my concerns and raising one (signed in); the
relay to delegates and cadres (RGT-6): writing, the contacts received and sent, one
contact and replying in it (signed in, its two parties only).

The same selectors and service as the pages (:mod:`tongxue.voice.selectors`,
:func:`tongxue.voice.services.raise_concern`). Nothing here ever carries who raised a
concern: the public list is public concerns only (not sensitive, not about a cadre)
with their masked text; "mine" lists only the signed-in user's own concerns (an
anonymous one has no author, so it is in nobody's list: it is followed with its code
on the pages).
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import APIKeyHeader, django_auth

from tongxue.core.errors import Refusal, refusal_json, refuse
from tongxue.domain.rights import Figures
from tongxue.organisations.models import Organisation, Person
from tongxue.voice import relay_selectors, relay_services, selectors, services
from tongxue.voice import tokens as voice_tokens
from tongxue.voice.fastpath import raised_json
from tongxue.voice.models import Category, Concern, RelayText, RelayThread, Visibility

router = Router(tags=["voice"])

#: The figures cover the concerns raised in this many months (as the page).
MONTHS = 6
#: The relay's answer for a contact the user is no party to (as the page's 404).
NO_SUCH_MESSAGE = gettext_noop("There is no such message.")


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


class RaiseToken(APIKeyHeader):
    """The raise token (``X-Raise-Token``, :mod:`tongxue.voice.tokens`) instead of
    the session and CSRF token: its signature here, the account in the raise."""

    param_name = voice_tokens.HEADER

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return voice_tokens.student(key) if key else None


@router.post(
    "/concerns",
    auth=[RaiseToken(), django_auth],
    response={201: RaisedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def raise_concern(request: HttpRequest, payload: RaiseIn) -> Any:
    """Raise a concern as the signed-in student (session and CSRF, or the raise
    page's token in ``X-Raise-Token``), with the union of their class or department.
    An anonymous one answers with its follow-up code. JSON raises with a token are
    answered by the fast path (:mod:`tongxue.voice.fastpath`) before they reach this,
    with the same service and the same answers."""
    union = _union(payload.union) if payload.union else None
    if isinstance(request.auth, voice_tokens.TokenStudent):
        raised = services.raise_by_token(
            student=request.auth,
            union=union,
            category=payload.category,
            title=payload.title,
            body=payload.body,
            place=payload.place,
            visibility=payload.visibility,
        )
        return Status(201, raised_json(raised))
    path = None  # the service reads it when the union is named
    if union is None:
        union, path = services.own_union(request.user)
    raised = services.raise_concern(
        actor=request.user,
        union=union,
        category=services.category_by_code(union, payload.category),
        title=payload.title,
        body=payload.body,
        place=payload.place,
        visibility=payload.visibility,
        student_path=path,
    )
    return Status(201, raised_json(raised))


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


# -- the relay to delegates and cadres (RGT-6 · GS-一(三), CQ-一(三)) ------------------
#
# The same selectors and services as the pages (voice.relay_selectors,
# voice.relay_services) and the same visibility: a contact (its messages, who wrote)
# is given to its two parties only — the student who wrote and the delegate or cadre
# written to; anyone else, the union's administrators and the operator included, gets
# 404 as on the pages. Signed in only (session; CSRF on writes).


class RelayMessageOut(Schema):
    """One message of a contact: the student's (``from_recipient`` false) or the
    delegate's or cadre's reply."""

    from_recipient: bool
    text: str
    sent: datetime
    read: datetime | None

    @staticmethod
    def resolve_sent(obj: RelayText) -> datetime:
        return obj.sent_at

    @staticmethod
    def resolve_read(obj: RelayText) -> datetime | None:
        return obj.read_at


class RelaySentOut(Schema):
    """A contact as its sender sees it: to whom, in which capacity, the messages."""

    id: int
    union: str
    union_name: str
    capacity: str
    recipient: str
    recipient_id: int
    opened: datetime
    last: datetime
    unread: int
    url: str
    messages: list[RelayMessageOut]

    @staticmethod
    def resolve_union(obj: RelayThread) -> str:
        return obj.union.code

    @staticmethod
    def resolve_union_name(obj: RelayThread) -> str:
        return obj.union.name

    @staticmethod
    def resolve_recipient(obj: RelayThread) -> str:
        return obj.recipient.name

    @staticmethod
    def resolve_opened(obj: RelayThread) -> datetime:
        return obj.opened_at

    @staticmethod
    def resolve_last(obj: RelayThread) -> datetime:
        return obj.last_at

    @staticmethod
    def resolve_unread(obj: RelayThread) -> int:
        return int(getattr(obj, "unread", 0) or 0)

    @staticmethod
    def resolve_url(obj: RelayThread) -> str:
        return reverse("voice:relay_thread", args=[obj.pk])

    @staticmethod
    def resolve_messages(obj: RelayThread) -> list[RelayText]:
        return list(obj.texts.all())


class RelayReceivedOut(RelaySentOut):
    """A contact as its recipient sees it: with the sender's name (theirs only)."""

    sender: str

    @staticmethod
    def resolve_sender(obj: RelayThread) -> str:
        return relay_selectors.sender_name(obj)


class RelayThreadOut(RelayReceivedOut):
    """One contact for one of its parties: ``side`` is ``recipient`` or ``sender``."""

    side: str

    @staticmethod
    def resolve_side(obj: RelayThread) -> str:
        return str(getattr(obj, "side", ""))


class RelaySendIn(Schema):
    union: str  # the school-level union's code
    person: int  # the delegate's or cadre's id (``/voice/<union>/contact/``)
    text: str


class RelayReplyIn(Schema):
    text: str


RELAY_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def _relay_refused(refusal: Refusal) -> Any:
    """A relay refusal as the pages answer it: 429 past the day's limit, 403 not
    one of the students represented, 404 not a party to the contact, else 400."""
    status = {"throttled": 429, "forbidden": 403, "not-found": 404}.get(
        refusal.code, 400
    )
    return Status(status, refusal_json(refusal))


def _texts() -> Prefetch[Any]:
    return Prefetch("texts", queryset=RelayText.objects.order_by("sent_at", "pk"))


@router.get("/relay/received", response=list[RelayReceivedOut], auth=django_auth)
@paginate(PageNumberPagination, page_size=50)
def relay_received(request: HttpRequest) -> Any:
    """The contacts written to me as a delegate or cadre, newest first, with who
    wrote and every message (signed in; three queries a page)."""
    return relay_selectors.inbox_qs(request.user).prefetch_related(_texts())


@router.get("/relay/sent", response=list[RelaySentOut], auth=django_auth)
@paginate(PageNumberPagination, page_size=50)
def relay_sent(request: HttpRequest) -> Any:
    """The contacts I opened with my delegates and cadres, newest first, with every
    message and their replies (signed in)."""
    return relay_selectors.sent_qs(request.user).prefetch_related(_texts())


@router.get(
    "/relay/{int:thread}",
    response={200: RelayThreadOut, 404: ErrorOut},
    auth=django_auth,
)
def relay_thread(request: HttpRequest, thread: int) -> Any:
    """One contact, for its sender and its recipient only (404 for anyone else); as
    its page, reading it marks the other party's messages read."""
    found = relay_selectors.thread_for(request.user, thread)
    if found is None:
        return Status(404, refusal_json(refuse("not-found", NO_SUCH_MESSAGE)))
    contact, side = found
    relay_services.mark_read(thread=contact, side=side)
    contact.side = side  # type: ignore[attr-defined]
    contact.unread = 0  # type: ignore[attr-defined]
    return contact


@router.post("/relay", response={201: RelaySentOut, **RELAY_ERRORS}, auth=django_auth)
def relay_send(request: HttpRequest, payload: RelaySendIn) -> Any:
    """Write to a delegate or cadre of the union who represents me (RGT-6): the same
    rules as the page (``relay_services.send``): a student they represent, an
    active account at the other end, at most the day's messages (429 past it)."""
    union = _union(payload.union)
    person = get_object_or_404(
        Person.objects.only("pk", "name", "ident"), pk=payload.person
    )
    try:
        sent = relay_services.send(
            actor=request.user, union=union, person=person, text=payload.text
        )
    except Refusal as refusal:
        return _relay_refused(refusal)
    return Status(
        201,
        relay_selectors.sent_qs(request.user)
        .prefetch_related(_texts())
        .get(pk=sent.thread.pk),
    )


@router.post(
    "/relay/{int:thread}/messages",
    response={201: RelayMessageOut, **RELAY_ERRORS},
    auth=django_auth,
)
def relay_reply(request: HttpRequest, thread: int, payload: RelayReplyIn) -> Any:
    """Write in a contact: the recipient replies (not counted), the student writes
    again (counted in the day's limit); 404 for anyone else."""
    found = relay_selectors.thread_for(request.user, thread)
    if found is None:
        return Status(404, refusal_json(refuse("not-found", NO_SUCH_MESSAGE)))
    try:
        message = relay_services.reply(
            actor=request.user, thread=found[0], text=payload.text
        )
    except Refusal as refusal:
        return _relay_refused(refusal)
    return Status(201, message)
