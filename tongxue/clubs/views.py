"""The club pages (ORG-14): the union's public clubs page (approved activities to come,
held ones), the register of clubs, a club's page, an activity's page with its review,
and the managers' page (the register, activities by state, the review queue).

Who sees what: everyone the public pages (approved and held activities, active clubs,
never a student number or a review's reasons); the union's administrators, cadres and
League advisors (``READERS``) every activity with its reviews; the club's responsible
student their club's activities and reviews.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongxue.clubs import selectors, services
from tongxue.clubs.forms import (
    ActivityForm,
    CancelForm,
    ClubEditForm,
    ClubForm,
    DecisionForm,
    HeldForm,
)
from tongxue.clubs.models import Activity, ActivityStatus, Club
from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.domain import clubs as dc
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation

PAGE_SIZE = 20
CLUBS_SHOWN = 100
REGISTRY_SHOWN = 500
ACTIONS = ("submit", "decide", "held", "cancel")
ACTIVITY_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "organiser",
    "expected_participants",
    "content",
    "speakers",
    "sponsors",
)


class Access:
    """What the user may do at a union's clubs (one query for their roles)."""

    def __init__(self, request: HttpRequest, union: Organisation) -> None:
        self.user = request.user
        perms = perms_at(request.user, union.path)
        self.reader = bool(perms & set(services.READERS))
        self.manager = Perm.MANAGE in perms
        self.decider = Perm.GUIDE in perms

    def responsible_for(self, club: Club) -> bool:
        """The club's responsible student (their account linked)."""
        person = club.responsible
        return (
            person is not None
            and person.user_id is not None
            and person.user_id == getattr(self.user, "pk", None)
        )

    def sees(self, activity: Activity) -> bool:
        return activity.is_public or self.reader or self.responsible_for(activity.club)


def _union_or_404(code: str) -> Organisation:
    org = get_or_404(code)
    if org.kind not in services.UNION_KINDS:
        raise Http404(code)
    return org


