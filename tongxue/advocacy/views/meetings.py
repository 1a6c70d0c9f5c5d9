"""Face-to-face meetings (RGT-3): the list, a meeting's page, sign-up, minutes, points."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.advocacy import selectors, services
from tongxue.advocacy.forms import DialogueForm, MinutesForm, PointForm, SignUpForm
from tongxue.advocacy.models import Dialogue, DialogueStatus, SignUp
from tongxue.advocacy.selectors import SCHOOL_LEVEL
from tongxue.advocacy.views.shared import (
    findings,
    holds,
    login_or_403,
    organiser_or_404,
)
from tongxue.core.errors import Refusal, render_message
from tongxue.core.view_helpers import add_refusal, page_url, paginate, perms_at
from tongxue.organisations.models import Organisation
from tongxue.voice.models import Concern
from tongxue.voice.selectors import categories as voice_categories

#: At most this many upcoming meetings on the list (the past ones are paged).
UPCOMING_MAX = 20
#: The session's keys: the follow-up code of the concern a point just became, shown
#: once by the meeting's page after the redirect (then dropped), and the one-time
#: tokens of the point forms already recorded (a form sent twice records once).
CODE_KEY = "advocacy.point_code"
DONE_KEY = "advocacy.points_done"
#: The point form's one-time token, and how many recorded ones a session remembers.
ONCE_FIELD = "point-once"
DONE_MAX = 20
DIALOGUE_FIELDS = (
    "kind",
    "title",
    "starts",
    "place",
    "attendees",
    "places",
    "signup_closes",
)


def _schedule(
    request: HttpRequest,
    org: Organisation,
    form: DialogueForm,
    dialogue: Dialogue | None,
) -> Dialogue | None:
    if not form.is_valid():
        return None
    try:
        return services.schedule(
            actor=request.user,
            organiser=org,
            dialogue=dialogue,
            **{f: form.cleaned_data[f] for f in DIALOGUE_FIELDS},
        )
    except Refusal as refusal:
        add_refusal(form, refusal)
        return None


@require_http_methods(["GET", "POST"])
def meetings(request: HttpRequest, code: str) -> HttpResponse:
    """The organisation's face-to-face meetings: those to come, then those past."""
    org = organiser_or_404(code)
    perms = perms_at(request.user, org.path)
    organiser = holds(perms, services.ORGANISERS)
    form = None
    status = 200
    if request.method == "POST":
        if not organiser:
            return login_or_403(request)
        form = DialogueForm(request.POST, prefix="meeting")
        dialogue = _schedule(request, org, form, None)
        if dialogue is not None:
            messages.success(request, _("The meeting was scheduled."))
            return redirect("advocacy:meeting", code=org.code, pk=dialogue.pk)
        status = 400
    elif organiser:
        kind = "reception_day" if org.kind in SCHOOL_LEVEL else "deputies"
        form = DialogueForm(prefix="meeting", initial={"kind": kind, "places": 20})
    context = {
        "org": org,
        "school_level": org.kind in SCHOOL_LEVEL,
        "upcoming": list(selectors.dialogues(org, upcoming=True)[:UPCOMING_MAX]),
        "page": paginate(request, selectors.dialogues(org, upcoming=False), 20),
        "page_url": page_url(),
        "organiser": organiser,
        "reader": holds(perms, services.READERS),
        "form": form,
        "findings": findings(org, "RGT-3") if holds(perms, services.READERS) else None,
    }
    return render(request, "advocacy/meetings.html", context, status=status)


def _dialogue_or_404(org: Organisation, pk: int) -> Dialogue:
    dialogue = selectors.dialogue_or_none(org, pk)
    if dialogue is None:
        raise Http404(str(pk))
    return dialogue


