"""The handlers' pages: the queue (inbox) and the union admin's settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from tongxue.core.errors import Refusal
from tongxue.core.permissions import Perm, has_perm
from tongxue.core.view_helpers import add_refusal, page_url, paginate
from tongxue.domain.rights.flow import OPEN_STATUSES, overdue
from tongxue.organisations.http import get_or_404
from tongxue.organisations.models import Organisation, OrgKind, Person, Position
from tongxue.voice import access, selectors, services
from tongxue.voice import forms as f
from tongxue.voice.models import Category, NamedHandler
from tongxue.voice.views.shared import (
    login_or_403,
    no_store,
    refusal_text,
)

#: Concerns per page of the queue.
QUEUE_PAGE = 25


def _prefixes(path: str) -> list[str]:
    """The paths at and above ``path`` ("/A/B/" -> "/A/", "/A/B/")."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _queue_categories(v: access.Viewer) -> list[Category]:
    """The categories of the unions whose concerns the handler sees, for the filter
    (one query): the school-level unions at or under a handling role, or of the school
    the role is in (an office, a department union, a class), or naming the user."""
    q = Q(union_id__in=sorted(v.named_sensitive | v.named_cadres))
    for path in (*v.handle_paths, *v.advisor_paths):
        q |= Q(union__path__startswith=path) | Q(
            union__parent__path__in=_prefixes(path),
            union__parent__kind=OrgKind.SCHOOL,
        )
    if v.superuser:
        q = Q()
    q_union = Q(union__kind__in=selectors.SCHOOL_LEVEL)
    return list(
        Category.objects.filter(q, q_union)
        .select_related("union")
        .order_by("union__code", "order", "code")[:CATEGORIES_SHOWN]
    )


#: At most this many categories in the queue's filter.
CATEGORIES_SHOWN = 200


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The concerns the user handles (and sees as a handler), the most urgent first,
    filtered by status (open ones by default), overdue and category."""
    v = access.viewer(request.user)
    if not (
        v.superuser
        or v.handle_paths
        or v.advisor_paths
        or v.named_sensitive
        or v.named_cadres
    ):
        return login_or_403(request)
    today = timezone.localdate()
    form = f.QueueFilterForm(request.GET or None)
    status, only_overdue, category = "", False, None
    if form.is_valid():
        status = form.cleaned_data["status"]
        only_overdue = form.cleaned_data["overdue"]
        category = form.cleaned_data["category"]
    rows = selectors.handler_queue(
        v,
        status=status if status not in ("", "all") else None,
        overdue=only_overdue,
        category=category,
        today=today,
    )
    if status == "":
        rows = rows.filter(status__in=sorted(OPEN_STATUSES))
    page = paginate(request, rows, QUEUE_PAGE)
    for c in page.object_list:
        c.late = overdue(
            status=c.status,
            acknowledged=c.acknowledged_at is not None or c.answered_at is not None,
            acknowledge_due=c.acknowledge_due,
            answer_due=c.answer_due,
            today=today,
        )
    categories = _queue_categories(v)
    several = len({c.union_id for c in categories}) > 1
    return render(
        request,
        "voice/queue.html",
        {
            "form": form,
            "page": page,
            "page_url": page_url(
                status=status,
                overdue="on" if only_overdue else "",
                category=str(category or ""),
            ),
            "status_links": [
                (
                    value,
                    label,
                    page_url(
                        status=value,
                        overdue="on" if only_overdue else "",
                        category=str(category or ""),
                    ),
                )
                for value, label in f.QueueFilterForm.base_fields["status"].choices
            ],
            "status": status,
            "only_overdue": only_overdue,
            "category": category,
            "categories": categories,
            "several_unions": several,
            "today": today,
            "may_record": may_record(request.user, v),
        },
    )


def _settings_context(union: Any, **forms: Any) -> dict[str, Any]:
    handlers = _default_handlers(union)
    context: dict[str, Any] = {
        "union": union,
        "categories": list(
            Category.objects.filter(union=union)
            .select_related("default_handler")
            .order_by("order", "code")
        ),
        "named": list(
            NamedHandler.objects.filter(union=union)
            .select_related("user", "user__person")
            .order_by("user__username")
        ),
        "category_form": f.CategoryForm(
            handlers=handlers, initial={"active": True}, auto_id="new_%s"
        ),
        "handler_form": f.NamedHandlerForm(),
        "edit": None,
        "edit_form": None,
    }
    context.update(forms)
    return context


@require_http_methods(["GET", "POST"])
def settings(request: HttpRequest, union_code: str) -> HttpResponse:
    """The union's categories (who takes them first, deadlines, sensitive, about a
    cadre) and its named handlers, for the union's administrators (Perm.MANAGE)."""
    union = get_or_404(union_code)
    if not has_perm(request.user, Perm.MANAGE, union.path):
        return login_or_403(request)
    handlers = _default_handlers(union)
    if request.method == "GET":
        extra: dict[str, Any] = {}
        edit_code = request.GET.get("edit", "")
        category = (
            Category.objects.filter(union=union, code=edit_code).first()
            if edit_code
            else None
        )
        if category is not None:
            extra["edit"] = category
            extra["edit_form"] = _edit_form(category, handlers)
        return render(request, "voice/settings.html", _settings_context(union, **extra))
    which = request.POST.get("form", "")
    user = request.user
    try:
        if which == "category":
            return _save_category(request, union, handlers)
        if which == "handler":
            return _name_handler(request, union)
        if which == "remove":
            remove = f.RemoveHandlerForm(request.POST)
            named = _user(remove.cleaned_data["user"]) if remove.is_valid() else None
            if named is None:
                messages.error(request, gettext("No account has this user name."))
            else:
                services.remove_named_handler(actor=user, union=union, user=named)
                messages.success(request, _done())
        elif which == "defaults":
            services.ensure_default_categories(union)
            messages.success(request, _done())
    except Refusal as refusal:
        if refusal.code == "forbidden":
            return login_or_403(request)
        messages.error(request, refusal_text(refusal))
    return redirect("voice:settings", union.code)


