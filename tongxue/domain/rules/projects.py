"""Rule on project-based work: ORG-11 · GS-9, CQ-4.

"在职能部门分工的基础上实施项目化工作模式": on top of the division of work among its
functional departments, the union runs its work as projects. Read from the registry's
projects (:class:`~tongxue.domain.model.projects.ProjectRecord`: state and dates, never
a title or a person). A registry that does not record them (a snapshot: ``projects`` is
None) is not judged. Every school-level union of a university is judged (the plans'
functional departments are the school-level union's, GS-9 and CQ-4).

* ``ORG-11.no-project``: fewer than the profile's ``projects_min_per_term`` projects
  carried out (running or concluded; a planned or cancelled one does not count) on a day
  of the last term that is over (学期: spring from 1 March, autumn from 1 September, as
  TRN-1 reads it: :func:`tongxue.domain.rules.disclosure.previous_term`). The plans name
  no number: one a term is Tongxue's default. The term under way is not judged yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from tongxue.domain.audit import AuditContext, rule
from tongxue.domain.findings import Finding
from tongxue.domain.findings import gettext_noop as _
from tongxue.domain.model.projects import ProjectRecord
from tongxue.domain.rules.disclosure import previous_term, term_end
from tongxue.domain.rules.organisation import applies, school_level_unions

TERM_PARAMETER = "projects_min_per_term"


@rule("ORG-11")
def project_based_work(ctx: AuditContext) -> Iterator[Finding]:
    """ORG-11 · GS-9, CQ-4: the school-level union runs projects every term
    (实施项目化工作模式); see the module."""
    reg = ctx.registry
    if reg.projects is None:
        return
    term = previous_term(ctx.as_of)
    first, last = term.start, term_end(term)
    of: dict[str, list[ProjectRecord]] = defaultdict(list)
    for p in reg.projects:
        of[p.union].append(p)
    for union in school_level_unions(reg):
        profile = ctx.profile(union.code)
        if not applies(profile, TERM_PARAMETER):
            continue
        minimum = profile.int(TERM_PARAMETER)
        projects = of.get(union.code, [])
        count = sum(1 for p in projects if p.ran_during(first, last, ctx.as_of))
        if count >= minimum:
            continue
        started = [
            p.start for p in projects if p.ran_during(p.start, ctx.as_of, ctx.as_of)
        ]
        yield ctx.finding(
            rule="ORG-11.no-project",
            org=union.code,
            params=(TERM_PARAMETER,),
            message=_(
                "{org} carried out {projects_count} projects in the term {term} ({term_start} to {term_end}); at least {minimum} required (last project started: {last_project})."
            ),
            evidence={
                "term": term.code,
                "term_start": first.isoformat(),
                "term_end": last.isoformat(),
                "projects_count": count,
                "minimum": minimum,
                "last_project": max(started).isoformat() if started else "-",
            },
        )
