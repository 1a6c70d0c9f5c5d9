"""Who may see and handle a concern: the one place (RGT-1, RGT-7, CAD-8).

Three kinds of concern, by what they are about:

* **ordinary** (neither sensitive nor about a cadre): a *public* one is seen by
  everyone — its masked text (``public_title``, ``public_body``), place, category,
  status, public timeline and photos, never who raised it; a *private* or *anonymous*
  one by its author and its handlers only. The handlers are the users holding
  ``Perm.HANDLE`` (rights officers, office handlers, union and federation
  administrators, the operator) at the organisation handling it now, at one it was
  handed to before (an office the union chases, 督办), or at the union it was raised in
  — roles cover their subtree;
* **sensitive** (RGT-7: 心理, 经济困难, 歧视骚扰 …): never public; seen by its author and
  the union's named handlers for sensitive concerns (:class:`~tongxue.voice.models.
  NamedHandler` ``sensitive``) only — not by the other handlers, not by an office, not
  by the operator;
* **about a cadre** (CAD-8, ``about_person`` set): never public; seen by its author,
  the union's named handlers for concerns about cadres and the League advisors of the
  union (who do not act on it), and **never** by the person it is about, whatever
  role that person holds.

Identity (:func:`shows_identity`): the author of a *private* concern is shown to its
handlers; a public one's author to nobody but themself; an anonymous concern has no
author at all (its follow-up code is kept as a hash), so nobody is ever shown one.

:func:`viewer` reads what a user is (three queries); :func:`can_view`,
:func:`can_handle` and :func:`shows_identity` answer for one concern (plus one query
for the organisations it was handed to), :func:`visible_to_handler_q` as a filter
for lists.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q

from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.core.permissions import GRANTS, Perm
from tongxue.organisations.models import OrgKind, Person
from tongxue.voice.models import (
    Concern,
    ConcernEvent,
    EventKind,
    NamedHandler,
    Visibility,
)

__all__ = [
    "HANDED",
    "Viewer",
    "can_handle",
    "can_view",
    "code_matches",
    "forget_handed",
    "hash_code",
    "is_author",
    "is_public",
    "normalise_code",
    "offline_unions_q",
    "sees_as_handler",
    "shows_identity",
    "viewer",
    "visible_to_handler_q",
]

#: The events that hand a concern to an organisation (its handlers keep seeing it).
HANDED = (EventKind.RAISED, EventKind.FORWARDED, EventKind.ESCALATED)


@dataclass(frozen=True)
class Viewer:
    """What a user is, for the rules here (read once: :func:`viewer`)."""

    user_id: int | None = None
    superuser: bool = False
    #: Paths of the organisations where a role grants HANDLE (covering their subtree).
    handle_paths: tuple[str, ...] = ()
    #: Paths of the organisations where the user is a League advisor.
    advisor_paths: tuple[str, ...] = ()
    #: Unions naming the user for sensitive concerns, and for concerns about cadres.
    named_sensitive: frozenset[int] = field(default_factory=frozenset)
    named_cadres: frozenset[int] = field(default_factory=frozenset)
    person_id: int | None = None

    @property
    def signed_in(self) -> bool:
        return self.user_id is not None


ANONYMOUS_VIEWER = Viewer()


def viewer(user: Any) -> Viewer:
    """Read the user's roles, namings and person (three queries; none when signed out)."""
    if isinstance(user, Viewer):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS_VIEWER
    handle: list[str] = []
    advisor: list[str] = []
    for role, path in RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "organisation__path"
    ):
        if Perm.HANDLE in GRANTS.get(role, frozenset()):
            handle.append(path)
        if role == RoleKind.LEAGUE_ADVISOR:
            advisor.append(path)
    sensitive: set[int] = set()
    cadres: set[int] = set()
    for union_id, s, c in NamedHandler.objects.filter(user_id=user.pk).values_list(
        "union_id", "sensitive", "about_cadres"
    ):
        if s:
            sensitive.add(union_id)
        if c:
            cadres.add(union_id)
    person_id = (
        Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
    )
    return Viewer(
        user_id=user.pk,
        superuser=bool(getattr(user, "is_superuser", False)),
        handle_paths=tuple(sorted(set(handle))),
        advisor_paths=tuple(sorted(set(advisor))),
        named_sensitive=frozenset(sensitive),
        named_cadres=frozenset(cadres),
        person_id=person_id,
    )


