"""Read the relay to delegates and cadres (RGT-6 · GS-一(三), CQ-一(三)).

Who represents a school-level union's students (:func:`representatives`, the
definitions of :mod:`tongxue.domain.rights.representatives`): the delegates of its
current congress and the cadres of its roster, each with the students who may write to
them (paths of the organisation tree), whether the relay reaches them and the contacts
counted this term and the last — numbers only. A user's relayed contacts
(:func:`inbox`, :func:`sent`) and one contact (:func:`thread_for`) for its two parties
only. Bounded queries, whatever the number of delegates or contacts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxue.cadres.selectors import served_path
from tongxue.congresses.models import Delegate, Meeting, MeetingKind, MeetingStatus
from tongxue.core.terms import term_label
from tongxue.domain.rights.representatives import UNION_ROLES, UNIT_ROLES
from tongxue.domain.terms import Term, term_of
from tongxue.organisations.models import Organisation, OrgKind, Person, Position, Role
from tongxue.organisations.profiles import governing_profile
from tongxue.voice.models import RelayCapacity, RelayText, RelayThread

#: The unions that take concerns and relay messages (``selectors.SCHOOL_LEVEL``).
_SCHOOL_LEVEL = (OrgKind.SCHOOL_UNION, OrgKind.GRADUATE_UNION)
#: A congress in these states has no delegates yet (the domain's ``NOT_ELECTED``).
_NOT_ELECTED = (MeetingStatus.PLANNED, MeetingStatus.SEATS_ALLOCATED)


@dataclass
class Representative:
    """A delegate or cadre of the union, as the public page and the relay read it."""

    person_id: int
    name: str
    #: (capacity, what they are: "法学院学生会 · 代表", "副主席" …), first the delegate's
    roles: list[tuple[str, str]] = field(default_factory=list)
    #: path prefixes of the students who may write to them (any of them)
    scopes: list[str] = field(default_factory=list)
    #: the names of those students' organisations, for the page
    constituencies: list[str] = field(default_factory=list)
    #: an active account is linked to the person: the relay reaches their inbox
    reachable: bool = False
    #: the account's key (never shown; to refuse writing to oneself)
    user_id: int | None = None
    #: the official contact a cadre's post publishes (CAD-2), if any
    public_contact: str = ""
    #: contacts opened this term, and the term before
    contacts: int = 0
    contacts_before: int = 0

    @property
    def capacities(self) -> set[str]:
        return {c for c, _label in self.roles}

    def capacity_for(self, student_path: str) -> str | None:
        """The capacity in which a student of ``student_path`` may write (None: not
        one of theirs)."""
        for (capacity, _label), scope in zip(self.roles, self.scopes, strict=True):
            if student_path.startswith(scope):
                return capacity
        return None


@dataclass(frozen=True)
class Roll:
    """The union's representatives on a day, with the term whose contacts count."""

    union: Organisation
    congress: Meeting | None
    delegates: list[Representative]
    cadres: list[Representative]
    term: Term
    term_before: Term

    @property
    def term_label(self) -> str:
        return term_label(self.term)

    @property
    def term_before_label(self) -> str:
        return term_label(self.term_before)

    def person(self, person_id: int) -> Representative | None:
        for rep in (*self.delegates, *self.cadres):
            if rep.person_id == person_id:
                return rep
        return None


def current_congress(union: Organisation) -> Meeting | None:
    """The union's newest congress whose delegates are elected (one query)."""
    return (
        Meeting.objects.filter(organisation=union, kind=MeetingKind.CONGRESS)
        .exclude(status__in=_NOT_ELECTED)
        .annotate(n=Count("delegates"))
        .filter(n__gt=0)
        .order_by("-opened", "-code")
        .first()
    )


def _parent_path(path: str) -> str:
    codes = [c for c in path.split("/") if c]
    return "/" + "/".join(codes[:-1]) + "/" if len(codes) > 1 else path


def _delegate_scope(d: Delegate, union_path: str, union_name: str) -> tuple[str, str]:
    """The students a delegate represents: the department union of their seat or of
    the unit that elected them (a class's department), else the union's students."""
    seat = d.seat_unit
    if seat is not None and seat.kind == OrgKind.DEPARTMENT_UNION:
        return seat.path, seat.name
    unit = d.election.unit if d.election is not None else None
    if unit is not None and unit.kind == OrgKind.DEPARTMENT_UNION:
        return unit.path, unit.name
    if unit is not None and unit.kind == OrgKind.CLASS_COMMITTEE:
        parent = unit.parent
        if parent is not None and parent.kind == OrgKind.DEPARTMENT_UNION:
            return parent.path, parent.name
        return _parent_path(unit.path), unit.name
    return union_path, union_name


def _reachable(person: Person) -> bool:
    user = person.user if person.user_id is not None else None
    return user is not None and bool(user.is_active)


