"""Voting pages (ELE-5 · GS-8): the ballot, its confirmation and receipt; the presidium's
page (QR code, live turnout, open, close, count); paper counts; the bulletin board.

Views parse input through :mod:`tongxue.voting.forms`, call
:mod:`tongxue.voting.services` and map a ``Refusal`` to a message on the page (or
``{code, message, params}`` JSON for the cast endpoint). Nothing about a ballot is put
in the session, in a URL or in a log: the receipt is rendered in the response to the
cast, and the board is searched by POST so a tracker never appears in an access log.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from tongxue.core.errors import (
    Refusal,
    form_errors_text,
    refusal_json,
    render_message,
)
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.sessionless import sessionless
from tongxue.core.spreadsheets import safe_row
from tongxue.core.transition_table import Step, TransitionTable
from tongxue.domain.counting import VOID_REASONS
from tongxue.domain.lifecycle import ELECTION
from tongxue.elections.models import Election, ElectionStatus, VotingMode
from tongxue.voting import codec, forms, selectors, services, tokens
from tongxue.voting.models import BallotDefinition

#: Statuses in which the count is shown on the board (as on the election's page).
PUBLIC_RESULT = frozenset(
    {ElectionStatus.CERTIFIED, ElectionStatus.EFFECTIVE, ElectionStatus.VOID}
)

#: HTTP status of each refusal code of the cast endpoint.
CAST_STATUS = {
    "already-voted": 409,
    "not-on-roll": 403,
    "forbidden": 403,
    "not-open": 409,
    "paper": 409,
    "invalid-ballot": 400,
    "no-token": 403,
    "bad-token": 403,
    "expired-token": 403,
}


def _election_or_404(code: str) -> Election:
    try:
        return Election.objects.select_related("organisation").get(code=code)
    except Election.DoesNotExist:
        raise Http404(code) from None


def _definition_or_404(election: Election) -> BallotDefinition:
    try:
        return BallotDefinition.objects.get(election=election)
    except BallotDefinition.DoesNotExist:
        raise Http404(election.code) from None


def _can_run(request: HttpRequest, election: Election) -> bool:
    return has_perm(request.user, Perm.RUN_ELECTION, election.organisation.path)


def _rows(names: list[str] | tuple[str, ...], cells: list[str]) -> list[dict[str, Any]]:
    return [
        {"index": k, "name": name, "cell": cell}
        for k, (name, cell) in enumerate(zip(names, cells, strict=True))
    ]


# --- the ballot --------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, code: str) -> HttpResponse:
    """Show the ballot (GET), or the summary to confirm (POST ``step=review``).

    Opening the ballot while the vote is open marks the voter present. POST
    ``step=edit`` shows the ballot again with the marks kept. Both pages carry the
    voter's ballot token (hidden field ``ballot_token``) with which the cast endpoint
    knows the voter; they are never cached, as they hold it.
    """
    election = _election_or_404(code)
    context: dict[str, Any] = {"election": election}
    if election.mode == VotingMode.PAPER:
        return render(
            request, "voting/ballot_state.html", {**context, "state": "paper"}
        )
    if election.status != ElectionStatus.OPEN:
        state = "closed" if election.status in selectors.AFTER_CLOSE else "not-open"
        return render(request, "voting/ballot_state.html", {**context, "state": state})
    if not services.check_in(voter=request.user, election=election):
        return render(
            request,
            "voting/ballot_state.html",
            {**context, "state": "not-on-roll"},
            status=403,
        )
    if selectors.has_voted(election, request.user):
        return render(
            request, "voting/ballot_state.html", {**context, "state": "voted"}
        )
    definition = _definition_or_404(election)
    names = [c["name"] for c in definition.candidates]
    cells = [""] * len(names)
    template = "voting/ballot.html"
    if request.method == "POST":
        form = forms.BallotForm(request.POST, candidates=len(names))
        if form.review:
            template = "voting/confirm.html"
        cells = form.cells()
    marked = sum(1 for c in cells if c in ("1", "Y"))
    void = ""
    if template == "voting/confirm.html":
        cached = selectors.definition_for(election.code)
        if cached is not None:
            try:
                allowed = codec.ALLOWED_CELLS[definition.form]
                if any(c not in allowed for c in cells):
                    raise ValueError
                void = services.void_reason(cached[0], cached[1], cells)
            except ValueError:
                template = "voting/ballot.html"
    context.update(
        definition=definition,
        rows=_rows(names, cells),
        marked=marked,
        void=void,
        void_label=gettext(VOID_REASONS[void]) if void in VOID_REASONS else void,
        marks_form=definition.form == codec.MARKS,
        ballot_token=tokens.issue(voter=request.user, election_id=election.pk),
    )
    return render(request, template, context)


@sessionless
@csrf_exempt
@require_POST
def cast(request: HttpRequest, code: str) -> HttpResponse:
    """Cast the ballot of the voter named by the ballot token; answer with the receipt.

    Request: ``POST /vote/<code>/cast/`` with the voter's ballot token (handed out by
    the ballot page, which needs sign-in and a place on the roll) in the form field
    ``ballot_token`` or the ``X-Ballot-Token`` header, and the marks as form fields
    (``application/x-www-form-urlencoded``): ``c0`` … ``c{n-1}``, one per candidate in
    ballot order: ``1`` for a mark (omit or ``0`` otherwise) in the marks form; ``Y``,
    ``N``, ``A`` (or omit for blank) in the yes/no/abstain form. No session cookie and
    no CSRF cookie are needed.

    Why ``csrf_exempt`` is safe here, and only here: the view never reads the session
    or ``request.user``; the voter is whoever the token names
    (:mod:`tongxue.voting.tokens`). CSRF abuses credentials the browser attaches by
    itself (cookies); this endpoint uses none. The token is unguessable (HMAC with the
    server's key), bound to one voter and one election, short-lived, and only ever in
    the voter's own ballot page, which another site cannot read. A forged cross-site
    request thus carries no token (refused, 403) or the forger's own (their own ballot,
    which they could cast anyway). The token is the CSRF defence. ``sessionless``
    says so to what runs around the view (tongxue.core.sessionless): the session
    limits and the header's unread count leave the session alone.

    Response: the receipt page (200), or with ``Accept: application/json``
    ``{"tracker", "short_code", "digest", "void_reason"}`` (200). Refusals:
    ``{"code", "message", …}`` in JSON or a page with the message: 403 ``no-token``,
    ``bad-token`` (forged, altered, another election's) or ``expired-token`` (reload
    the ballot page); 409 ``already-voted`` (nothing written) or ``not-open``; 403
    ``not-on-roll``; 400 ``invalid-ballot``.

    The path is fast: the ballot definition is cached per process and the token is
    checked without the database, so the only query is the cast of
    :func:`tongxue.voting.services.cast` (one statement on PostgreSQL).
    """
    wants_json = "application/json" in request.headers.get("Accept", "")
    cached = selectors.definition_for(code)
    form = forms.BallotForm(
        request.POST, candidates=len(cached[0].candidates) if cached is not None else 0
    )
    form.is_valid()  # an unparsable cell is refused by the service, after the token
    cells = form.cells()
    token = form.token or request.headers.get(tokens.HEADER, "")
    try:
        voter = tokens.voter(
            token, election_id=cached[0].election_id if cached is not None else None
        )
        receipt = services.cast(voter=voter, election_code=code, marks=cells)
    except Refusal as refusal:
        return _cast_refused(request, code, refusal, wants_json)
    if wants_json:
        return JsonResponse(
            {
                "tracker": receipt.tracker,
                "short_code": receipt.short_code,
                "digest": receipt.digest,
                "void_reason": receipt.void_reason,
            }
        )
    assert cached is not None
    return _receipt_page(request, cached[0], receipt, voter)


def _cast_refused(
    request: HttpRequest, code: str, refusal: Refusal, wants_json: bool
) -> HttpResponse:
    """The refusal of a cast, in JSON or on the ballot's page (:data:`CAST_STATUS`)."""
    status = CAST_STATUS.get(refusal.code, 400)
    if wants_json:
        return JsonResponse(refusal_json(refusal), status=status)
    election = _election_or_404(code)
    return render(
        request,
        "voting/ballot_state.html",
        {
            "election": election,
            "state": "refused",
            "refusal": render_message(refusal.message),
            "refusal_code": refusal.code,
        },
        status=status,
    )


