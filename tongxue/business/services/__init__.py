"""Write a meeting's business: agenda, work report, charter motions, opinions, standing
delegates (CON-7, CON-8, CON-10, CON-13 · GS-8, GS-11, CQ-3, CQ-6).

Every service is keyword-only and atomic, checks the actor's permission
(``Perm.MANAGE`` at the meeting's union, at the department for a standing delegate;
any signed-in user for a student's opinion; ``actor=None`` is a system command) and
writes an audit record in the same transaction. The rules themselves live once in
:mod:`tongxue.domain.business`; the services call them as guards.

One module per section (:mod:`.agenda`, :mod:`.reports`, :mod:`.guidance`,
:mod:`.charter`, :mod:`.opinions`, :mod:`.standing`; their shared helpers in
:mod:`.common`), all re-exported here: ``from tongxue.business import services;
services.submit_work_report(...)``.
"""

from tongxue.business.services import (
    agenda,
    charter,
    common,
    guidance,
    opinions,
    reports,
    standing,
)
from tongxue.business.services.agenda import add_agenda_item, remove_agenda_item
from tongxue.business.services.charter import (
    current_charter,
    propose_charter_motion,
    record_charter,
    record_motion_vote,
)
from tongxue.business.services.common import entitled_voters
from tongxue.business.services.guidance import (
    GUIDANCE_READERS,
    GUIDANCE_RECORDERS,
    MSG_GUIDANCE_FORBIDDEN,
    SCHOOL_LEVEL_UNION_KINDS,
    guidance_kinds_for,
    record_guidance,
)
from tongxue.business.services.opinions import (
    carry_opinion_group,
    create_opinion_group,
    group_opinion,
    hide_opinion,
    submit_opinion,
)
from tongxue.business.services.reports import (
    MAX_ATTACHMENT_BYTES,
    file_written_report,
    review_work_report,
    submit_work_report,
    withdraw_work_report,
)
from tongxue.business.services.standing import (
    departments,
    end_standing_delegate,
    latest_congress,
    recommend_standing_delegate,
)

__all__ = [
    "GUIDANCE_READERS",
    "GUIDANCE_RECORDERS",
    "MAX_ATTACHMENT_BYTES",
    "MSG_GUIDANCE_FORBIDDEN",
    "SCHOOL_LEVEL_UNION_KINDS",
    "add_agenda_item",
    "agenda",
    "carry_opinion_group",
    "charter",
    "common",
    "create_opinion_group",
    "current_charter",
    "departments",
    "end_standing_delegate",
    "entitled_voters",
    "file_written_report",
    "group_opinion",
    "guidance",
    "guidance_kinds_for",
    "hide_opinion",
    "latest_congress",
    "opinions",
    "propose_charter_motion",
    "recommend_standing_delegate",
    "record_charter",
    "record_guidance",
    "record_motion_vote",
    "remove_agenda_item",
    "reports",
    "review_work_report",
    "standing",
    "submit_opinion",
    "submit_work_report",
    "withdraw_work_report",
]
