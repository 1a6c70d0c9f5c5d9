"""Raise a concern (online or entered from an offline channel) and 我也遇到 (RGT-1).

Routing: the category's default handler; else the lowest unit the student belongs to
that has a rights officer (class committee, then department union); else the school
union. A sensitive concern (RGT-7) or one about a cadre (CAD-8) always goes to the
school union, where only its named handlers see it; an anonymous one skips the
student's own class and department (a class of forty would all but name its author)
and goes to the category's handler or the school union.

Identity: an anonymous concern stores no author; its student keeps a follow-up code
(only its hash is stored). The day's count of concerns raised by a user
(:class:`~tongxue.voice.models.RaiseCount`) is kept apart from the concerns, so the
rate limit (profile ``concerns_per_day_max``) counts anonymous ones without linking.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils.translation import gettext_noop

from tongxue.cadres.selectors import served_path
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.core.permissions import Perm, acting_role, has_perm
from tongxue.domain.profiles import Profile
from tongxue.notifications.services import Prepared
from tongxue.organisations.models import Organisation, OrgKind, Person, Position
from tongxue.organisations.profiles import governing_profile
from tongxue.voice import access, notifying, tokens
from tongxue.voice.models import (
    Category,
    Channel,
    Concern,
    ConcernEvent,
    ConcernStatus,
    EventKind,
    Photo,
    RaiseCount,
    Support,
    Visibility,
)
from tongxue.voice.selectors import (
    SCHOOL_LEVEL,
    account_place,
    categories,
    may_forward_to,
    school_union_on,
    student_place,
)
from tongxue.voice.services import kept
from tongxue.voice.services.photos import clean_photos
from tongxue.voice.services.shared import (
    MAX_PLACE,
    MAX_TITLE,
    audit,
    clean_text,
    deadlines,
    event,
    moment,
    parameter,
    today_or,
)
from tongxue.voice.text import public_text, token_string
from tongxue.voice.text import tokens as text_tokens
from tongxue.voice.tokens import TokenStudent

#: The follow-up code of an anonymous concern: letters and digits that are not
#: mistaken for one another, in groups of four (about 60 bits).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


@dataclass(frozen=True)
class Raised:
    concern: Concern
    #: The follow-up code, shown once: for a concern without an author (anonymous, or
    #: entered from an offline channel); None otherwise.
    tracking_code: str | None


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def _check_union(union: Organisation) -> None:
    if union.kind not in SCHOOL_LEVEL:
        raise refuse(
            "not-a-union",
            gettext_noop("{target} does not take students' concerns."),
            target=union.name,
        )


def _check_category(union: Organisation, category: Category) -> None:
    if category is None or category.union_id != union.pk or not category.active:
        raise refuse(
            "invalid",
            gettext_noop("Choose one of the union's categories."),
            field="category",
        )


def _check_visibility(visibility: str) -> str:
    if visibility not in Visibility.values:
        raise refuse(
            "invalid",
            gettext_noop("Choose who may see the concern."),
            field="visibility",
        )
    return visibility


def _student_path(actor: Actor) -> str | None:
    row = (
        Person.objects.filter(user_id=actor.pk)
        .values_list("class_unit__path", "department__path")
        .first()
    )
    if row is None:
        return None
    return row[0] or row[1]


def _check_cadre(
    union: Organisation, person: Person, actor: Actor, today: dt.date
) -> None:
    """``person`` must serve as a cadre of the union's school; never the actor."""
    if actor is not None and person.user_id is not None and person.user_id == actor.pk:
        raise refuse(
            "invalid",
            gettext_noop("A concern about a cadre cannot be about yourself."),
            field="about_person",
        )
    serving = (
        Position.objects.filter(
            person=person,
            organisation__path__startswith=served_path(union),
            start__lte=today,
        )
        .exclude(end__lt=today)
        .exists()
    )
    if not serving:
        raise refuse(
            "invalid",
            gettext_noop("{name} is not a serving cadre of this union."),
            field="about_person",
            name=person.name,
        )