def _receipt_page(
    request: HttpRequest,
    definition: selectors.Definition,
    receipt: services.Receipt,
    voter: Any,
) -> HttpResponse:
    """The receipt of a ballot cast, for the voter named by its token."""
    return render(
        request,
        "voting/receipt.html",
        {
            "definition": definition,
            "receipt": receipt,
            "rows": _rows(receipt.candidates, list(receipt.cells)),
            "marks_form": definition.form == codec.MARKS,
            "void_label": gettext(VOID_REASONS[receipt.void_reason])
            if receipt.void_reason in VOID_REASONS
            else receipt.void_reason,
            # The page's header names the voter of the token; neither the session nor
            # the session's messages are read on the cast path.
            "user": voter,
            "messages": (),
        },
    )


# --- the presidium -----------------------------------------------------------------

#: The vote's steps on the presidium's page (tongxue.domain.lifecycle.ELECTION), each
#: posted to its own URL (``voting:<action>``): open, close (through its confirmation
#: page, which shows the turnout) and count; the election's other moves are the
#: elections app's page (tongxue.elections.views.STEPS). Designating the scrutineers of
#: a paper vote moves nothing: its form is shown in the states the service allows.
VOTE_STEPS = TransitionTable(
    ELECTION,
    [
        Step(
            action="open",
            target=ElectionStatus.OPEN,
            label=gettext_lazy("Open the vote"),
            confirm=gettext_lazy(
                "Opening freezes the ballot (the approved candidates in ballot order) "
                "and the voter roll (the delegates of the electing meeting)."
            ),
            perm=Perm.RUN_ELECTION,
            form_id="open-form",
            button_id="open-button",
            service=services.open_vote,
        ),
        Step(
            action="close",
            target=ElectionStatus.CLOSED,
            label=gettext_lazy("Close the vote…"),
            perm=Perm.RUN_ELECTION,
            link=True,
            button_id="close-button",
            service=services.close_vote,
        ),
        Step(
            action="count",
            target=ElectionStatus.COUNTED,
            label=gettext_lazy("Count the vote"),
            perm=Perm.RUN_ELECTION,
            form_id="count-form",
            button_id="count-button",
            service=services.count_vote,
        ),
        Step(
            action="scrutineers",
            sources=(
                ElectionStatus.APPROVED,
                ElectionStatus.OPEN,
                ElectionStatus.CLOSED,
            ),
            label=gettext_lazy("Designate"),
            perm=Perm.RUN_ELECTION,
            form_id="scrutineers-form",
            button_id="scrutineers-button",
            fields="voting/partials/_scrutineer_fields.html",
            service=services.designate_scrutineers,
        ),
    ],
)

