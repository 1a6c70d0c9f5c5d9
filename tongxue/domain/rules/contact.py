"""RGT-6 · GS-一(三), CQ-一(三): delegates and cadres in direct contact with students.

"建立学生代表、学生干部直接联系同学、听取意见的制度". Tongxue's relay (``tongxue.voice``,
docs/voice.md, "Contact your delegate or cadre") lets a student write to each delegate
and cadre who represents them; the audit checks that each can be reached: the registry's
:attr:`~tongxue.domain.model.Registry.reachable` lists the delegates and post holders
with an active account (filled by the voice app's part of the registry), and a cadre's
post may publish an official contact instead (CAD-2). A registry that does not record
accounts (a snapshot: ``reachable`` is None) is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model import Role
from tongxue.domain.rights.representatives import online_unions, unreachable
from tongxue.domain.rules.organisation import applies, roles, school_level_unions

#: How many names a finding's message shows (the ids are all in the evidence).
NAMES_SHOWN = 10


@rule("RGT-6")
def contact_routes(ctx: AuditContext) -> Iterator[Finding]:
    """RGT-6 · GS-一(三), CQ-一(三): every delegate of a school-level union's current
    congress and every cadre on its roster has a contact route on the audit day.

    Every school-level union of a university run on Tongxue (someone holds a role at
    it or below: ``Registry.role_holders``), when the registry records accounts: one
    ``RGT-6.no-contact-route`` finding per union listing the delegates and cadres
    without an active account (a cadre whose post publishes an official contact is
    reachable). The plans say each (建立……制度) and give no share: none may be missing.
    """
    reg = ctx.registry
    if reg.reachable is None:
        return
    online = online_unions(reg)
    for union in school_level_unions(reg):
        if online is not None and union.code not in online:
            continue  # not run on Tongxue: its accounts say nothing of its routes
        profile = ctx.profile(union.code)
        main: frozenset[Role] = (
            roles(profile, "main_cadre_roles")
            if applies(profile, "main_cadre_roles")
            else frozenset()
        )
        missing = unreachable(reg, union.code, main, ctx.as_of)
        if not missing:
            continue
        names = [
            p.name if (p := reg.person.get(pid)) is not None else pid
            for pid in missing[:NAMES_SHOWN]
        ]
        more = len(missing) - len(names)
        yield ctx.finding(
            rule="RGT-6.no-contact-route",
            org=union.code,
            params=(),
            message=_(
                "{org}: {missing_count} delegates and cadres cannot be reached by the students they represent (no active account): {names}."
            ),
            evidence={
                "missing_count": len(missing),
                "names": "、".join(names) + (f" (+{more})" if more else ""),
                "people": missing,
            },
        )