def representatives(union: Organisation, *, today: dt.date | None = None) -> Roll:
    """The union's delegates and cadres with their contacts (six queries and the
    profile's, whatever their number)."""
    day = today or timezone.localdate()
    union_path = served_path(union)
    congress = current_congress(union)
    found: dict[int, Representative] = {}
    delegates: list[Representative] = []
    if congress is not None:
        rows = (
            Delegate.objects.filter(meeting=congress)
            .select_related(
                "person__user", "seat_unit", "election__unit__parent", "person"
            )
            .order_by("seat_unit__code", "person__name", "pk")
        )
        for d in rows:
            scope, where = _delegate_scope(d, union_path, union.name)
            rep = found.get(d.person_id)
            if rep is None:
                rep = found[d.person_id] = Representative(
                    d.person_id,
                    d.person.name,
                    reachable=_reachable(d.person),
                    user_id=d.person.user_id,
                )
                delegates.append(rep)
            rep.roles.append((RelayCapacity.DELEGATE, str(_("Delegate"))))
            rep.scopes.append(scope)
            rep.constituencies.append(where)
    profile = governing_profile(union)
    main = (
        set(profile.strings("main_cadre_roles"))
        if profile.has("main_cadre_roles")
        else set()
    )
    at_union = sorted({str(r) for r in UNION_ROLES} | main)
    posts = (
        Position.objects.filter(
            Q(organisation=union, role__in=at_union)
            | (
                Q(organisation__parent=union, role__in=sorted(map(str, UNIT_ROLES)))
                & ~Q(organisation__kind=OrgKind.CLASS_COMMITTEE)
            ),
            start__lte=day,
        )
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person__user", "organisation")
        .order_by("organisation__code", "role", "title", "person__name", "pk")
    )
    labels = dict(Role.choices)
    cadres: list[Representative] = []
    listed: set[int] = set()
    for p in posts:
        org = p.organisation
        if org.pk == union.pk or org.kind != OrgKind.DEPARTMENT_UNION:
            scope, where = union_path, union.name
            title = p.title or str(labels.get(p.role, p.role))
            label = title if org.pk == union.pk else f"{org.name} · {title}"
        else:
            scope, where = org.path, org.name
            label = f"{org.name} · {p.title or labels.get(p.role, p.role)}"
        rep = found.get(p.person_id)
        if rep is None:
            rep = found[p.person_id] = Representative(
                p.person_id,
                p.person.name,
                reachable=_reachable(p.person),
                user_id=p.person.user_id,
            )
        if p.person_id not in listed:
            listed.add(p.person_id)
            cadres.append(rep)
        rep.roles.append((RelayCapacity.CADRE, label))
        rep.scopes.append(scope)
        rep.constituencies.append(where)
        if p.public_contact.strip() and not rep.public_contact:
            rep.public_contact = p.public_contact.strip()
    term = term_of(day)
    before = term_of(term.start - dt.timedelta(days=1))
    counts = contact_counts(union, term, before, list(found))
    for person_id, (now_n, before_n) in counts.items():
        rep = found[person_id]
        rep.contacts, rep.contacts_before = now_n, before_n
    return Roll(union, congress, delegates, cadres, term, before)


def _term_end(term: Term) -> dt.date:
    return term_of(term.start + dt.timedelta(days=200)).start


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def contact_counts(
    union: Organisation, term: Term, before: Term, person_ids: list[int]
) -> dict[int, tuple[int, int]]:
    """The contacts opened with each person for ``union`` in ``term`` and ``before``
    (one query, counts only)."""
    if not person_ids:
        return {}
    start, middle, end = (
        _aware(before.start),
        _aware(term.start),
        _aware(_term_end(term)),
    )
    rows = (
        RelayThread.objects.filter(
            union=union,
            recipient_id__in=person_ids,
            opened_at__gte=start,
            opened_at__lt=end,
        )
        .order_by()
        .values("recipient_id")
        .annotate(
            now=Count("pk", filter=Q(opened_at__gte=middle)),
            before=Count("pk", filter=Q(opened_at__lt=middle)),
        )
        .values_list("recipient_id", "now", "before")
    )
    return {pid: (n, b) for pid, n, b in rows}


def student_path(user: Any) -> str | None:
    """The path of the user's class (else department), or None: not a student of any
    (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    row = (
        Person.objects.filter(user_id=user.pk)
        .values_list("class_unit__path", "department__path")
        .first()
    )
    if row is None:
        return None
    return row[0] or row[1] or None


# -- a user's contacts ---------------------------------------------------------------


def _with_unread(qs: QuerySet[RelayThread], *, mine_from_recipient: bool) -> Any:
    """Annotate the messages the user has not read (those of the other party)."""
    return qs.annotate(
        unread=Count(
            "texts",
            filter=Q(
                texts__read_at__isnull=True,
                texts__from_recipient=not mine_from_recipient,
            ),
        )
    )


def inbox_qs(user: Any) -> QuerySet[RelayThread]:
    """The contacts written to the user as a delegate or cadre, newest first, with the
    sender's name and the messages not read yet (``unread``). The pages' list and the
    API's (which pages it) read the same."""
    qs = RelayThread.objects.filter(recipient__user_id=user.pk).select_related(
        "union", "recipient", "sender__person"
    )
    return _with_unread(qs, mine_from_recipient=True)  # type: ignore[no-any-return]