def route(
    union: Organisation,
    category: Category,
    *,
    student_path: str | None,
    restricted: bool,
    anonymous: bool,
    served: str | None = None,
) -> Organisation:
    """Who takes a new concern first (see the module). ``served``: the union's
    ``served_path``, when the caller has it already."""
    if restricted:
        return union
    served = served or served_path(union)
    if category.default_handler_id is not None:
        target = category.default_handler
        if may_forward_to(union, target, served=served):
            return target
    if anonymous or not student_path:
        return union
    units = (
        Organisation.objects.filter(
            code__in=_codes(student_path),
            kind__in=(OrgKind.CLASS_COMMITTEE, OrgKind.DEPARTMENT_UNION),
            path__startswith=served,
            roles__role=RoleKind.RIGHTS_OFFICER,
        )
        .distinct()
        .order_by()
    )
    lowest = max(units, key=lambda o: len(o.path), default=None)
    return lowest or union


#: One more concern of the user today, unless the limit is reached: one statement
#: (PostgreSQL and SQLite alike); no row comes back when the limit is reached. The
#: row of a user and day is locked until the transaction ends, so two raises of one
#: student count one after the other.
COUNT_RAISE_SQL = (
    f"INSERT INTO {RaiseCount._meta.db_table} (user_id, day, count) "
    "VALUES (%s, %s, 1) ON CONFLICT (user_id, day) DO UPDATE "
    f"SET count = {RaiseCount._meta.db_table}.count + 1 "
    f"WHERE {RaiseCount._meta.db_table}.count < %s RETURNING count"
)


def _count_raise(
    actor: Actor, union: Organisation, today: dt.date, *, limit: int | None = None
) -> None:
    """Count one more concern of the user today; refuse past the profile's limit
    (``limit``: the profile's ``concerns_per_day_max``, when the caller has it)."""
    if limit is None:
        limit = parameter(union, "concerns_per_day_max")
    counted = None
    if limit > 0:
        with connection.cursor() as cursor:
            cursor.execute(COUNT_RAISE_SQL, [actor.pk, today, limit])
            counted = cursor.fetchone()
    if counted is None:
        raise refuse(
            "throttled",
            gettext_noop("You can raise {limit} concerns a day; try again tomorrow."),
            limit=limit,
        )