#: The step that moves nothing, shown in its own card with the scrutineers.
_SCRUTINEERS = "scrutineers"


def _manage_context(request: HttpRequest, election: Election) -> dict[str, Any]:
    """The presidium's page, for an actor already checked by :func:`_can_run`."""
    url = request.build_absolute_uri(reverse("voting:ballot", args=[election.code]))
    qr = segno.make(url, error="m").svg_inline(
        scale=5, border=2, dark="#111", omitsize=True
    )
    is_paper = election.mode == VotingMode.PAPER
    reconciled = selectors.reconciled(election)
    grants = {Perm.RUN_ELECTION}
    # A paper vote is counted once the two scrutineers' counts agree.
    ready = {"count": reconciled or not is_paper, _SCRUTINEERS: is_paper}
    buttons = VOTE_STEPS.buttons(
        election,
        grants,
        url=lambda step: reverse(f"voting:{step.action}", args=[election.code]),
        when=ready,
    )
    count = VOTE_STEPS.step("count")
    assert count is not None
    # The count's state, and a paper vote whose counts do not agree yet.
    count_waits = VOTE_STEPS.allows(count, election, grants) and not ready["count"]
    return {
        "election": election,
        "turnout": selectors.turnout(election),
        "ballot_url": url,
        "qr": qr,
        "scrutineers": list(election.scrutineers.select_related("user").order_by("id")),
        "entries": len(selectors.paper_entries(election)) if is_paper else 0,
        "reconciled": reconciled,
        "after_close": election.status in selectors.AFTER_CLOSE,
        "is_paper": is_paper,
        "buttons": [b for b in buttons if b.step.action != _SCRUTINEERS],
        "scrutineer_buttons": [b for b in buttons if b.step.action == _SCRUTINEERS],
        "count_waits": count_waits,
    }