def sent_qs(user: Any) -> QuerySet[RelayThread]:
    """The contacts the user opened, newest first, with ``unread``."""
    qs = RelayThread.objects.filter(sender_id=user.pk).select_related(
        "union", "recipient"
    )
    return _with_unread(qs, mine_from_recipient=False)  # type: ignore[no-any-return]


def inbox(user: Any, *, limit: int = 100) -> list[RelayThread]:
    """The contacts written to the user as a delegate or cadre, newest first, with the
    sender's name (one query)."""
    return list(inbox_qs(user)[:limit])


def sent(user: Any, *, limit: int = 100) -> list[RelayThread]:
    """The contacts the user opened, newest first (one query)."""
    return list(sent_qs(user)[:limit])


# -- counts for the lower apps' pages (congresses, cadres: their hooks) ----------------


def relay_union(org: Organisation) -> Organisation | None:
    """The school-level union whose relay reaches the cadres of ``org``: ``org`` itself
    when it is one (no query), else the nearest one above it (one query); None for
    an organisation under none (a federation, a school's office)."""
    if org.kind in _SCHOOL_LEVEL:
        return org
    codes = [c for c in org.path.split("/") if c][:-1]
    if not codes:
        return None
    found = {
        o.code: o
        for o in Organisation.objects.filter(code__in=codes, kind__in=_SCHOOL_LEVEL)
    }
    for code in reversed(codes):
        if code in found:
            return found[code]
    return None


def received_counts(
    person_ids: Any, *, capacity: str, union: Organisation
) -> dict[int, tuple[int, int]]:
    """For each person, the contacts (a student's message with its follow-ups) opened
    with them through ``union``'s relay in ``capacity``, and how many of those they
    answered (replied to at least once): ``{person id: (received, answered)}``, counts
    only, never who or what (RGT-6). One aggregate query whatever the number of people
    and contacts; none without people."""
    ids = sorted({int(pk) for pk in person_ids})
    if not ids:
        return {}
    rows = (
        RelayThread.objects.filter(union=union, capacity=capacity, recipient_id__in=ids)
        .order_by()
        .values("recipient_id")
        .annotate(
            received=Count("pk", distinct=True),
            answered=Count("pk", distinct=True, filter=Q(texts__from_recipient=True)),
        )
        .values_list("recipient_id", "received", "answered")
    )
    return {pid: (n, a) for pid, n, a in rows}


def delegate_counts(
    union: Organisation, person_ids: Any
) -> dict[int, tuple[int, int]] | None:
    """``congresses.hooks.DELEGATE_CONTACTS``: the contacts of a congress's delegates
    as delegates of the union (one query); None when the congress is not a
    school-level union's (the relay reaches only theirs)."""
    if union.kind not in _SCHOOL_LEVEL:
        return None
    return received_counts(person_ids, capacity=RelayCapacity.DELEGATE, union=union)


def cadre_counts(
    org: Organisation, person_ids: Any
) -> dict[int, tuple[int, int]] | None:
    """``cadres.hooks.CADRE_CONTACTS``: the contacts of a roster's cadres as cadres
    of its school-level union (one query, two for a roster below the union); None
    for a roster under no school-level union."""
    union = relay_union(org)
    if union is None:
        return None
    return received_counts(person_ids, capacity=RelayCapacity.CADRE, union=union)


def cadre_write_url(position: Position) -> str | None:
    """``cadres.hooks.CADRE_RELAY_URL``: where a student writes to the holder of
    ``position`` through the relay (the voice page of the post's school-level union),
    or None under no such union."""
    union = relay_union(position.organisation)
    if union is None:
        return None
    return reverse("voice:contact_write", args=[union.code, position.person_id])


def unread_count(user: Any) -> int:
    """Messages waiting for the user in the relay, as recipient or sender (one query)."""
    return RelayText.objects.filter(
        Q(thread__recipient__user_id=user.pk, from_recipient=False)
        | Q(thread__sender_id=user.pk, from_recipient=True),
        read_at__isnull=True,
    ).count()


def party(thread: RelayThread, user: Any) -> str | None:
    """``"recipient"`` or ``"sender"``: the user's side of the contact; None for anyone
    else — the union's administrators and the operator included."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if thread.recipient.user_id is not None and thread.recipient.user_id == user.pk:
        return "recipient"
    if thread.sender_id is not None and thread.sender_id == user.pk:
        return "sender"
    return None


def thread_for(user: Any, pk: int) -> tuple[RelayThread, str] | None:
    """The contact ``pk`` and the user's side, if the user is one of its two parties
    (one query), else None."""
    thread = (
        RelayThread.objects.select_related("union", "recipient", "sender__person")
        .filter(pk=pk)
        .first()
    )
    if thread is None:
        return None
    side = party(thread, user)
    return None if side is None else (thread, side)


def sender_name(thread: RelayThread) -> str:
    """The sender as the recipient sees them: their registry name, else their
    account's name."""
    user = thread.sender
    if user is None:
        return str(_("a former account"))
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()