def _create(
    *,
    union: Organisation,
    category: Category,
    title: str,
    body: str,
    place: str,
    visibility: str,
    channel: str,
    author: Actor,
    about_person: Person | None,
    handler: Organisation,
    today: dt.date,
    photos: list[Any],
    profile: Profile | None = None,
    notify: bool = False,
    recipients: list[int] | None = None,
    prepared: Prepared | None = None,
) -> tuple[Concern, str | None]:
    """Write the concern, its first event and its photos, and with ``notify`` tell
    its handlers (in the caller's transaction; ``recipients``: the handlers told, when
    the caller has them already; ``prepared``: the same, read ahead by
    ``notifying.prepare_received``, so that under the lock only their rows are written).

    What needs no lock is worked out first (deadlines, the masked text and its words);
    then the union's row is locked for the number, and held until the transaction
    ends, so the statements after it are as few as can be."""
    sensitive = category.sensitive
    ack_due, answer_due = deadlines(
        union, category, sensitive=sensitive, raised_on=today, profile=profile
    )
    code = None
    anonymous = visibility == Visibility.ANONYMOUS
    if anonymous or author is None:
        code = new_tracking_code()
    masked_title, masked_body = public_text(title), public_text(body)
    words = token_string(text_tokens(f"{masked_title}\n{masked_body}"))
    raised_at = moment(today)
    concern = Concern(
        union=union,
        number=0,  # numbered under the union's lock, below
        title=title,
        body=body,
        public_title=masked_title,
        public_body=masked_body,
        tokens=words,
        category=category,
        place=place,
        visibility=visibility,
        sensitive=sensitive,
        channel=channel,
        status=ConcernStatus.RECEIVED,
        handler=handler,
        # by id: the author may be a raise token's student (tongxue.voice.tokens)
        author_id=None if anonymous or author is None else author.pk,
        tracking_hash=access.hash_code(code) if code else "",
        about_person=about_person,
        raised_at=raised_at,
        acknowledge_due=ack_due,
        answer_due=answer_due,
    )
    if connection.vendor == "postgresql":
        _insert_numbered(concern, to_org=handler)
    else:
        # Numbers are per union: lock the union's row (FOR NO KEY UPDATE: the
        # concerns' foreign keys to it are not blocked) while taking the next one.
        Organisation.objects.select_for_update(no_key=True).filter(pk=union.pk).exists()
        concern.number = (
            Concern.objects.filter(union=union).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        concern.save(force_insert=True)
        event(
            concern,
            EventKind.RAISED,
            at=concern.raised_at,
            to_org=handler,
        )
    Photo.objects.bulk_create(
        [
            Photo(
                concern=concern,
                image=p.data,
                content_type=p.content_type,
                width=p.width,
                height=p.height,
            )
            for p in photos
        ]
    )
    if notify and prepared is not None:
        notifying.send_received(concern, prepared)
    elif notify:
        notifying.received(concern, user_ids=recipients)
    return concern, code


def _values(obj: Any, skip: str) -> tuple[list[str], list[Any]]:
    """The quoted columns of ``obj``'s model and their values as an INSERT writes
    them (defaults applied), but for the column of the field ``skip``."""
    columns, values = [], []
    for f in type(obj)._meta.concrete_fields:
        if f.primary_key or f.name == skip or getattr(f, "generated", False):
            continue
        columns.append(connection.ops.quote_name(f.column))
        values.append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    return columns, values


def _insert_numbered(concern: Concern, *, to_org: Organisation) -> None:
    """Lock the union's row, number the concern (the union's highest number + 1),
    write it and its first step (``raised``): three statements sent in one round trip
    (PostgreSQL). The row lock (FOR NO KEY UPDATE: the concerns' foreign keys to it
    are not blocked) is held until the transaction ends, so two concerns of a union
    are numbered one after the other; the INSERT, a statement after the lock, reads
    the numbers committed before it was granted. Sets ``concern``'s key and number.
    (Django binds parameters on the client, so the three go as one simple query; a
    server-side-binding cursor could not send them together.)"""
    step = ConcernEvent(
        concern_id=0,
        at=concern.raised_at,
        kind=EventKind.RAISED,
        to_org=to_org,
    )
    columns, values = _values(concern, "number")
    step_columns, step_values = _values(step, "concern")
    qn = connection.ops.quote_name
    table, number = qn(Concern._meta.db_table), qn("number")
    sql = (
        f"SELECT 1 FROM {qn(Organisation._meta.db_table)} WHERE id = %s "
        "FOR NO KEY UPDATE; "
        f"WITH c AS (INSERT INTO {table} ({number}, {', '.join(columns)}) "
        f"VALUES ((SELECT COALESCE(MAX({number}), 0) + 1 FROM {table} "
        f"WHERE {qn('union_id')} = %s), {', '.join(['%s'] * len(values))}) "
        f"RETURNING id, {number}), "
        f"e AS (INSERT INTO {qn(ConcernEvent._meta.db_table)} "
        f"({qn('concern_id')}, {', '.join(step_columns)}) "
        f"SELECT c.id, {', '.join(['%s'] * len(step_values))} FROM c) "
        f"SELECT id, {number} FROM c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [concern.union_id, concern.union_id, *values, *step_values])
        cursor.nextset()
        concern.pk, concern.number = cursor.fetchone()
    concern._state.adding = False
    concern._state.db = connection.alias


def raise_concern(
    *,
    actor: Actor,
    union: Organisation,
    category: Category,
    title: str,
    body: str,
    visibility: str,
    place: str = "",
    photos: Any = (),
    about_person: Person | None = None,
    today: dt.date | None = None,
    student_path: str | None = None,
    stamp: int | None = None,
) -> Raised:
    """A signed-in student raises a concern with their school's union (RGT-1).

    ``student_path``: the path of the student's class (else department), when the
    caller read it already (``selectors.student_place``). ``stamp``: the raise stamp
    the caller read with the account; what the process keeps under it (the union's
    served students and profile, the route, who is told) is not read again
    (:mod:`tongxue.voice.services.kept`).

    Refused: signed out; a union that is not school-level, or not the student's; a
    category not the union's; a missing or too long text; a visibility not offered;
    a photo that is not a JPEG, PNG or WebP, over 5 MB, or more than three; a concern
    about someone who is not a serving cadre of the school, or about oneself; more
    than the profile's concerns a day. A sensitive concern or one about a cadre is
    never public: asked public, it is kept private (anonymous stays anonymous).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to raise a concern."))
    _check_union(union)
    _check_category(union, category)
    title = clean_text("title", title, limit=MAX_TITLE)
    body = clean_text("body", body)
    place = clean_text("place", place, limit=MAX_PLACE, required=False)
    visibility = _check_visibility(visibility)
    day = today_or(today)
    student_path = student_path or _student_path(actor)
    served = kept.get(stamp, ("served", union.pk), lambda: served_path(union))
    if not student_path or not student_path.startswith(served):
        raise refuse(
            "forbidden",
            gettext_noop("You can raise a concern only with your own school's union."),
        )
    if category.about_cadre and about_person is None:
        raise refuse(
            "required",
            gettext_noop("Choose the cadre the concern is about."),
            field="about_person",
        )
    if about_person is not None:
        _check_cadre(union, about_person, actor, day)
    restricted = category.sensitive or about_person is not None
    if restricted and visibility == Visibility.PUBLIC:
        visibility = Visibility.PRIVATE
    cleaned = clean_photos(photos)
    anonymous = visibility == Visibility.ANONYMOUS
    handler = _kept_route(
        stamp,
        union,
        category,
        student_path=student_path,
        restricted=restricted,
        anonymous=anonymous,
        served=served,
    )
    profile = kept.get(stamp, ("profile", union.pk), lambda: governing_profile(union))

    # who is told: worked out before the transaction (the rows locked in it are held
    # until it ends)
    def told() -> tuple[int, ...]:
        return tuple(
            notifying.handler_ids(
                Concern(
                    union=union,
                    handler=handler,
                    sensitive=category.sensitive,
                    about_person=about_person,
                ),
                handler,
            )
        )

    recipients = list(
        told()
        if about_person is not None  # the cadre concerned is left out: not kept
        else kept.get(stamp, ("told", union.pk, handler.pk, category.sensitive), told)
    )
    # ... and which of them are active, which chose a channel
    prepared = notifying.prepare_received(recipients)
    with transaction.atomic():
        _count_raise(
            actor,
            union,
            day,
            limit=parameter(union, "concerns_per_day_max", profile=profile),
        )
        concern, code = _create(
            union=union,
            category=category,
            title=title,
            body=body,
            place=place,
            visibility=visibility,
            channel=Channel.ONLINE,
            author=actor,
            about_person=about_person,
            handler=handler,
            today=day,
            photos=cleaned,
            profile=profile,
            notify=True,
            prepared=prepared,
        )
        # last: the audit log's lock is held until the transaction ends
        audit(
            concern,
            "voice.concern.raise",
            actor=None if anonymous else actor,
            role="anonymous" if anonymous else "student",
            data={
                "category": category.code,
                "visibility": visibility,
                "handler": handler.code,
                "photos": len(cleaned),
            },
            withhold=anonymous,
        )
    return Raised(concern, code)


def _kept_route(
    stamp: int | None,
    union: Organisation,
    category: Category,
    *,
    student_path: str | None,
    restricted: bool,
    anonymous: bool,
    served: str,
) -> Organisation:
    """:func:`route`, its answer kept under ``stamp`` (by the handler's key: many
    classes share a handler)."""

    def routed() -> Organisation:
        return route(
            union,
            category,
            student_path=student_path,
            restricted=restricted,
            anonymous=anonymous,
            served=served,
        )

    if stamp is None or restricted:
        return routed() if stamp is None else union
    place = "" if anonymous else student_path
    key = ("route", union.pk, category.pk, place)
    found = kept.get(stamp, key, lambda: routed())
    # the organisation itself kept once, whichever classes it handles for
    return kept.get(stamp, ("organisation", found.pk), lambda: found)


# -- the target of a raise over JSON (the API and the fast path share it) -------------


def own_union(user: Actor) -> tuple[Organisation, str]:
    """The school union of the signed-in student and the path of their class (else
    department); refused ``no-union`` when the account has no place in a school."""
    found, path = student_place(user)
    if found is None or not path:
        raise refuse(
            "no-union",
            gettext_noop(
                "Your account is not linked to a class or department of a school."
            ),
        )
    return found, path


def category_by_code(union: Organisation, code: str) -> Category:
    """The union's active category ``code``; refused ``invalid`` otherwise."""
    category = categories(union, active_only=True).filter(code=code).first()
    if category is None:
        raise refuse(
            "invalid",
            gettext_noop("Choose one of the union's categories."),
            field="category",
        )
    return category


def raise_by_token(
    *,
    student: TokenStudent,
    category: str,
    title: str,
    body: str,
    visibility: str,
    place: str = "",
    union: Organisation | None = None,
    today: dt.date | None = None,
) -> Raised:
    """A student raises a concern with a raise token (:mod:`tongxue.voice.tokens`)
    instead of the session: ``POST /api/voice/concerns`` with ``X-Raise-Token``,
    through the API or its fast path (:mod:`tongxue.voice.fastpath`), the same steps.

    One query reads the account (active, the password the token's credential must
    match) and the student's place; then as the API with the session: the union
    (``union``, else the student's own), the category by its code, and
    :func:`raise_concern` with every rule of a raise (no photos over JSON)."""
    found, is_active, password, path, stamp = account_place(student.pk)
    tokens.check_account(
        student, found=found, is_active=is_active, password_hash=password
    )
    if union is None:
        union = kept.get(stamp, ("union", path), lambda: school_union_on(path or ""))
        if union is None or not path:
            raise refuse(
                "no-union",
                gettext_noop(
                    "Your account is not linked to a class or department of a school."
                ),
            )
    code, found_union = category, union
    return raise_concern(
        actor=student,
        union=union,
        category=kept.get(
            stamp,
            ("category", union.pk, code),
            lambda: category_by_code(found_union, code),
        ),
        title=title,
        body=body,
        place=place,
        visibility=visibility,
        today=today,
        student_path=path or None,
        stamp=stamp,
    )


def record_offline(
    *,
    actor: Actor,
    union: Organisation,
    category: Category,
    title: str,
    body: str,
    channel: str,
    place: str = "",
    visibility: str = Visibility.PRIVATE,
    about_person: Person | None = None,
    today: dt.date | None = None,
) -> Raised:
    """A handler enters a concern from a mailbox, a reception day, a phone call or a
    meeting (RGT-1). It has no author: the student gets the follow-up code. It goes to
    the category's handler, else to the lowest unit of the union where the officer
    handles, else the union (the sensitive and cadre rules as for a raised one: a
    category about a cadre needs ``about_person``, a serving cadre of the school who is
    not the officer; such a concern and a sensitive one go to the union, never
    public)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to record a concern."))
    _check_union(union)
    served = served_path(union)
    if not (
        has_perm(actor, Perm.HANDLE, union.path)
        or RoleAssignment.objects.filter(
            user_id=actor.pk,
            role__in=(RoleKind.RIGHTS_OFFICER, RoleKind.UNION_ADMIN),
            organisation__path__startswith=served,
        ).exists()
    ):
        raise refuse(
            "forbidden",
            gettext_noop("You are not allowed to record concerns for {target}."),
            target=union.name,
        )
    _check_category(union, category)
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise refuse(
            "invalid",
            gettext_noop("Choose the channel the concern came through."),
            field="channel",
        )
    title = clean_text("title", title, limit=MAX_TITLE)
    body = clean_text("body", body)
    place = clean_text("place", place, limit=MAX_PLACE, required=False)
    visibility = _check_visibility(visibility)
    day = today_or(today)
    if not category.about_cadre:
        about_person = None
    elif about_person is None:
        raise refuse(
            "required",
            gettext_noop("Choose the cadre the concern is about."),
            field="about_person",
        )
    if about_person is not None:
        _check_cadre(union, about_person, actor, day)
    restricted = category.sensitive or about_person is not None
    if restricted and visibility == Visibility.PUBLIC:
        visibility = Visibility.PRIVATE
    if restricted:
        handler = union
    elif category.default_handler_id is not None:
        handler = route(
            union, category, student_path=None, restricted=False, anonymous=True
        )
    else:
        own = (
            Organisation.objects.filter(
                path__startswith=served,
                kind__in=(OrgKind.CLASS_COMMITTEE, OrgKind.DEPARTMENT_UNION),
                roles__user_id=actor.pk,
                roles__role__in=(RoleKind.RIGHTS_OFFICER, RoleKind.UNION_ADMIN),
            )
            .distinct()
            .order_by()
        )
        handler = max(own, key=lambda o: len(o.path), default=None) or union
    with transaction.atomic():
        concern, code = _create(
            union=union,
            category=category,
            title=title,
            body=body,
            place=place,
            visibility=visibility,
            channel=channel,
            author=None,
            about_person=about_person,
            handler=handler,
            today=day,
            photos=[],
            notify=True,
        )
        audit(
            concern,
            "voice.concern.record_offline",
            actor=actor,
            role=acting_role(actor, Perm.HANDLE, handler.path) or "rights_officer",
            data={
                "category": category.code,
                "channel": channel,
                "visibility": visibility,
                "handler": handler.code,
                "about_cadre": about_person is not None,
            },
        )
    return Raised(concern, code)


# -- 我也遇到 -------------------------------------------------------------------------------

_SUPPORTABLE = (
    ConcernStatus.RECEIVED,
    ConcernStatus.IN_HAND,
    ConcernStatus.ANSWERED,
    ConcernStatus.REOPENED,
)


@transaction.atomic
def support(*, actor: Actor, concern: Concern) -> bool:
    """我也遇到: the student has the same problem. False when they already said so.

    Refused: signed out; their own concern; a concern that is not public (private,
    anonymous, sensitive, about a cadre); one closed, merged or withdrawn."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to say you are affected too."))
    if not access.is_public(concern):
        raise refuse(
            "not-public",
            gettext_noop("Only a public concern can be joined."),
        )
    if concern.author_id == actor.pk:
        raise refuse(
            "own-concern",
            gettext_noop("This is your own concern."),
        )
    if concern.status not in _SUPPORTABLE:
        raise refuse(
            "closed",
            gettext_noop("Concern {target} is closed."),
            target=concern.reference,
        )
    _row, created = Support.objects.get_or_create(concern=concern, user_id=actor.pk)
    if not created:
        return False
    Concern.objects.filter(pk=concern.pk).update(supporters=F("supporters") + 1)
    concern.refresh_from_db(fields=["supporters"])
    audit(concern, "voice.concern.support", actor=actor, role="student")
    return True


@transaction.atomic
def withdraw_support(*, actor: Actor, concern: Concern) -> None:
    """Take back one's 我也遇到 (nothing when there was none)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to say you are affected too."))
    deleted, _ = Support.objects.filter(concern=concern, user_id=actor.pk).delete()
    if not deleted:
        return
    Concern.objects.filter(pk=concern.pk, supporters__gt=0).update(
        supporters=F("supporters") - 1
    )
    concern.refresh_from_db(fields=["supporters"])
    audit(concern, "voice.concern.support_withdraw", actor=actor, role="student")
