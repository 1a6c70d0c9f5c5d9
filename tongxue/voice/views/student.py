"""The student's pages: start, raise (with similar concerns), confirmation, 我也遇到, track."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxue.accounts.selectors import organisations_with
from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.models import Organisation, Person, Position
from tongxue.voice import access, selectors, services, throttle, tokens
from tongxue.voice import forms as f
from tongxue.voice.models import Visibility
from tongxue.voice.views.handling import may_record
from tongxue.voice.views.shared import (
    concern_by_code,
    concern_or_404,
    login_or_404,
    no_store,
    refusal_text,
    signed_in,
    throttled,
)

#: How many of the student's own concerns the start page lists (newest first).
MINE_SHOWN = 20
#: Fewer characters than this typed: no suggestion is looked for.
SIMILAR_MIN_CHARS = 2


def _union(request: HttpRequest) -> Organisation | None:
    return selectors.school_union_of(request.user) if signed_in(request) else None


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """The start: raise, my concerns, the public list; the queue for handlers."""
    union = _union(request)
    mine = (
        list(selectors.my_concerns(request.user)[:MINE_SHOWN])
        if signed_in(request)
        else []
    )
    v = access.viewer(request.user)
    handles = bool(
        v.superuser
        or v.handle_paths
        or v.advisor_paths
        or v.named_sensitive
        or v.named_cadres
    )
    # The unions whose categories and handlers the user sets (Perm.MANAGE there).
    manages = [
        o
        for o in organisations_with(request.user, Perm.MANAGE)
        if o.kind in selectors.SCHOOL_LEVEL
    ]
    # The unions whose reports to the school the user prepares (HANDLE or MANAGE there).
    reports = {o.pk: o for o in manages}
    for o in organisations_with(request.user, Perm.HANDLE):
        if o.kind in selectors.SCHOOL_LEVEL:
            reports.setdefault(o.pk, o)
    return render(
        request,
        "voice/start.html",
        {
            "union": union,
            "mine": mine,
            "handles": handles,
            "records": may_record(request.user, v),
            "manages": manages,
            "reports": list(reports.values()),
            "track_form": f.TrackForm(),
        },
    )


#: At most this many cadres offered for a concern about a cadre.
CADRES_SHOWN = 200


def _cadres(union: Organisation, user: Any) -> list[tuple[int, str]]:
    """The cadres a student may raise a concern about: those serving in the union and
    in the student's own department and class, the student left out (two queries)."""
    today = timezone.localdate()
    row = (
        Person.objects.filter(user_id=user.pk)
        .values_list("department__path", "class_unit__path")
        .first()
    )
    q = Q(organisation__path__startswith=union.path)
    for path in row or ():
        if path:
            q |= Q(organisation__path__startswith=path)
    positions = (
        Position.objects.filter(q, start__lte=today)
        .exclude(end__lt=today)
        .exclude(person__user_id=user.pk)
        .select_related("person", "organisation")
        .order_by("organisation__path", "role", "person__name")[:CADRES_SHOWN]
    )
    shown: dict[int, str] = {}
    for p in positions:
        shown.setdefault(
            p.person_id, f"{p.person.name} · {p.title} · {p.organisation.name}"
        )
    return list(shown.items())


