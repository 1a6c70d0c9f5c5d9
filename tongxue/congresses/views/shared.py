"""Helpers shared by the congress pages."""

from __future__ import annotations

from django.http import Http404

from tongxue.congresses.models import Meeting
from tongxue.organisations.http import get_or_404


def _meeting_or_404(code: str, meeting_code: str) -> Meeting:
    org = get_or_404(code)
    try:
        meeting = Meeting.objects.get(code=meeting_code, organisation=org)
    except Meeting.DoesNotExist:
        raise Http404(meeting_code) from None
    meeting.organisation = org
    return meeting