def _page(
    request: HttpRequest,
    org: Organisation,
    dialogue: Dialogue,
    *,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    """A meeting's page, with the forms the user may use (``forms``: bound ones)."""
    perms = perms_at(request.user, org.path)
    organiser = holds(perms, services.ORGANISERS)
    page = selectors.dialogue_page(dialogue, request.user, organiser_view=organiser)
    school_level = org.kind in SCHOOL_LEVEL
    started = dialogue.starts <= timezone.now()
    context: dict[str, Any] = {
        "org": org,
        "dialogue": dialogue,
        "organiser": organiser,
        "school_level": school_level,
        "started": started,
        **page,
    }
    if page["open"] and (page["mine"] is not None or page["left"] > 0):
        if page["mine"] is not None or selectors.may_sign_up(request.user, org):
            context["signup_form"] = forms.get("signup_form") or SignUpForm(
                prefix="signup",
                initial={"topic": page["mine"].topic if page["mine"] else ""},
            )
        elif not request.user.is_authenticated:
            context["sign_in_to_sign_up"] = True
    if organiser and dialogue.status != DialogueStatus.CANCELLED and started:
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(
            prefix="minutes",
            initial={"minutes": dialogue.minutes, "public": dialogue.minutes_public},
        )
    if organiser and dialogue.status == DialogueStatus.HELD:
        context["point_form"] = forms.get("point_form") or PointForm(
            prefix="point",
            signups=page["signups"],
            categories=voice_categories(org) if school_level else None,
            concerns=school_level,
            federation_concerns=None
            if school_level
            else selectors.federation_concerns(org),
        )
        context["point_once"] = (
            request.POST.get(ONCE_FIELD, "")[:64] if "point_form" in forms else ""
        ) or uuid.uuid4().hex
    if forms.get("tracking_code"):
        context["tracking_code"] = forms["tracking_code"]
    response = render(request, "advocacy/meeting.html", context, status=status)
    if "tracking_code" in context:
        add_never_cache_headers(response)  # the code is shown once: never cached
    return response


def meeting(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = organiser_or_404(code)
    dialogue = _dialogue_or_404(org, pk)
    # only an organiser has one (a visitor's session is not touched)
    shown = request.session.get(CODE_KEY) if request.user.is_authenticated else None
    code_once = None
    if isinstance(shown, dict) and shown.get("meeting") == dialogue.pk:
        # the code of the concern a point just became, after the redirect: once
        code_once = str(shown.get("code") or "")
        del request.session[CODE_KEY]
    return _page(request, org, dialogue, tracking_code=code_once)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    org = organiser_or_404(code)
    if not holds(perms_at(request.user, org.path), services.ORGANISERS):
        return login_or_403(request)
    dialogue = _dialogue_or_404(org, pk)
    if dialogue.status != DialogueStatus.PLANNED:
        return redirect("advocacy:meeting", code=org.code, pk=pk)
    status = 200
    if request.method == "POST":
        form = DialogueForm(request.POST, prefix="meeting")
        if _schedule(request, org, form, dialogue) is not None:
            messages.success(request, _("The meeting was changed."))
            return redirect("advocacy:meeting", code=org.code, pk=pk)
        status = 400
    else:
        form = DialogueForm(
            prefix="meeting",
            initial={
                **{f: getattr(dialogue, f) for f in DIALOGUE_FIELDS},
                "starts": timezone.localtime(dialogue.starts),
                "signup_closes": timezone.localtime(dialogue.signup_closes)
                if dialogue.signup_closes
                else None,
            },
        )
    return render(
        request,
        "advocacy/meeting_edit.html",
        {"org": org, "dialogue": dialogue, "form": form},
        status=status,
    )


def _refused(request: HttpRequest, refusal: Refusal) -> None:
    messages.error(request, render_message(refusal.message))


@require_POST
def meeting_action(
    request: HttpRequest, code: str, pk: int, action: str
) -> HttpResponse:
    """The meeting's POSTs: sign up, withdraw, cancel, minutes, a point."""
    org = organiser_or_404(code)
    dialogue = _dialogue_or_404(org, pk)
    if not request.user.is_authenticated:
        return login_or_403(request)
    back = redirect("advocacy:meeting", code=org.code, pk=pk)
    if action == "signup":
        form = SignUpForm(request.POST, prefix="signup")
        if form.is_valid():
            try:
                services.sign_up(
                    actor=request.user,
                    dialogue=dialogue,
                    topic=form.cleaned_data["topic"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("You are signed up."))
                return back
        return _page(request, org, dialogue, status=400, signup_form=form)
    if action == "withdraw":
        try:
            services.withdraw_signup(actor=request.user, dialogue=dialogue)
        except Refusal as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("Your place was given back."))
        return back
    if not holds(perms_at(request.user, org.path), services.ORGANISERS):
        return login_or_403(request)
    if action == "cancel":
        try:
            services.cancel(actor=request.user, dialogue=dialogue)
        except Refusal as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("The meeting was cancelled."))
        return back
    if action == "minutes":
        form = MinutesForm(request.POST, prefix="minutes")
        if form.is_valid():
            try:
                services.record_minutes(
                    actor=request.user,
                    dialogue=dialogue,
                    minutes=form.cleaned_data["minutes"],
                    public=form.cleaned_data["public"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                messages.success(request, _("The minutes were saved."))
                return back
        return _page(request, org, dialogue, status=400, minutes_form=form)
    if action == "point":
        return _point(request, org, dialogue)
    raise Http404(action)


def _point(request: HttpRequest, org: Organisation, dialogue: Dialogue) -> HttpResponse:
    """Record a point, then back to the meeting's page (POST, redirect, GET): a
    refresh does not send it again, and the same form sent twice (its one-time
    token) records it once."""
    back = redirect("advocacy:meeting", code=org.code, pk=dialogue.pk)
    once = request.POST.get(ONCE_FIELD, "")[:64]
    done = request.session.get(DONE_KEY) or {}
    if once and once in done:
        messages.info(request, _("This point was recorded already."))
        return back
    school_level = org.kind in SCHOOL_LEVEL
    signups = list(
        SignUp.objects.filter(dialogue=dialogue).select_related("user__person")
    )
    form = PointForm(
        request.POST,
        prefix="point",
        signups=signups,
        categories=voice_categories(org) if school_level else None,
        concerns=school_level,
        federation_concerns=None
        if school_level
        else selectors.federation_concerns(org),
    )
    if form.is_valid():
        d = form.cleaned_data
        signup = next((s for s in signups if s.pk == d.get("signup")), None)
        join = None
        ok = True
        if not school_level and d.get("how") == PointForm.JOIN:
            # one of the concerns the form listed (the service checks the scope)
            join = (
                Concern.objects.select_related("union", "handler", "category")
                .filter(pk=d["join"])
                .first()
            )
            if join is None:
                form.add_error("join", _("Choose the concern it joins."))
                ok = False
        elif school_level and d.get("how") == PointForm.JOIN:
            join = (
                Concern.objects.select_related("union", "handler", "category")
                .filter(union=org, number=d["join"])
                .first()
            )
            if join is None:
                form.add_error(
                    "join", _("No concern with this number that you handle.")
                )
                ok = False
        if ok:
            try:
                added = services.add_point(
                    actor=request.user,
                    dialogue=dialogue,
                    title=d["title"],
                    body=d["body"],
                    category=d.get("category") if join is None else None,
                    join=join,
                    signup=signup,
                    reply=d["reply"],
                    visibility=d.get("visibility") or "private",
                    new_concern=not school_level and d.get("how") == PointForm.NEW,
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
            else:
                if once:
                    done[once] = added.point.pk
                    request.session[DONE_KEY] = dict(list(done.items())[-DONE_MAX:])
                concern = added.point.concern
                if concern is not None:
                    messages.success(
                        request,
                        _("The point was recorded with concern %(reference)s.")
                        % {"reference": concern.reference},
                    )
                else:
                    messages.success(request, _("The point was recorded."))
                if added.tracking_code:
                    # shown once, by the page the redirect leads to (the student
                    # follows the concern with it): kept in the session until then
                    request.session[CODE_KEY] = {
                        "meeting": dialogue.pk,
                        "code": added.tracking_code,
                    }
                return back
    return _page(request, org, dialogue, status=400, point_form=form)