@login_required
@require_http_methods(["GET"])
def manage(request: HttpRequest, code: str) -> HttpResponse:
    """The presidium's page: ballot link and QR code, turnout, open, close, count."""
    election = _election_or_404(code)
    if not _can_run(request, election):
        raise PermissionDenied
    return render(request, "voting/manage.html", _manage_context(request, election))


@login_required
@require_http_methods(["GET"])
def turnout(request: HttpRequest, code: str) -> HttpResponse:
    """The live turnout (counts only, never results), polled by htmx while open."""
    election = _election_or_404(code)
    if not _can_run(request, election):
        raise PermissionDenied
    return render(
        request,
        "voting/partials/_turnout.html",
        {"election": election, "turnout": selectors.turnout(election)},
    )


def _act(
    request: HttpRequest, election: Election, action: str, **kwargs: Any
) -> HttpResponse:
    """Call the service of the step ``action`` (:data:`VOTE_STEPS`); show its refusal
    on the presidium's page."""
    step = VOTE_STEPS.step(action)
    assert step is not None and step.service is not None
    try:
        step.service(actor=request.user, election=election, **kwargs)
    except Refusal as refusal:
        context = _manage_context(request, election)
        context["error"] = render_message(refusal.message)
        return render(request, "voting/manage.html", context, status=400)
    return redirect("voting:manage", code=election.code)


@login_required
@require_POST
def open_view(request: HttpRequest, code: str) -> HttpResponse:
    election = _election_or_404(code)
    if not _can_run(request, election):
        raise PermissionDenied
    return _act(request, election, "open")