@require_http_methods(["GET", "POST"])
def raise_concern(request: HttpRequest) -> HttpResponse:
    """Raise a concern, phone first: the home's item opens this page (tap 1), a
    category chip (tap 2), then send (tap 3) after writing."""
    if not signed_in(request):
        return redirect_to_login(request.get_full_path())
    union = _union(request)
    if union is None:
        return render(request, "voice/raise.html", {"union": None, "form": None})
    categories = selectors.categories(union)
    listed = list(categories)
    cadres = _cadres(union, request.user) if any(c.about_cadre for c in listed) else []
    initial = {}
    if request.GET.get("category"):
        initial["category"] = request.GET["category"]
    form = f.RaiseForm(
        request.POST or None,
        request.FILES or None,
        categories=categories,
        cadres=cadres,
        initial=initial,
    )
    # Similar concerns while typing (htmx; the CSP allows no inline script).
    for name in ("title", "body"):
        form.fields[name].widget.attrs.update(
            {
                "hx-get": reverse("voice:similar"),
                "hx-trigger": "keyup changed delay:500ms",
                "hx-target": "#similar",
                "hx-include": "#id_title, #id_body, #raise-union",
            }
        )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                raised = services.raise_concern(
                    actor=request.user,
                    union=union,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    visibility=data["visibility"],
                    place=data["place"],
                    photos=tuple(data["photos"]),
                    about_person=Person.objects.filter(pk=data["about_person"]).first()
                    if data["about_person"]
                    else None,
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                concern = raised.concern
                if raised.tracking_code:
                    # Shown once, in this answer only: the code is stored nowhere but
                    # as its hash, so it is never linked to this account.
                    return no_store(
                        render(
                            request,
                            "voice/raised.html",
                            {"concern": concern, "code": raised.tracking_code},
                        )
                    )
                return redirect("voice:raised", concern.union.code, concern.number)
        status = 400
    return render(
        request,
        "voice/raise.html",
        {
            "union": union,
            "form": form,
            "categories": listed,
            "has_cadre_category": bool(cadres) or any(c.about_cadre for c in listed),
            "visibility_options": [
                (radio, f.VISIBILITY_HELP.get(radio.data["value"], ""))
                for radio in form["visibility"]
            ],
            "anonymous": Visibility.ANONYMOUS.value,
            "max_photos": f.MAX_PHOTOS,
            # for a JSON raise without the session (X-Raise-Token, the fast path)
            "raise_token": tokens.issue(request.user),
        },
        status=status,
    )


@require_GET
def raised(request: HttpRequest, union_code: str, number: int) -> HttpResponse:
    """After raising: the reference, what happens next (the author only)."""
    concern = concern_or_404(union_code, number)
    if not (
        signed_in(request)
        and concern.author_id == request.user.pk
        and access.can_view(request.user, concern)
    ):
        return login_or_404(request)
    return render(request, "voice/raised.html", {"concern": concern, "code": ""})


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Similar open public concerns for the text typed so far (an htmx fragment)."""
    form = f.SimilarForm(request.GET)
    items: list[Any] = []
    union = None
    if form.is_valid():
        text = form.typed()
        union = Organisation.objects.filter(code=form.cleaned_data["union"]).first()
        if union is not None and len(text.strip()) >= SIMILAR_MIN_CHARS:
            items = list(selectors.similar_concerns(union, text, limit=5))
    user = request.user
    return render(
        request,
        "voice/partials/_similar.html",
        {
            "items": items,
            "own": {
                c.pk for c in items if signed_in(request) and c.author_id == user.pk
            },
        },
    )


@require_POST
def support(request: HttpRequest, union_code: str, number: int) -> HttpResponse:
    """我也遇到: the signed-in student has the same problem (or takes it back)."""
    concern = concern_or_404(union_code, number)
    if not signed_in(request) or not access.can_view(request.user, concern):
        return login_or_404(request)
    withdraw = request.POST.get("withdraw") == "1"
    error = ""
    try:
        if withdraw:
            services.withdraw_support(actor=request.user, concern=concern)
            done = gettext("You took back your “me too”.")
        else:
            added = services.support(actor=request.user, concern=concern)
            done = (
                gettext("Added: you are affected too.")
                if added
                else gettext("You had already said you are affected too.")
            )
    except Refusal as refusal:
        error = refusal_text(refusal)
    if request.htmx:
        return render(
            request,
            "voice/partials/_supported.html",
            {"concern": concern, "error": error, "done": "" if error else done},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect("voice:detail", concern.union.code, concern.number)


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Follow an anonymous concern with its code: posted, never in the address."""
    form = f.TrackForm(request.POST or None)
    if request.method == "POST" and (wait := throttle.retry_after(request)):
        return throttled(request, wait)
    if request.method == "POST" and form.is_valid():
        concern = concern_by_code(form.cleaned_data["code"])
        if concern is not None:
            from tongxue.voice.views.detail import holder_context

            return no_store(
                render(
                    request,
                    "voice/track.html",
                    holder_context(request, concern, form.cleaned_data["code"]),
                )
            )
        throttle.wrong_code(request)
        form.add_error("code", gettext("No concern has this follow-up code."))
    status = 400 if request.method == "POST" else 200
    return no_store(
        render(
            request, "voice/track.html", {"form": form, "concern": None}, status=status
        )
    )


def photo(request: HttpRequest, union_code: str, number: int, pk: int) -> HttpResponse:
    """A concern's photo, to whoever may see the concern."""
    concern = concern_or_404(union_code, number)
    if not access.can_view(request.user, concern):
        return login_or_404(request)
    item = concern.photos.filter(pk=pk).only("image", "content_type").first()
    if item is None:
        raise Http404("photo")
    response = HttpResponse(bytes(item.image), content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
