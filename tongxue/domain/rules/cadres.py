"""Rules on student cadres (学生干部): CAD-2."""

from __future__ import annotations

from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.rules.organisation import (
    active_positions,
    applies,
    roles,
    school_level_unions,
)


@rule("CAD-2")
def public_contacts(ctx: AuditContext) -> Iterator[Finding]:
    """CAD-2 · GS-12, CQ-7: the main cadres of a school-level union have a public contact."""
    reg = ctx.registry
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, "main_cadre_roles"):
            continue
        main = roles(profile, "main_cadre_roles")
        for pos in active_positions(reg, [union.code], ctx):
            if pos.role in main and not pos.public_contact.strip():
                person = reg.person.get(pos.person)
                yield ctx.finding(
                    rule="CAD-2.contact-missing",
                    org=union.code,
                    params=("main_cadre_roles",),
                    message=_(
                        "{org}: {name} ({title}) is a main cadre without a public contact."
                    ),
                    evidence={
                        "person": pos.person,
                        "name": person.name if person is not None else pos.person,
                        "title": pos.title,
                        "role": str(pos.role),
                    },
                )