def _default_handlers(union: Any) -> QuerySet[Organisation]:
    """Who may take a category's concerns first: the union, its department unions,
    the school's offices, a federation above."""
    return Organisation.objects.filter(
        selectors.forward_target_q(union, classes=False)
    ).order_by("kind", "code")


def _done() -> str:
    return gettext("Saved.")


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _edit_form(category: Category, handlers: Any, data: Any = None) -> f.CategoryForm:
    return f.CategoryForm(
        data,
        handlers=handlers,
        auto_id="edit_%s",
        initial={
            "code": category.code,
            "name": category.name,
            "name_en": category.name_en,
            "default_handler": category.default_handler.code
            if category.default_handler
            else None,
            "acknowledge_days": category.acknowledge_days,
            "answer_days": category.answer_days,
            "sensitive": category.sensitive,
            "about_cadre": category.about_cadre,
            "active": category.active,
        },
    )


def _save_category(request: HttpRequest, union: Any, handlers: Any) -> HttpResponse:
    editing = request.POST.get("category", "")
    category = (
        Category.objects.filter(union=union, code=editing).first() if editing else None
    )
    if category is not None:
        form = _edit_form(category, handlers, request.POST)
    else:
        form = f.CategoryForm(request.POST, handlers=handlers, auto_id="new_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_category(
                actor=request.user,
                union=union,
                code=category.code if category is not None else data["code"],
                name=data["name"],
                name_en=data["name_en"],
                sensitive=data["sensitive"],
                about_cadre=data["about_cadre"],
                default_handler=data["default_handler"],
                acknowledge_days=data["acknowledge_days"],
                answer_days=data["answer_days"],
                active=data["active"],
                category=category,
            )
        except Refusal as refusal:
            if refusal.code == "forbidden":
                return login_or_403(request)
            add_refusal(form, refusal)
        else:
            messages.success(request, _done())
            return redirect("voice:settings", union.code)
    extra = (
        {"edit": category, "edit_form": form}
        if category is not None
        else {"category_form": form}
    )
    return render(
        request, "voice/settings.html", _settings_context(union, **extra), status=400
    )


