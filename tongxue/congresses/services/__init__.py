"""Write congresses: planning, seats, delegates and the lifecycle (CON-2 … CON-6 · GS-8, CQ-3).

Every service is keyword-only and atomic, checks the actor's permission at the
meeting's union (``actor=None`` is a system command and is allowed), and writes an
audit record in the same transaction. The plan's arithmetic and checks are in the
domain (:mod:`tongxue.domain.apportionment`, :mod:`tongxue.domain.seats`).

* :mod:`.planning`: :func:`plan_congress` (CON-2: an all-student assembly only for a
  small department);
* :mod:`.seats`: :func:`allocate_seats` by department, the house and its checks
  (CON-3, CON-4); :mod:`.grades`: :func:`allocate_seats_by_grade` by department ×
  grade with the main clubs (CON-4);
* :mod:`.transitions`: freezing the seats and the delegate list (CON-5), convening,
  closing, each through :func:`tongxue.core.lifecycle.transition`;
* :mod:`.delegates`: :func:`enter_delegate` and :func:`remove_delegate` (CON-4,
  CON-6); :mod:`.delegate_import`: :func:`import_delegates` from a CSV upload.

``from tongxue.congresses import services; services.allocate_seats(...)`` works as
before: every public name is re-exported here.
"""

from __future__ import annotations

from tongxue.congresses.services.delegate_import import (
    CSV_COLUMNS,
    RowError,
    import_delegates,
)
from tongxue.congresses.services.delegates import (
    ELECTING_KINDS,
    ElectionInput,
    enter_delegate,
    remove_delegate,
)
from tongxue.congresses.services.grades import (
    BIPROPORTIONAL_MAX_ITERATIONS,
    Matrix,
    allocate_seats_by_grade,
    main_clubs,
    registry_matrix,
)
from tongxue.congresses.services.planning import ASSEMBLY_PARAMETER, plan_congress
from tongxue.congresses.services.seats import (
    QUOTA_KINDS,
    QUOTA_PARAMETER,
    QUOTA_RULE,
    allocate_seats,
    departments,
    minimum_house,
    quota_justified,
)
from tongxue.congresses.services.transitions import (
    NON_CORE_RULE,
    close,
    convene,
    freeze_delegates,
    freeze_seats,
    unfreeze_seats,
)
from tongxue.organisations.profiles import governing_profile

__all__ = [
    "ASSEMBLY_PARAMETER",
    "BIPROPORTIONAL_MAX_ITERATIONS",
    "CSV_COLUMNS",
    "ELECTING_KINDS",
    "NON_CORE_RULE",
    "QUOTA_KINDS",
    "QUOTA_PARAMETER",
    "QUOTA_RULE",
    "ElectionInput",
    "Matrix",
    "RowError",
    "allocate_seats",
    "allocate_seats_by_grade",
    "close",
    "convene",
    "departments",
    "enter_delegate",
    "freeze_delegates",
    "freeze_seats",
    "governing_profile",
    "import_delegates",
    "main_clubs",
    "minimum_house",
    "plan_congress",
    "quota_justified",
    "registry_matrix",
    "remove_delegate",
    "unfreeze_seats",
]