@login_required
@require_http_methods(["GET", "POST"])
def close_view(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for confirmation (GET), then close the vote (POST ``confirm=yes``)."""
    election = _election_or_404(code)
    if not _can_run(request, election):
        raise PermissionDenied
    if request.method == "GET" or not forms.CloseForm(request.POST).is_valid():
        return render(
            request,
            "voting/close_confirm.html",
            {"election": election, "turnout": selectors.turnout(election)},
        )
    return _act(request, election, "close")


@login_required
@require_POST
def count_view(request: HttpRequest, code: str) -> HttpResponse:
    election = _election_or_404(code)
    if not _can_run(request, election):
        raise PermissionDenied
    return _act(request, election, "count")


@login_required
@require_POST
def scrutineers_view(request: HttpRequest, code: str) -> HttpResponse:
    election = _election_or_404(code)
    if not _can_run(request, election):
        raise PermissionDenied
    form = forms.ScrutineersForm(request.POST)
    if not form.is_valid():
        context = _manage_context(request, election)
        context["error"] = form_errors_text(form)
        return render(request, "voting/manage.html", context, status=400)
    return _act(request, election, _SCRUTINEERS, usernames=form.usernames())


# --- paper counts ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, code: str) -> HttpResponse:
    """Paper counts: each scrutineer enters theirs; differences show until they agree.

    A scrutineer sees only their own entry until both exist (independent entries);
    then both scrutineers and the presidium see every difference.
    """
    election = _election_or_404(code)
    if election.mode != VotingMode.PAPER:
        raise Http404(code)
    is_scrutineer = selectors.is_scrutineer(election, request.user)
    can_run = _can_run(request, election)
    if not (is_scrutineer or can_run):
        raise PermissionDenied
    definition = _definition_or_404(election)
    names = [c["name"] for c in definition.candidates]
    error = ""
    status = 200
    if request.method == "POST":
        if not is_scrutineer:
            raise PermissionDenied
        form = forms.PaperCountForm(
            request.POST, names=names, marks_form=definition.form == codec.MARKS
        )
        if not form.is_valid():
            error = form_errors_text(form)
        else:
            try:
                services.enter_paper_count(
                    actor=request.user, election=election, **form.figures()
                )
            except Refusal as refusal:
                error = render_message(refusal.message)
            else:
                return redirect("voting:paper", code=election.code)
        status = 400
    entries = selectors.paper_entries(election)
    mine = next((e for e in entries if e.scrutineer_id == request.user.pk), None)
    both = len(entries) >= 2
    differences = selectors.paper_differences(election, entries) if both else []
    rows = []
    for k, name in enumerate(names):
        triple = mine.candidates.get(name, [0, 0, 0]) if mine else ["", "", ""]
        rows.append(
            {
                "index": k,
                "name": name,
                "yes": triple[0],
                "no": triple[1],
                "abstain": triple[2],
            }
        )
    void_rows = [
        {
            "code": r,
            "label": label,
            "value": (mine.void_reasons.get(r, 0) if mine else ""),
        }
        for r, label in VOID_REASONS.items()
    ]
    return render(
        request,
        "voting/paper.html",
        {
            "election": election,
            "definition": definition,
            "marks_form": definition.form == codec.MARKS,
            "is_scrutineer": is_scrutineer,
            "can_enter": is_scrutineer and election.status == ElectionStatus.CLOSED,
            "mine": mine,
            "rows": rows,
            "void_rows": void_rows,
            "entries": len(entries),
            "both": both,
            "differences": differences,
            "reconciled": both and not differences,
            "error": error,
        },
        status=status,
    )


# --- the bulletin board ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def board(request: HttpRequest, code: str) -> HttpResponse:
    """The public bulletin board: every ballot with its tracker, after the close.

    Search by tracker or short code is a POST so that a voter's tracker never lands in
    a URL or an access log.
    """
    election = _election_or_404(code)
    if election.status not in selectors.AFTER_CLOSE:
        return render(
            request,
            "voting/ballot_state.html",
            {"election": election, "state": "board-closed"},
        )
    definition = _definition_or_404(election)
    search = forms.TrackerForm(request.POST if request.method == "POST" else None)
    tracker = search.cleaned_data["tracker"] if search.is_valid() else ""
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    page, rows = selectors.board_page(
        election, definition, page=page_number, tracker=tracker
    )
    return render(
        request,
        "voting/board.html",
        {
            "election": election,
            "definition": definition,
            "names": [c["name"] for c in definition.candidates],
            "page": page,
            "rows": rows,
            "tracker": tracker,
            "searched": bool(codec.normalise_tracker(tracker)),
            # The count is public with the certified result (the elections app).
            "result": election.result if election.status in PUBLIC_RESULT else None,
            "is_paper": election.mode == VotingMode.PAPER,
            "page_url": "?",
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_http_methods(["GET"])
def board_csv(request: HttpRequest, code: str) -> StreamingHttpResponse:
    """The board as ``tongxue count`` reads it (header = candidate names, 1/0 or Y/N/A).

    A name a spreadsheet would take for a formula is written with a leading ``'``
    (:mod:`tongxue.core.spreadsheets`); ``tongxue count`` reads it back as the name.
    """
    election = _election_or_404(code)
    if election.status not in selectors.AFTER_CLOSE:
        raise Http404(code)
    definition = _definition_or_404(election)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        for row in selectors.board_csv_rows(election, definition):
            yield writer.writerow(safe_row(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{election.code}-ballots.csv"'
    )
    return response
