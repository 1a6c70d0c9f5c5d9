"""Demo: the union's ledger (TRN-4 · GS-14, CQ-9).

For the school union of the demo accounts, through the services: the accounts
``treasurer`` (财务委员) and ``approver`` (财务审批人) at the union; the League advisor is
the demo's ``advisor``. The school year's ledger gets the school's allocation and a
sponsorship (naming the sponsor), budget lines by category, expenditures approved by the
approver (and one above the 2,000 元 threshold by the advisor), one paid to a student (her
name masked on the public page), one corrected by a reversing entry and entered again,
one awaiting approval and one draft. The last finished term is disclosed. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxue.core import auditlog
from tongxue.core.models import RoleAssignment, RoleKind
from tongxue.demo.accounts import AUDIT_LABEL, DEMO_PASSWORD, demo_organisations
from tongxue.domain.terms import term_of
from tongxue.finances import services
from tongxue.finances.models import Entry, Ledger
from tongxue.organisations.models import Organisation, OrgKind

TREASURER = "treasurer"
APPROVER = "approver"
#: The demo accounts this module creates.
ACCOUNTS = (TREASURER, APPROVER)


def _account(username: str, role: str, union: Organisation) -> Any:
    user, new = get_user_model().objects.get_or_create(username=username)
    if new:
        user.password = make_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        auditlog.record(
            actor=None,
            action="demo.user_created",
            target=username,
            label=AUDIT_LABEL,
            data={"superuser": False, "demo": True},
        )
    _row, granted = RoleAssignment.objects.get_or_create(
        user=user, organisation=union, role=role
    )
    if granted:
        auditlog.record(
            actor=None,
            action="demo.role_granted",
            organisation=union.code,
            target=username,
            role=role,
            label=AUDIT_LABEL,
            data={"role": role, "demo": True},
        )
    return user


def _union(scale: str) -> Organisation | None:
    union = demo_organisations(scale=scale)[RoleKind.UNION_ADMIN]
    if union is None or union.parent is None or union.parent.kind != OrgKind.SCHOOL:
        return None
    return union


def seed(*, scale: str, as_of: dt.date) -> str:
    union = _union(scale)
    if union is None:
        return ""
    if Ledger.objects.filter(union=union).exists():
        return _("finances already seeded")
    advisor = get_user_model().objects.filter(username="advisor").first()
    with transaction.atomic():
        treasurer = _account(TREASURER, RoleKind.TREASURER, union)
        approver = _account(APPROVER, RoleKind.FINANCE_APPROVER, union)
        entries = _story(union, treasurer, approver, advisor, as_of)
    return _(
        "{union}: ledger /finances/{union}/ ({n} entries; accounts treasurer and "
        "approver), public page /finances/{union}/open/{term}/"
    ).format(union=union.code, n=entries, term=term_of(_today(as_of)).code)


def _today(as_of: dt.date) -> dt.date:
    return min(as_of, timezone.localdate())


def _story(
    union: Organisation, treasurer: Any, approver: Any, advisor: Any, as_of: dt.date
) -> int:
    today = _today(as_of)
    start = term_of(today).start
    span = max((today - start).days, 0)

    def day(share: float) -> dt.date:
        return start + dt.timedelta(days=int(span * share))

    def enter(kind: str, amount: str, summary: str, when: dt.date, **kw: Any) -> Entry:
        return services.enter(
            actor=treasurer,
            union=union,
            kind=kind,
            amount=amount,
            day=when,
            summary=summary,
            **kw,
        )

    def approve(entry: Entry, by: Any = None) -> Entry:
        services.submit(actor=treasurer, entry=entry)
        return services.decide(actor=by or approver, entry=entry, approve=True)

    # above the 2,000 元 threshold only the League advisor approves
    big = "2800.00" if advisor is not None else "1800.00"
    approve(
        enter(
            "income",
            "20000.00",
            "学校拨付本学年学生会工作经费",
            day(0),
            source="school_allocation",
        )
    )
    approve(
        enter(
            "income",
            "3000.00",
            "迎新晚会赞助",
            day(0.1),
            source="sponsorship",
            sponsor="晨光文具校园店",
        )
    )
    for category, amount, text in (
        ("activities", "12000.00", "本学年活动经费预算"),
        ("publicity", "3000.00", "宣传印刷预算"),
        ("training", "2000.00", "学生干部培训预算"),
        ("office", "1500.00", "办公用品预算"),
        ("prizes", "1500.00", "奖品预算"),
    ):
        approve(enter("budget", amount, text, day(0), category=category))
    approve(
        enter(
            "expenditure",
            big,
            "迎新晚会舞台灯光音响租赁",
            day(0.2),
            category="activities",
            project="迎新晚会",
            payee="星海演艺设备租赁有限公司",
        ),
        by=advisor,
    )
    approve(
        enter(
            "expenditure",
            "356.80",
            "迎新晚会海报和展板印刷",
            day(0.25),
            category="publicity",
            project="迎新晚会",
            payee="博文图文快印",
        )
    )
    approve(
        enter(
            "expenditure",
            "200.00",
            "校园十佳歌手比赛一等奖奖金",
            day(0.4),
            category="prizes",
            project="校园十佳歌手",
            payee="王晓雨",
            payee_is_student=True,
        )
    )
    wrong = approve(
        enter(
            "expenditure",
            "1250.00",
            "学生干部培训会场租用",
            day(0.5),
            category="training",
            payee="学校会议中心",
        )
    )
    reversal = services.reverse(
        actor=treasurer, entry=wrong, reason="冲销：金额录入错误（应为 125.00 元）"
    )
    approve(reversal)
    approve(
        enter(
            "expenditure",
            "125.00",
            "学生干部培训会场租用（更正）",
            day(0.5),
            category="training",
            payee="学校会议中心",
        )
    )
    submitted = enter(
        "expenditure",
        "89.50",
        "办公室打印纸和签字笔",
        day(0.8),
        category="office",
        payee="校园超市",
    )
    services.submit(actor=treasurer, entry=submitted)
    enter(
        "expenditure",
        "60.00",
        "社团巡礼活动矿泉水",
        today,
        category="activities",
        payee="校园超市",
    )
    previous = term_of(start - dt.timedelta(days=1)).code
    services.disclose(
        actor=treasurer,
        union=union,
        term=previous,
        note="上学期收支已于学期末向全体同学公开。",
    )
    return Entry.objects.filter(ledger__union=union).count()
