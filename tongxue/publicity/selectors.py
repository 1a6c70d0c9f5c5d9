"""Read public notices and their state (ELE-4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tongxue.domain.publicity import NoticeState, notice_state
from tongxue.publicity.models import Notice, Objection


@dataclass(frozen=True)
class NoticeStatus:
    state: NoticeState
    starts: date
    ends: date
    objections: int
    unanswered: int
    upheld: int

    @property
    def running(self) -> bool:
        return self.state == NoticeState.RUNNING

    @property
    def effective(self) -> bool:
        return self.state == NoticeState.EFFECTIVE


def notice_for(
    subject_type: str, subject_id: int, kind: str | None = None
) -> Notice | None:
    """Return the newest notice about a subject (of a kind), or None."""
    qs = Notice.objects.filter(subject_type=subject_type, subject_id=subject_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.select_related("organisation").order_by("-created_at", "-id").first()


def _counts(notice: Notice) -> tuple[int, int, int]:
    annotated = getattr(notice, "n_objections", None)
    if annotated is not None:
        return (
            notice.n_objections,  # type: ignore[attr-defined]
            notice.n_unanswered,  # type: ignore[attr-defined]
            notice.n_upheld,  # type: ignore[attr-defined]
        )
    agg = Objection.objects.filter(notice=notice).aggregate(
        total=Count("id"),
        unanswered=Count("id", filter=Q(answered_at__isnull=True)),
        upheld=Count("id", filter=Q(upheld=True)),
    )
    return agg["total"], agg["unanswered"], agg["upheld"]


def notice_status(notice: Notice, today: date | None = None) -> NoticeStatus:
    """Return the state of a notice on ``today`` with its objection counts."""
    total, unanswered, upheld = _counts(notice)
    state = notice_state(
        ends=notice.ends,
        today=today or timezone.localdate(),
        unanswered=unanswered,
        upheld=upheld,
        withdrawn=notice.withdrawn_at is not None,
    )
    return NoticeStatus(state, notice.starts, notice.ends, total, unanswered, upheld)


def takes_effect(notice: Notice | None, today: date | None = None) -> bool:
    """Return whether the subject of ``notice`` may take effect (ELE-4).

    The period is over, every objection is answered and none was upheld.
    """
    if notice is None:
        return False
    return notice_status(notice, today).effective


def may_withdraw(notice: Notice, today: date | None = None) -> bool:
    """Whether ``notice`` can still be withdrawn: not withdrawn, not ended (ELE-4)."""
    day = today or timezone.localdate()
    return notice.withdrawn_at is None and day <= notice.ends


def with_counts(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    return qs.annotate(
        n_objections=Count("objections"),
        n_unanswered=Count(
            "objections", filter=Q(objections__answered_at__isnull=True)
        ),
        n_upheld=Count("objections", filter=Q(objections__upheld=True)),
    )


def notices(
    *, running_only: bool = False, organisation_path: str | None = None
) -> QuerySet[Notice]:
    """Return notices newest first, with objection counts, for a list page."""
    qs = Notice.objects.select_related("organisation")
    if running_only:
        today = timezone.localdate()
        qs = qs.filter(starts__lte=today, ends__gte=today, withdrawn_at__isnull=True)
    if organisation_path:
        qs = qs.filter(organisation__path__startswith=organisation_path)
    return with_counts(qs).order_by("-starts", "-id")