def _name_handler(request: HttpRequest, union: Any) -> HttpResponse:
    form = f.NamedHandlerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = _user(data["user"])
        if person is None:
            form.add_error("user", gettext("No account has this user name."))
        else:
            try:
                services.name_handler(
                    actor=request.user,
                    union=union,
                    user=person,
                    sensitive=data["sensitive"],
                    about_cadres=data["about_cadres"],
                )
            except Refusal as refusal:
                if refusal.code == "forbidden":
                    return login_or_403(request)
                add_refusal(form, refusal)
            else:
                messages.success(request, _done())
                return redirect("voice:settings", union.code)
    return render(
        request,
        "voice/settings.html",
        _settings_context(union, handler_form=form),
        status=400,
    )


# -- concerns received offline (RGT-1) ----------------------------------------------------

#: At most this many unions in the union choice of the offline form (an operator's,
#: a federation administrator's), and cadres in its cadre choice.
UNIONS_SHOWN = 200
CADRES_SHOWN = 200


def _union_cadres(union: Organisation) -> list[tuple[int, str]]:
    """The cadres serving in the union's tree, for a concern about a cadre (one query)."""
    today = timezone.localdate()
    positions = (
        Position.objects.filter(
            organisation__path__startswith=union.path, start__lte=today
        )
        .exclude(end__lt=today)
        .select_related("person", "organisation")
        .order_by("organisation__path", "role", "person__name")[:CADRES_SHOWN]
    )
    shown: dict[int, str] = {}
    for p in positions:
        shown.setdefault(
            p.person_id, f"{p.person.name} · {p.title} · {p.organisation.name}"
        )
    return list(shown.items())


def may_record(user: Any, v: access.Viewer) -> bool:
    """Whether the user may record offline concerns for some union (two queries; none
    for a user who handles nothing)."""
    if not (v.superuser or v.handle_paths):
        return False
    return Organisation.objects.filter(
        access.offline_unions_q(user), kind__in=selectors.SCHOOL_LEVEL
    ).exists()


@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    """A rights officer enters a concern received by mailbox, reception day, phone call
    or meeting (:func:`services.record_offline`); the follow-up code for the student is
    shown once, on the answer to the post."""
    unions = (
        list(
            Organisation.objects.filter(
                access.offline_unions_q(request.user), kind__in=selectors.SCHOOL_LEVEL
            ).order_by("code")[:UNIONS_SHOWN]
        )
        if request.user.is_authenticated
        else []
    )
    if not unions:
        return login_or_403(request)
    wanted = request.POST.get("union") or request.GET.get("union", "")
    union = next((u for u in unions if u.code == wanted), unions[0])
    categories = selectors.categories(union)
    listed = list(categories)
    cadres = _union_cadres(union) if any(c.about_cadre for c in listed) else []
    form = f.OfflineForm(request.POST or None, categories=categories, cadres=cadres)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                raised = services.record_offline(
                    actor=request.user,
                    union=union,
                    category=data["category"],
                    title=data["title"],
                    body=data["body"],
                    channel=data["channel"],
                    place=data["place"],
                    visibility=data["visibility"],
                    about_person=Person.objects.filter(pk=data["about_person"]).first()
                    if data["about_person"]
                    else None,
                )
            except Refusal as refusal:
                if refusal.code == "forbidden" and refusal.field is None:
                    return login_or_403(request)
                add_refusal(form, refusal)
            else:
                # Shown once, in this answer only (the code is kept as its hash).
                return no_store(
                    render(
                        request,
                        "voice/recorded.html",
                        {"concern": raised.concern, "code": raised.tracking_code},
                    )
                )
        status = 400
    return render(
        request,
        "voice/record.html",
        {
            "unions": unions,
            "union": union,
            "form": form,
            "categories": listed,
            "has_cadre_category": any(c.about_cadre for c in listed),
        },
        status=status,
    )
