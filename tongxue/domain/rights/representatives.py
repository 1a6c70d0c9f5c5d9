"""Who represents the students of a school-level union, for RGT-6 (GS-一(三), CQ-一(三)).

"建立学生代表、学生干部直接联系同学、听取意见的制度": each delegate and each cadre is
reachable by the students they represent. The same definitions serve the audit
(``tongxue.domain.rules.contact``) and the relay's pages (``tongxue.voice.relay_*``):

* the **delegates** are those of the union's *current congress*: its newest congress
  (kind ``congress``) whose delegates are elected (a planned congress or one whose seats
  are only allocated has none yet). Its delegates serve until the next congress's are
  elected; the standing delegates (常任代表, CON-8) are among them;
* the **cadres** are the posts of the public roster (CAD-2, ``tongxue.cadres``): at the
  union the roles of ``main_cadre_roles`` with its president and vice-presidents; at each
  organisation directly under it (a department union, a functional department; not a
  class) its president, vice-presidents and head.

A person has a **contact route** when an active account is linked to them (the relay
delivers to their Tongxue inbox), or, for a cadre, when the post publishes an official
contact address (CAD-2's public contact).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from tongxue.domain.model import (
    SCHOOL_LEVEL_UNIONS,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OrgKind,
    Position,
    Registry,
    Role,
)

#: Roles always on the union's roster (besides the profile's ``main_cadre_roles``).
UNION_ROLES = frozenset({Role.PRESIDENT, Role.VICE_PRESIDENT})
#: Roles on the roster for an organisation directly under the union.
UNIT_ROLES = frozenset({Role.PRESIDENT, Role.VICE_PRESIDENT, Role.DEPARTMENT_HEAD})
#: A congress in these states has no delegates yet.
NOT_ELECTED = frozenset({MeetingStatus.PLANNED, MeetingStatus.SEATS_ALLOCATED})


def delegates_elected(status: MeetingStatus | None, delegates: int) -> bool:
    """Whether a congress in ``status`` with ``delegates`` delegates counts as current
    (a status not recorded is a meeting held)."""
    return delegates > 0 and status not in NOT_ELECTED


def current_congress(meetings: Iterable[Meeting]) -> Meeting | None:
    """The newest congress of ``meetings`` (one union's) whose delegates are elected."""
    found = [
        m
        for m in meetings
        if m.kind == MeetingKind.CONGRESS
        and delegates_elected(m.status, len(m.delegates))
    ]
    if not found:
        return None
    return max(found, key=lambda m: (m.opened, m.code))


def roster_positions(
    registry: Registry, union: str, main_roles: Iterable[Role], day: date
) -> list[Position]:
    """The cadres' posts of ``union`` held on ``day`` (the roster's posts)."""
    at_union = UNION_ROLES | set(main_roles)
    out = [
        p
        for p in registry.positions_of.get(union, ())
        if p.role in at_union and p.active_on(day)
    ]
    for kid in registry.kids(union):
        if kid.kind == OrgKind.CLASS_COMMITTEE:
            continue
        out += [
            p
            for p in registry.positions_of.get(kid.code, ())
            if p.role in UNIT_ROLES and p.active_on(day)
        ]
    return out


def unreachable(
    registry: Registry, union: str, main_roles: Iterable[Role], day: date
) -> list[str]:
    """The ids of ``union``'s delegates and cadres without a contact route on ``day``,
    sorted (empty when the registry does not record accounts)."""
    reachable = registry.reachable
    if reachable is None:
        return []
    people: set[str] = set()
    congress = current_congress(registry.meetings_of.get(union, ()))
    if congress is not None:
        people |= {p for p in congress.delegates if p not in reachable}
    posts = roster_positions(registry, union, main_roles, day)
    published = {p.person for p in posts if p.public_contact.strip()}
    people |= {
        p.person
        for p in posts
        if p.person not in reachable and p.person not in published
    }
    return sorted(people)


def online_unions(registry: Registry) -> frozenset[str] | None:
    """The school-level unions run on Tongxue: someone holds a role at the union or an
    organisation below it (``Registry.role_holders``); None when the registry does not
    say (every union counts as run here)."""
    holders = registry.role_holders
    if holders is None:
        return None
    found: set[str] = set()
    for code in holders:
        seen: set[str] = set()
        org = registry.org.get(code)
        while org is not None and org.code not in seen:
            seen.add(org.code)
            if org.kind in SCHOOL_LEVEL_UNIONS:
                found.add(org.code)
                break
            org = registry.org.get(org.parent) if org.parent else None
    return frozenset(found)
