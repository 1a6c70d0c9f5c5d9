"""Business pages: a meeting's business, a union's charter and its standing delegates.

The pages are public (agenda, work report, motions with their diffs and results,
opinions without names, the charter and its history, the standing delegates by name and
department). Managers (``Perm.MANAGE`` at the union; a department's admins for its
standing delegates) see the forms. Views only parse input, call
:mod:`tongxue.business.services` and map a ``Refusal`` to a form error; every POST
redirects back to its page (the forms work without JavaScript).

One module per page (:mod:`.meetings`, :mod:`.opinions`, :mod:`.charters`,
:mod:`.standing_delegates`, :mod:`.guidance_records`; what they share in
:mod:`.common`), all re-exported here for ``urls.py``.
"""

from tongxue.business.views.charters import charter, charter_version
from tongxue.business.views.guidance_records import guidance, organisation_context
from tongxue.business.views.meetings import (
    add_agenda_item,
    meeting,
    motion,
    propose_motion,
    remove_agenda_item,
    report_attachment,
    review_report,
    submit_report,
    withdraw_report,
)
from tongxue.business.views.opinions import (
    carry_group,
    create_group,
    group_opinion,
    hide_opinion,
    submit_opinion,
)
from tongxue.business.views.standing_delegates import (
    end_standing,
    file_written_report,
    standing,
)

__all__ = [
    "add_agenda_item",
    "carry_group",
    "charter",
    "charter_version",
    "create_group",
    "end_standing",
    "file_written_report",
    "group_opinion",
    "guidance",
    "hide_opinion",
    "meeting",
    "motion",
    "organisation_context",
    "propose_motion",
    "remove_agenda_item",
    "report_attachment",
    "review_report",
    "standing",
    "submit_opinion",
    "submit_report",
    "withdraw_report",
]