# -- one concern ---------------------------------------------------------------------


def is_public(concern: Concern) -> bool:
    """Whether everyone may see the concern (its public text, never its author)."""
    return (
        concern.visibility == Visibility.PUBLIC
        and not concern.sensitive
        and concern.about_person_id is None
    )


def is_author(user: Any, concern: Concern) -> bool:
    v = viewer(user)
    return (
        v.signed_in and concern.author_id is not None and concern.author_id == v.user_id
    )


def normalise_code(code: str | None) -> str:
    """A follow-up code as typed back from paper or a phone, in the one form that is
    hashed when the code is given and when it is looked up: full-width characters
    (a Chinese input method) read as their ASCII ones, upper case, and every dash,
    space or other separator dropped ("abcd efgh-jk2m" and "ＡＢＣＤ－ＥＦＧＨ…" are
    "ABCDEFGHJK2M")."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def hash_code(code: str) -> str:
    """The stored form of an anonymous concern's follow-up code: the sha256 (hex) of
    :func:`normalise_code` — used when the code is given and when it is looked up."""
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def code_matches(concern: Concern, code: str | None) -> bool:
    """Whether ``code`` is the concern's follow-up code."""
    if not code or not normalise_code(code) or not concern.tracking_hash:
        return False
    return hmac.compare_digest(hash_code(code), concern.tracking_hash)


def _covers(paths: tuple[str, ...], path: str) -> bool:
    return any(path.startswith(p) for p in paths)


def _handed_paths(concern: Concern) -> list[str]:
    """Paths of the organisations the concern was handed to (one query, then kept on
    the object for the other questions of the same request)."""
    cached = getattr(concern, "_voice_handed", None)
    if cached is None:
        cached = list(
            ConcernEvent.objects.filter(
                concern_id=concern.pk, kind__in=HANDED, to_org__isnull=False
            ).values_list("to_org__path", flat=True)
        )
        concern._voice_handed = cached  # type: ignore[attr-defined]
    return cached


def forget_handed(concern: Concern) -> None:
    """Drop the kept hand-overs (after the concern was handed on)."""
    concern.__dict__.pop("_voice_handed", None)


def _as_handler(v: Viewer, concern: Concern, *, acting: bool) -> bool:
    """Whether ``v`` sees (``acting``: handles) the concern as one of its handlers."""
    if not v.signed_in:
        return False
    if concern.about_person_id is not None:
        if v.person_id is not None and v.person_id == concern.about_person_id:
            return False  # never the cadre concerned (CAD-8)
        if concern.union_id in v.named_cadres:
            return True
        return not acting and _covers(v.advisor_paths, concern.union.path)
    if concern.sensitive:
        return concern.union_id in v.named_sensitive
    if v.superuser:
        return True
    if not v.handle_paths:
        return False
    if _covers(v.handle_paths, concern.handler.path) or _covers(
        v.handle_paths, concern.union.path
    ):
        return True
    return any(_covers(v.handle_paths, p) for p in _handed_paths(concern))


def can_view(user: Any, concern: Concern) -> bool:
    """Whether the user may open the concern (see the module for who)."""
    v = viewer(user)
    if (
        concern.about_person_id is not None
        and v.person_id is not None
        and v.person_id == concern.about_person_id
    ):
        return False
    if is_author(v, concern) or is_public(concern):
        return True
    return _as_handler(v, concern, acting=False)


