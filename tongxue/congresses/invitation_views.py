"""The page that invites a congress's delegates: a printable sheet or CSV (#13).

Moved from accounts, which sits below congresses; its URL and URL name stay
``/people/roles/<org>/congress/<meeting>/invite/``, ``accounts:invite-delegates``
(``tongxue.congresses.urls.account_urlpatterns``, mounted with the accounts URLs by
``tongxue.config.urls``).
"""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from tongxue.accounts.links import qr_svg, redeem_url
from tongxue.congresses import invitations
from tongxue.congresses.forms import DelegatesInviteForm
from tongxue.congresses.models import Meeting
from tongxue.core.errors import Refusal, render_message
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.spreadsheets import safe_row
from tongxue.organisations.http import get_or_404


@login_required
@require_http_methods(["GET", "POST"])
def invite_delegates(
    request: HttpRequest, code: str, meeting_code: str
) -> HttpResponse:
    """Invite a congress's delegates without an account: a printable sheet or CSV."""
    org = get_or_404(code)
    if not has_perm(request.user, Perm.MANAGE, org.path):
        raise PermissionDenied
    meeting = Meeting.objects.filter(code=meeting_code, organisation=org).first()
    if meeting is None:
        raise Http404(meeting_code)
    meeting.organisation = org
    if request.method == "GET":
        return render(
            request,
            "congresses/invite_delegates.html",
            {
                "org": org,
                "meeting": meeting,
                "persons": invitations.delegates_without_account(meeting),
            },
        )
    form = DelegatesInviteForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        issued = invitations.invite_delegates(actor=request.user, meeting=meeting)
    except Refusal as refusal:
        raise PermissionDenied(render_message(refusal.message)) from None
    rows = [
        {
            "name": i.invitation.person.name,
            "department": i.invitation.person.department.name
            if i.invitation.person.department_id
            else "",
            "url": redeem_url(request, i.token),
            "expires": i.invitation.expires_at,
        }
        for i in issued
    ]
    if form.cleaned_data["format"] == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="invitations-{meeting.code}.csv"'
        )
        response.write("\ufeff")  # Excel opens UTF-8 with a BOM
        writer = csv.writer(response)
        writer.writerow(
            [
                gettext("Full name"),
                gettext("Department"),
                gettext("Link"),
                gettext("Expires"),
            ]
        )
        for r in rows:
            writer.writerow(
                safe_row(
                    [
                        r["name"],
                        r["department"],
                        r["url"],
                        r["expires"].date().isoformat(),
                    ]
                )
            )
    else:
        for r in rows:
            r["qr"] = qr_svg(r["url"])
        response = render(
            request,
            "congresses/invitation_sheet.html",
            {"org": org, "meeting": meeting, "rows": rows},
        )
    response["Cache-Control"] = "no-store"
    return response
