"""The forms of the public page: every POST goes through one (errors name the field);
the services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tongxue.disclosure.models import EntryKind, Platform, RuleKind
from tongxue.organisations.models import Organisation

_DATE = {"type": "date"}


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"),
    )


def _text(label: Any, *, rows: int = 12, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class VersionForm(forms.Form):
    """A new version of a rule: its whole text, the day it comes into force."""

    text = _text(
        _("Text"),
        help_text=_("The whole text of this version; one article a line."),
    )
    in_force_from = _date(_("In force from"))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class RuleForm(VersionForm):
    """A new rule (its first version)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    title = forms.CharField(
        label=pgettext_lazy("disclosure", "Title"),
        max_length=120,
        help_text=_("For example: 学生会工作制度, 学生会财务管理办法."),
    )
    field_order = ["kind", "title", "text", "in_force_from", "note"]


class RepealForm(forms.Form):
    repealed_on = _date(_("Repealed from"))
    reason = forms.CharField(label=_("Why"), max_length=300)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EntryKind.choices)
    title = forms.CharField(label=pgettext_lazy("disclosure", "Title"), max_length=200)
    dated = _date(
        _("Dated"), help_text=_("The day of the meeting, decision or activity.")
    )
    body = _text(_("Text"))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        # files.MAX_FILES and files.MAX_BYTES (a test checks the numbers)
        help_text=_(
            "Up to 5 files of at most 10 MB each: PDF, pictures, Word, Excel or PowerPoint."
        ),
    )
    file_to_congress = forms.BooleanField(
        label=_(
            "File this annual work report in writing to the congress or its standing body"
        ),
        required=False,
        help_text=_("It then counts as the year's work report (CON-13), filed today."),
    )

    def __init__(self, *args: Any, school_level: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not school_level:
            del self.fields["file_to_congress"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class AccountForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Whose account"), queryset=Organisation.objects.none()
    )
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(label=_("Account name"), max_length=120)
    account_id = forms.CharField(
        label=_("Account ID"),
        max_length=120,
        help_text=_("The WeChat ID, Weibo UID, Douyin ID … as the platform shows it."),
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("The account's address; its QR code is made from it."),
    )
    verified = forms.BooleanField(label=_("Real-name verified"), required=False)
    verified_on = _date(_("Verified on"), required=False)
    verified_as = forms.CharField(
        label=_("Verified as"),
        max_length=120,
        required=False,
        help_text=_("The subject named by the platform's verification (认证主体)."),
    )
    responsible = forms.CharField(
        label=_("Person responsible"),
        max_length=120,
        help_text=_("Name and post, e.g. 宣传部部长 张三."),
    )
    closed_on = _date(pgettext_lazy("account", "Closed on"), required=False)

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]