def sees_as_handler(user: Any, concern: Concern) -> bool:
    """Whether the user sees the concern as one of its handlers (its text as written,
    the whole timeline): those who may act on it, and the League advisors of a
    concern about a cadre."""
    return _as_handler(viewer(user), concern, acting=False)


def can_handle(user: Any, concern: Concern) -> bool:
    """Whether the user may act on the concern as a handler (acknowledge, forward,
    answer, merge, note, verify). The League advisor sees a concern about a cadre but
    does not act on it; nobody acts on a concern about themself."""
    return _as_handler(viewer(user), concern, acting=True)


def shows_identity(user: Any, concern: Concern) -> bool:
    """Whether the page shows this user who raised the concern.

    Never for an anonymous concern (there is no author) nor to the public; the author
    sees their own; the handlers of a private concern see its author.
    """
    if concern.author_id is None:
        return False
    v = viewer(user)
    if is_author(v, concern):
        return True
    if concern.visibility != Visibility.PRIVATE:
        return False
    return _as_handler(v, concern, acting=False)


# -- offline concerns -------------------------------------------------------------------


def _path_prefixes(path: str) -> list[str]:
    """The paths at and above ``path`` ("/A/B/" -> "/A/", "/A/B/")."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


#: Roles that record concerns for the union whose students they serve (RGT-1).
RECORDING_ROLES = (RoleKind.RIGHTS_OFFICER, RoleKind.UNION_ADMIN)


def offline_unions_q(user: Any) -> Q:
    """The organisations for which the user may record a concern received offline, as
    :func:`tongxue.voice.services.record_offline` decides, as a filter on
    :class:`~tongxue.organisations.models.Organisation` (the caller keeps the
    school-level unions): ``Perm.HANDLE`` at the union or above, or a rights officer
    or union administrator among the students the union serves (its school, or the
    union itself when it is not under a school); any for the operator (one query)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if getattr(user, "is_superuser", False):
        return Q()
    q = Q(pk__in=[])
    for role, path in RoleAssignment.objects.filter(user_id=user.pk).values_list(
        "role", "organisation__path"
    ):
        if Perm.HANDLE in GRANTS.get(role, frozenset()):
            q |= Q(path__startswith=path)
        if role in RECORDING_ROLES:
            above = _path_prefixes(path)
            q |= Q(path__in=above) | Q(
                parent__kind=OrgKind.SCHOOL, parent__path__in=above
            )
    return q


# -- lists -----------------------------------------------------------------------------


def _prefixes(field_name: str, paths: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(**{f"{field_name}__startswith": p})
    return q


def visible_to_handler_q(user: Any) -> Q:
    """The concerns the user sees as a handler (the handler queue), as a filter on
    :class:`~tongxue.voice.models.Concern`; never one the user is the subject of."""
    v = viewer(user)
    nothing = Q(pk__in=[])
    if not v.signed_in:
        return nothing
    ordinary = Q(sensitive=False, about_person__isnull=True)
    if v.superuser:
        seen = ordinary
    elif v.handle_paths:
        handed = Exists(
            ConcernEvent.objects.filter(
                concern_id=OuterRef("pk"), kind__in=HANDED
            ).filter(_prefixes("to_org__path", v.handle_paths))
        )
        seen = ordinary & (
            _prefixes("handler__path", v.handle_paths)
            | _prefixes("union__path", v.handle_paths)
            | handed
        )
    else:
        seen = nothing
    if v.named_sensitive:
        seen |= Q(
            sensitive=True,
            about_person__isnull=True,
            union_id__in=sorted(v.named_sensitive),
        )
    cadre = Q(union_id__in=sorted(v.named_cadres)) | _prefixes(
        "union__path", v.advisor_paths
    )
    if v.named_cadres or v.advisor_paths:
        about = Q(about_person__isnull=False) & cadre
        if v.person_id is not None:
            about &= ~Q(about_person_id=v.person_id)
        seen |= about
    return seen
