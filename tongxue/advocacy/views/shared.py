"""What the advocacy pages share: the organisation in the URL, who may do what."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from tongxue.advocacy.selectors import FEDERATIONS, SCHOOL_LEVEL
from tongxue.business.selectors import union_findings
from tongxue.core.permissions import Perm
from tongxue.domain.findings import Finding
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation


def union_or_404(code: str) -> Organisation:
    """A school-level union (legal aid, participation): 404 for any other kind."""
    org = get_or_404(code)
    if org.kind not in SCHOOL_LEVEL:
        raise Http404(code)
    return org


def organiser_or_404(code: str) -> Organisation:
    """A school-level union or a federation (face-to-face meetings)."""
    org = get_or_404(code)
    if org.kind not in (*SCHOOL_LEVEL, *FEDERATIONS):
        raise Http404(code)
    return org


def holds(perms: set[Perm], wanted: tuple[Perm, ...]) -> bool:
    return bool(perms & set(wanted))


def login_or_403(request: HttpRequest) -> HttpResponse:
    """Ask a visitor to sign in; a signed-in user without the right gets 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def findings(org: Organisation, *requirements: str) -> list[Finding] | None:
    """The organisation's own findings of ``requirements`` today (the audit of its
    subtree), for the pages of a school-level union; None for a federation (its
    registry is a province's: the compliance report shows it)."""
    if org.kind not in SCHOOL_LEVEL:
        return None
    return union_findings(org, *requirements, as_of=timezone.localdate())
