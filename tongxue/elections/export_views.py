"""An election's result as Excel and PDF, from its result page (#16).

The file holds what the result page shows, in the user's language: the ballots, the
candidates' votes, who is elected (names joined with the language's separator, 、 in
Chinese), the seats left unfilled and the next step, how it was counted and the election
method; a void election's file says why it is void. It exists when the page does: once
the result is certified, or for a void election (404 otherwise). Two queries, whatever
the number of candidates (the result is stored as JSON). A download of a public page
is not audit-logged.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_http_methods

from tongxue.core import exports
from tongxue.core.words import join_names, label_colon
from tongxue.elections.models import Election, ElectionStatus
from tongxue.elections.templatetags.elections_tags import (
    method_rows,
    next_step_label,
    quorum_failure,
    status_label,
)
from tongxue.elections.views import _election_or_404, result_or_404


@require_http_methods(["GET"])
def result_file(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The result page as Excel or PDF, under the page's own visibility."""
    if fmt not in exports.FORMATS:
        raise Http404(fmt)
    election = _election_or_404(code)
    data = result_or_404(election)
    page = reverse("elections:result", args=[election.code])
    export = exports.Export(
        title=gettext("Result"),
        lines=_lines(election),
        url=exports.page_address(request, page),
        tables=_tables(data),
        notes=_summary(election, data),
        filename=f"{election.code}-result",
    )
    return exports.response(export, fmt)


def _lines(election: Election) -> list[str]:
    """The organisation, the election, its meeting, its status and date."""
    lines = [election.organisation.name, election.title]
    meeting = election.meeting
    if meeting is not None:
        parts = [str(meeting.get_kind_display())]
        if meeting.session:
            parts.append(gettext("session %(session)s") % {"session": meeting.session})
        parts.append(meeting.opened.isoformat())
        lines.append(" · ".join(parts))
    status = status_label(election.status)
    when = election.certified_at or election.closed_at
    if election.certified_at:
        status += " · " + gettext("certified %(at)s") % {
            "at": timezone.localtime(election.certified_at).strftime("%Y-%m-%d %H:%M")
        }
    elif when:
        status += " · " + timezone.localtime(when).strftime("%Y-%m-%d")
    lines.append(status)
    return lines


def _summary(election: Election, data: dict[str, Any]) -> list[str]:
    notes = []
    if election.status == ElectionStatus.VOID:
        notes.append(
            gettext("The election is void.")
            + " "
            + (quorum_failure(data) or gettext("The vote must be held again."))
        )
    ballots = data.get("ballots")
    if ballots:
        issued = ballots.get("issued")
        notes.append(
            gettext(
                "Ballots issued %(issued)s, returned %(returned)s, valid %(valid)s, "
                "void %(void)s."
            )
            % {
                "issued": "—" if issued is None else issued,
                "returned": ballots.get("returned"),
                "valid": ballots.get("valid"),
                "void": ballots.get("void"),
            }
        )
    if data.get("present") or data.get("entitled"):
        entitled = data.get("entitled")
        notes.append(
            gettext("Voters present %(present)s, entitled %(entitled)s.")
            % {
                "present": data.get("present"),
                "entitled": "—" if entitled is None else entitled,
            }
        )
    return notes


def _tables(data: dict[str, Any]) -> list[exports.Table]:
    colon = label_colon()
    tables = []
    candidates = data.get("candidates") or []
    if candidates:
        notes = [
            gettext("Elected") + colon + (join_names(data.get("elected") or []) or "—")
        ]
        if data.get("unfilled"):
            notes.append(gettext("Seats unfilled: %(n)s.") % {"n": data["unfilled"]})
        step = data.get("next_step")
        if step:
            notes.append(
                gettext("Next step")
                + colon
                + " · ".join(
                    [
                        next_step_label(step.get("kind", "")),
                        gettext("%(seats)s seat(s)") % {"seats": step.get("seats")},
                        join_names(step.get("candidates") or []),
                    ]
                )
            )
        tables.append(
            exports.Table(
                title=gettext("Result"),
                columns=[
                    gettext("Candidate"),
                    pgettext("vote", "Yes"),
                    gettext("Share"),
                    pgettext("vote", "No"),
                    gettext("Abstain"),
                    gettext("Elected"),
                ],
                rows=[
                    [
                        c.get("name"),
                        c.get("yes"),
                        c.get("percent") or "",
                        c.get("no"),
                        c.get("abstain"),
                        gettext("Elected") if c.get("elected") else "",
                    ]
                    for c in candidates
                ],
                notes=notes,
            )
        )
    explanation = data.get("explanation_translated") or []
    if explanation:
        tables.append(
            exports.Table(
                title=gettext("How it was counted"),
                columns=[gettext("No."), gettext("Step")],
                rows=[[i, line] for i, line in enumerate(explanation, 1)],
            )
        )
    if data.get("method"):
        tables.append(
            exports.Table(
                title=gettext("Election method (选举办法)"),
                columns=[gettext("Rule"), gettext("Setting")],
                rows=[list(row) for row in method_rows(data["method"])],
            )
        )
    return tables
