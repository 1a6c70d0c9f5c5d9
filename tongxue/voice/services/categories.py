"""The union's settings of its channel: categories (and who takes each first) and the
named handlers of sensitive concerns (RGT-7) and of concerns about cadres (CAD-8).

By the union's managers (``Perm.MANAGE`` at the union: its administrators, the
federation above, the operator).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tongxue.core import auditlog
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.core.permissions import Perm, require
from tongxue.organisations.models import Organisation
from tongxue.voice.models import Category, NamedHandler
from tongxue.voice.selectors import SCHOOL_LEVEL, forward_target_q
from tongxue.voice.services.shared import clean_text

#: A category's deadline may not be longer than this many working days.
MAX_DAYS = 60
_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")

#: The categories a union starts with (code, name, English name, sensitive, about a
#: cadre); the union edits them. 心理, 经济困难 and 歧视骚扰 are sensitive (RGT-7);
#: 学生干部 is about cadres (CAD-8).
DEFAULT_CATEGORIES: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("food", "饮食", "Food and canteens", False, False),
    ("housing", "住宿", "Dormitories", False, False),
    ("teaching", "教学", "Teaching", False, False),
    ("exams", "考试", "Examinations", False, False),
    ("fees", "收费资助", "Fees and financial aid", False, False),
    ("safety", "安全", "Safety", False, False),
    ("network", "网络", "Network", False, False),
    ("transport", "交通", "Transport", False, False),
    ("mental", "心理", "Mental health", True, False),
    ("hardship", "经济困难", "Financial hardship", True, False),
    ("harassment", "歧视骚扰", "Discrimination and harassment", True, False),
    ("cadre", "学生干部", "Student cadres", False, True),
    ("other", "其他", "Other", False, False),
)


def _check_manage(actor: Actor, union: Organisation) -> str:
    if union.kind not in SCHOOL_LEVEL:
        raise refuse(
            "not-a-union",
            gettext_noop("{target} does not take students' concerns."),
            target=union.name,
        )
    return require(actor, Perm.MANAGE, union.path, target=union.name)


def _days(field: str, value: int | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise refuse(
            "invalid",
            gettext_noop("Enter a number of working days from 1 to {limit}."),
            field=field,
            limit=MAX_DAYS,
        )
    return days


@transaction.atomic
def save_category(
    *,
    actor: Actor,
    union: Organisation,
    code: str,
    name: str,
    name_en: str = "",
    sensitive: bool = False,
    about_cadre: bool = False,
    default_handler: Organisation | None = None,
    acknowledge_days: int | None = None,
    answer_days: int | None = None,
    active: bool = True,
    category: Category | None = None,
) -> Category:
    """Add a category to the union's list, or change ``category``.

    The default handler must be one a concern may be handed to (a unit of the union's
    tree, an office of the school, the federation above). Changing a category does not
    change the concerns already raised in it (their deadlines and sensitivity stay)."""
    role = _check_manage(actor, union)
    code = clean_text("code", code, limit=40)
    if not _CODE.match(code):
        raise refuse(
            "invalid",
            gettext_noop("A code is letters, digits, “-” and “_” only."),
            field="code",
        )
    name = clean_text("name", name, limit=60)
    name_en = clean_text("name_en", name_en, limit=60, required=False)
    ack = _days("acknowledge_days", acknowledge_days)
    ans = _days("answer_days", answer_days)
    if ack is not None and ans is not None and ans < ack:
        raise refuse(
            "invalid",
            gettext_noop("The answer cannot be due before the acknowledgement."),
            field="answer_days",
        )
    if default_handler is not None and not (
        Organisation.objects.filter(
            forward_target_q(union), pk=default_handler.pk
        ).exists()
    ):
        raise refuse(
            "invalid",
            gettext_noop("{name} cannot take the union's concerns."),
            field="default_handler",
            name=default_handler.name,
        )
    if category is not None and category.union_id != union.pk:
        raise refuse(
            "invalid",
            gettext_noop("Choose one of the union's categories."),
            field="category",
        )
    clash = Category.objects.filter(union=union, code=code)
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise refuse(
            "duplicate",
            gettext_noop("The union already has a category “{value}”."),
            field="code",
            value=code,
        )
    values: dict[str, Any] = {
        "code": code,
        "name": name,
        "name_en": name_en,
        "sensitive": bool(sensitive),
        "about_cadre": bool(about_cadre),
        "default_handler": default_handler,
        "acknowledge_days": ack,
        "answer_days": ans,
        "active": bool(active),
    }
    if category is None:
        last = Category.objects.filter(union=union).order_by("-order").first()
        category = Category.objects.create(
            union=union, order=(last.order + 1) if last else 0, **values
        )
        before: dict[str, Any] = {}
    else:
        before = {
            k: (
                getattr(category, f"{k}_id")
                if k == "default_handler"
                else getattr(category, k)
            )
            for k in values
        }
        for k, v in values.items():
            setattr(category, k, v)
        category.save(update_fields=[*values])
    after = {
        k: (v.code if isinstance(v, Organisation) else v) for k, v in values.items()
    }
    auditlog.record(
        actor=actor,
        action="voice.category.save",
        organisation=union.code,
        target=code,
        role=role,
        data={"before": before, "after": after} if before else {"after": after},
    )
    return category


def ensure_default_categories(union: Organisation) -> None:
    """Give the union the starting categories it does not have yet (by code)."""
    with transaction.atomic():
        have = set(Category.objects.filter(union=union).values_list("code", flat=True))
        missing = [c for c in DEFAULT_CATEGORIES if c[0] not in have]
        if not missing:
            return
        Category.objects.bulk_create(
            [
                Category(
                    union=union,
                    code=code,
                    name=name,
                    name_en=name_en,
                    sensitive=sensitive,
                    about_cadre=cadre,
                    order=i,
                )
                for i, (code, name, name_en, sensitive, cadre) in enumerate(
                    DEFAULT_CATEGORIES
                )
                if code not in have
            ]
        )
        auditlog.record(
            actor=None,
            action="voice.category.defaults",
            organisation=union.code,
            target=union.code,
            role="system",
            data={"added": [c[0] for c in missing]},
        )


@transaction.atomic
def name_handler(
    *,
    actor: Actor,
    union: Organisation,
    user: Any,
    sensitive: bool = True,
    about_cadres: bool = False,
) -> NamedHandler:
    """Name a person to handle the union's sensitive concerns and/or those about
    cadres (only they see them)."""
    role = _check_manage(actor, union)
    if user is None:
        raise refuse("required", gettext_noop("This field is required."), field="user")
    if not sensitive and not about_cadres:
        raise refuse(
            "invalid",
            gettext_noop("Choose what the handler is named for."),
            field="sensitive",
        )
    named, _ = NamedHandler.objects.update_or_create(
        union=union,
        user=user,
        defaults={"sensitive": bool(sensitive), "about_cadres": bool(about_cadres)},
    )
    auditlog.record(
        actor=actor,
        action="voice.handler.name",
        organisation=union.code,
        target=user.get_username(),
        role=role,
        data={"sensitive": bool(sensitive), "about_cadres": bool(about_cadres)},
    )
    return named


@transaction.atomic
def remove_named_handler(*, actor: Actor, union: Organisation, user: Any) -> None:
    """Take back a naming (the person no longer sees those concerns)."""
    role = _check_manage(actor, union)
    deleted, _ = NamedHandler.objects.filter(union=union, user=user).delete()
    if not deleted:
        raise refuse(
            "not-found",
            gettext_noop("{name} is not a named handler of the union."),
            name=user.get_username(),
        )
    auditlog.record(
        actor=actor,
        action="voice.handler.remove",
        organisation=union.code,
        target=user.get_username(),
        role=role,
    )