def _login_or_403(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def organisation_context(org: Organisation, perms: set[Perm]) -> dict[str, Any]:
    """The link of a union's page to its clubs (registered on
    :data:`tongxue.organisations.views.DETAIL_CONTEXT`; no query)."""
    if org.kind not in services.UNION_KINDS:
        return {}
    return {"clubs_url": reverse("clubs:public", args=[org.code])}


def _registry_choices(union: Organisation) -> list[Organisation]:
    """The registry's clubs the union's register may link to (the first
    :data:`REGISTRY_SHOWN`, by name)."""
    return list(selectors.registry_clubs(union)[:REGISTRY_SHOWN])


def _person_name(user: Any) -> str:
    if user is None:
        return ""
    try:
        return str(user.person.name)
    except ObjectDoesNotExist:
        return str(user.get_username())


def _refused(request: HttpRequest, refusal: Refusal, form: Any = None) -> None:
    if form is not None:
        add_refusal(form, refusal)
    else:
        messages.error(request, render_message(refusal.message))


# ----------------------------------------------------------------------------- public


def public(request: HttpRequest, code: str) -> HttpResponse:
    """The union's clubs page: approved activities to come and held ones (public)."""
    union = _union_or_404(code)
    access = Access(request, union)
    page = paginate(request, selectors.held(union), PAGE_SIZE)
    return render(
        request,
        "clubs/public.html",
        {
            "union": union,
            "access": access,
            "upcoming": selectors.upcoming(union, timezone.now()),
            "page": page,
            "page_url": page_url(),
            "limit": selectors.UPCOMING_LIMIT,
        },
    )


def register(request: HttpRequest, code: str) -> HttpResponse:
    """The register of the union's active clubs (public), by name."""
    union = _union_or_404(code)
    page = paginate(request, selectors.clubs_of(union), PAGE_SIZE * 2)
    return render(
        request,
        "clubs/register.html",
        {"union": union, "page": page, "page_url": page_url()},
    )


def club(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A club's page: what it is, who guides it, its activities (public)."""
    union = _union_or_404(code)
    item = selectors.club_of(union, pk)
    if item is None:
        raise Http404("club")
    access = Access(request, union)
    return _club_page(request, union, item, access)


def _club_page(
    request: HttpRequest,
    union: Organisation,
    item: Club,
    access: Access,
    *,
    form: ClubEditForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None and access.manager:
        form = ClubEditForm(
            prefix="club",
            organisations=_registry_choices(union),
            initial={
                "name": item.name,
                "category": item.category,
                "description": item.description,
                "guiding_unit": item.guiding_unit,
                "advisor": item.advisor,
                "status": item.status,
                "responsible": item.responsible.student_number
                if item.responsible
                else "",
                "organisation": item.organisation.code if item.organisation else "",
            },
        )
    page = paginate(request, selectors.held(union, item), PAGE_SIZE)
    return render(
        request,
        "clubs/club.html",
        {
            "union": union,
            "club": item,
            "access": access,
            "upcoming": selectors.upcoming(union, timezone.now(), item),
            "page": page,
            "page_url": page_url(),
            "form": form,
        },
        status=status,
    )


@require_POST
def club_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.manager:
        return _login_or_403(request)
    item = selectors.club_of(union, pk)
    if item is None:
        raise Http404("club")
    form = ClubEditForm(
        request.POST, prefix="club", organisations=_registry_choices(union)
    )
    if form.is_valid():
        try:
            services.update_club(actor=request.user, club=item, **form.cleaned_data)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The club's entry was saved."))
            return redirect("clubs:club", union.code, item.pk)
    return _club_page(request, union, item, access, form=form, status=400)


# ----------------------------------------------------------------------------- manage


def _manage_page(
    request: HttpRequest,
    union: Organisation,
    access: Access,
    *,
    club_form: ClubForm | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = request.GET.get("status", "")
    if shown not in ActivityStatus.values:
        shown = ""
    counts = selectors.status_counts(union)
    page = paginate(request, selectors.activities(union, shown), PAGE_SIZE)
    # the whole register, suspended and dissolved clubs too (the first hundred)
    clubs = list(selectors.clubs_of(union, everyone=True)[:CLUBS_SHOWN])
    return render(
        request,
        "clubs/manage.html",
        {
            "union": union,
            "access": access,
            "shown": shown,
            "tabs": [
                (s, ActivityStatus(s).label, counts[s]) for s in ActivityStatus.values
            ],
            "total": sum(counts.values()),
            "page": page,
            "page_url": page_url(status=shown),
            "clubs": clubs,
            "clubs_shown": CLUBS_SHOWN,
            "club_form": club_form
            if club_form is not None
            else (
                ClubForm(prefix="club", organisations=_registry_choices(union))
                if access.manager
                else None
            ),
        },
        status=status,
    )


def manage(request: HttpRequest, code: str) -> HttpResponse:
    """The register and every activity by state, for the union's officers and the
    League advisors; POST registers a club (administrators)."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.reader:
        return _login_or_403(request)
    if request.method != "POST":
        return _manage_page(request, union, access)
    if not access.manager:
        raise PermissionDenied
    form = ClubForm(request.POST, prefix="club", organisations=_registry_choices(union))
    if form.is_valid():
        try:
            item = services.register_club(
                actor=request.user, union=union, **form.cleaned_data
            )
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The club is on the register."))
            return redirect("clubs:club", union.code, item.pk)
    return _manage_page(request, union, access, club_form=form, status=400)


def _activity_form(union: Organisation, *args: Any, **kw: Any) -> ActivityForm:
    clubs = [c for c in selectors.clubs_of(union) if dc.may_submit(c.status)]
    return ActivityForm(*args, clubs=clubs, prefix="activity", **kw)


def new_activity(request: HttpRequest, code: str) -> HttpResponse:
    """Register a club's activity (a draft), for the union's administrators."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.manager:
        return _login_or_403(request)
    initial = {}
    if request.GET.get("club", "").isdigit():
        initial["club"] = int(request.GET["club"])
    form = _activity_form(union, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        item = selectors.club_of(union, data.pop("club"))
        if item is None:
            raise Http404("club")
        try:
            activity = services.create_activity(actor=request.user, club=item, **data)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("The activity was saved as a draft: submit it for the review."),
            )
            return redirect("clubs:activity", union.code, activity.pk)
    return render(
        request,
        "clubs/activity_form.html",
        {"union": union, "form": form, "activity": None},
        status=400 if request.method == "POST" else 200,
    )


# ----------------------------------------------------------------------------- activity


def _activity_or_404(union: Organisation, pk: int) -> Activity:
    item = selectors.activity_of(union, pk)
    if item is None:
        raise Http404("activity")
    return item


def _activity_page(
    request: HttpRequest,
    union: Organisation,
    item: Activity,
    access: Access,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    state = item.status
    private = access.reader or access.responsible_for(item.club)
    forms = dict(forms or {})
    lifecycle = dc.ACTIVITY
    can = {
        "edit": access.manager and state in dc.EDITABLE,
        "submit": access.manager and lifecycle.can(state, ActivityStatus.SUBMITTED),
        "decide": access.decider and state == ActivityStatus.SUBMITTED,
        "held": access.manager
        and state == ActivityStatus.APPROVED
        and item.starts_at <= timezone.now(),
        "cancel": access.manager and lifecycle.can(state, ActivityStatus.CANCELLED),
    }
    if can["decide"]:
        forms.setdefault("decide", DecisionForm(prefix="decide"))
    if can["held"]:
        forms.setdefault("held", HeldForm(prefix="held"))
    if can["cancel"]:
        forms.setdefault("cancel", CancelForm(prefix="cancel"))
    reviews = []
    if private:
        reviews = [
            {
                "review": r,
                "label": ActivityStatus(r.decision).label,
                "by": _person_name(r.decided_by),
            }
            for r in selectors.reviews_of(item)
        ]
    return render(
        request,
        "clubs/activity.html",
        {
            "union": union,
            "activity": item,
            "access": access,
            "private": private,
            "reviews": reviews,
            "can": can,
            "forms": forms,
            "has_photo": selectors.has_photo(item)
            if state == ActivityStatus.HELD
            else False,
            "status_label": ActivityStatus(state).label,
        },
        status=status,
    )


def activity(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An activity: public once approved; before, its union's officers, the League
    advisors and the club's responsible student see it with its reviews."""
    union = _union_or_404(code)
    item = _activity_or_404(union, pk)
    access = Access(request, union)
    if not access.sees(item):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("activity")
    return _activity_page(request, union, item, access)


def activity_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Change a draft or a returned activity (the union's administrators)."""
    union = _union_or_404(code)
    access = Access(request, union)
    if not access.manager:
        return _login_or_403(request)
    item = _activity_or_404(union, pk)
    if item.status not in dc.EDITABLE:
        messages.error(request, _("Only a draft or a returned activity is changed."))
        return redirect("clubs:activity", union.code, item.pk)
    initial = {f: getattr(item, f) for f in ACTIVITY_FIELDS}
    initial["club"] = item.club_id
    for f in ("starts_at", "ends_at"):
        if initial[f] is not None:
            initial[f] = timezone.localtime(initial[f])
    form = _activity_form(union, request.POST or None, initial=initial)
    form.fields["club"].disabled = True
    form.fields["club"].choices = [(item.club_id, item.club.name)]
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ACTIVITY_FIELDS}
        try:
            services.update_activity(actor=request.user, activity=item, **data)
        except Refusal as refusal:
            add_refusal(form, refusal)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect("clubs:activity", union.code, item.pk)
    return render(
        request,
        "clubs/activity_form.html",
        {"union": union, "form": form, "activity": item},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def activity_action(
    request: HttpRequest, code: str, pk: int, action: str
) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404(action)
    union = _union_or_404(code)
    access = Access(request, union)
    allowed = access.decider if action == "decide" else access.manager
    if not allowed:
        return _login_or_403(request)
    item = _activity_or_404(union, pk)
    form: Any = None
    try:
        if action == "submit":
            services.submit(actor=request.user, activity=item)
            messages.success(
                request, _("The activity was submitted to the League advisor.")
            )
        elif action == "decide":
            form = DecisionForm(request.POST, prefix="decide")
            if not form.is_valid():
                return _activity_page(
                    request, union, item, access, forms={"decide": form}, status=400
                )
            services.decide(actor=request.user, activity=item, **form.cleaned_data)
            messages.success(request, _("Your decision was recorded."))
        elif action == "held":
            form = HeldForm(request.POST, request.FILES, prefix="held")
            if not form.is_valid():
                return _activity_page(
                    request, union, item, access, forms={"held": form}, status=400
                )
            services.record_held(actor=request.user, activity=item, **form.cleaned_data)
            messages.success(request, _("The activity is recorded as held."))
        else:
            form = CancelForm(request.POST, prefix="cancel")
            if not form.is_valid():
                return _activity_page(
                    request, union, item, access, forms={"cancel": form}, status=400
                )
            services.cancel(
                actor=request.user, activity=item, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The activity was cancelled."))
    except Refusal as refusal:
        if form is not None:
            add_refusal(form, refusal)
            item = _activity_or_404(union, pk)
            return _activity_page(
                request, union, item, access, forms={action: form}, status=400
            )
        _refused(request, refusal)
    return redirect("clubs:activity", union.code, item.pk)


def photo(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The photo of a held activity (public, as the activity)."""
    union = _union_or_404(code)
    item = _activity_or_404(union, pk)
    if not Access(request, union).sees(item):
        raise Http404("photo")
    picture = selectors.photo_of(item)
    if picture is None:
        raise Http404("photo")
    response = HttpResponse(bytes(picture.image), content_type=picture.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response
