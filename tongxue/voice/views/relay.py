"""Contact your delegate or cadre (RGT-6 · GS-一(三), CQ-一(三)): the relay's pages.

* ``/voice/<union>/contact/`` (``voice:contact``): everyone — the union's delegates and
  cadres, whom each represents and the contacts counted this term and the last (never
  who or what); a student they represent gets a "write" link;
* ``/voice/<union>/contact/<person>/`` (``voice:contact_write``): the form (signed in);
* ``/voice/relay/`` (``voice:relay``): my contacts, received and sent (signed in);
* ``/voice/relay/<pk>/`` (``voice:relay_thread``): one contact, for its two parties only
  (404 to anyone else: the union's administrators and the operator too), with the
  reply form.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tongxue.core.errors import Refusal
from tongxue.core.view_helpers import add_refusal
from tongxue.organisations.models import Person
from tongxue.voice import relay_selectors as rs
from tongxue.voice import relay_services
from tongxue.voice.models import RelayText
from tongxue.voice.relay_forms import RelayMessageForm
from tongxue.voice.views.public import _union_or_404
from tongxue.voice.views.shared import login_or_404, no_store, signed_in


def _status(refusal: Refusal) -> int:
    if refusal.code == "throttled":
        return 429
    if refusal.code == "forbidden":
        return 403
    return 400


@require_GET
def contact(request: HttpRequest, union_code: str) -> HttpResponse:
    """The public "联系代表" page of a school-level union."""
    union = _union_or_404(union_code)
    roll = rs.representatives(union)
    path = rs.student_path(request.user) if signed_in(request) else None
    me = request.user.pk if signed_in(request) else None
    writable = {
        rep.person_id
        for rep in (*roll.delegates, *roll.cadres)
        if path
        and rep.reachable
        and rep.capacity_for(path) is not None
        and rep.user_id != me
    }
    return render(
        request,
        "voice/relay_contact.html",
        {
            "union": union,
            "roll": roll,
            "writable": writable,
            "limit": relay_services.daily_limit(union) if writable else None,
        },
    )


@require_http_methods(["GET", "POST"])
def contact_write(request: HttpRequest, union_code: str, person: int) -> HttpResponse:
    """Write to a delegate or cadre (signed in; the sender is told to them only)."""
    union = _union_or_404(union_code)
    if not signed_in(request):
        return login_or_404(request)
    target = get_object_or_404(Person.objects.only("pk", "name", "ident"), pk=person)
    form = RelayMessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                sent = relay_services.send(
                    actor=request.user,
                    union=union,
                    person=target,
                    text=form.cleaned_data["text"],
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
                status = _status(refusal)
            else:
                messages.success(
                    request,
                    _(
                        "Your message to {name} was sent. Only {name} sees that it is from you."
                    ).format(name=target.name),
                )
                return redirect("voice:relay_thread", pk=sent.thread.pk)
        else:
            status = 400
    return no_store(
        render(
            request,
            "voice/relay_write.html",
            {"union": union, "person": target, "form": form},
            status=status,
        )
    )


@require_GET
def relay(request: HttpRequest) -> HttpResponse:
    """My relayed contacts: written to me as a delegate or cadre, and written by me."""
    if not signed_in(request):
        return login_or_404(request)
    received = rs.inbox(request.user)
    for thread in received:
        thread.sender_label = rs.sender_name(thread)  # type: ignore[attr-defined]
    return no_store(
        render(
            request,
            "voice/relay_inbox.html",
            {"received": received, "sent": rs.sent(request.user)},
        )
    )


@require_http_methods(["GET", "POST"])
def relay_thread(request: HttpRequest, pk: int) -> HttpResponse:
    """One contact, for its sender and its recipient only."""
    if not signed_in(request):
        return login_or_404(request)
    found = rs.thread_for(request.user, pk)
    if found is None:
        raise Http404("relay")
    thread, side = found
    form = RelayMessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                relay_services.reply(
                    actor=request.user, thread=thread, text=form.cleaned_data["text"]
                )
            except Refusal as refusal:
                add_refusal(form, refusal)
                status = _status(refusal)
            else:
                messages.success(request, _("Your message was sent."))
                return redirect("voice:relay_thread", pk=thread.pk)
        else:
            status = 400
    relay_services.mark_read(thread=thread, side=side)
    texts = list(RelayText.objects.filter(thread=thread).order_by("sent_at", "pk"))
    return no_store(
        render(
            request,
            "voice/relay_thread.html",
            {
                "thread": thread,
                "side": side,
                "texts": texts,
                "sender_name": rs.sender_name(thread),
                "form": form,
            },
            status=status,
        )
    )
