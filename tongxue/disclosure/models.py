"""The union in the open (TRN-1, TRN-5, TRN-6 · GS-11, CQ-6; CON-13's written form).

* **Rules** (规章制度): a union's working rules, finance rules … as numbered versions
  (:class:`RuleDocument`, :class:`RuleVersion`): each with its text, the day it comes
  into force and who published it; a version is never edited, a change is a new
  version. The charter is not kept here: it is the congress business's
  (``business.CharterVersion``, adopted or amended by the congress) and the rules page
  links to it.
* **Work affairs** (工作事务): dated entries (plans, decisions, minutes, activity
  reports, the annual work report) with attachments (:class:`WorkEntry`,
  :class:`Attachment`). An annual work report filed to the congress or its standing
  body is also a ``business.WrittenReport`` (what CON-13 counts), linked here.
* **Official accounts** (官方账号, TRN-5) and the register of the self-media of the
  union's departments and clubs (TRN-6): :class:`OfficialAccount`.
* **Subscriptions**: a signed-in user told of each new item (:class:`Subscription`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RuleKind(models.TextChoices):
    WORKING = "working", _("Working rules")
    FINANCE = "finance", _("Finance rules")
    CADRES = "cadres", _("Rules on cadres")
    MEETINGS = "meetings", _("Rules of procedure")
    OTHER = "other", pgettext_lazy("rules", "Other rules")


class RuleDocument(models.Model):
    """A rule of a union (规章制度) other than its charter; its versions are public."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="rule_documents",
        verbose_name=_("union"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RuleKind.choices)
    title = models.CharField(pgettext_lazy("rule", "title"), max_length=120)
    #: The day it ceased to apply (None: in force once its first version is).
    repealed_on = models.DateField(_("repealed on"), null=True, blank=True)
    repeal_reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["union_id", "kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["union", "title"], name="unique_rule_title")
        ]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")

    def __str__(self) -> str:
        return self.title


class RuleVersion(models.Model):
    """One version of a rule: its whole text and the day it comes into force."""

    document = models.ForeignKey(
        RuleDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    in_force_from = models.DateField(_("in force from"))
    #: What changed, in a sentence (shown with the version).
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The publisher's name as shown (kept when the account goes).
    publisher_name = models.CharField(_("published by"), max_length=120, blank=True)

    class Meta:
        ordering = ["document_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="unique_rule_version"
            )
        ]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")

    def __str__(self) -> str:
        return f"{self.document_id} · v{self.number}"


class EntryKind(models.TextChoices):
    PLAN = "plan", _("Work plan")
    DECISION = "decision", pgettext_lazy("entry kind", "Decision")
    MINUTES = "minutes", _("Minutes")
    ACTIVITY = "activity", _("Activity report")
    ANNUAL_REPORT = "annual_report", _("Annual work report")
    NOTICE = "notice", _("Notice")


class WorkEntry(models.Model):
    """A dated entry of a union's work affairs (工作事务公开)."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="work_entries",
        verbose_name=_("union"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    title = models.CharField(pgettext_lazy("entry", "title"), max_length=200)
    body = models.TextField(_("text"))
    #: The day the affair is dated (the meeting, the decision, the activity).
    dated = models.DateField(_("dated"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    publisher_name = models.CharField(_("published by"), max_length=120, blank=True)
    #: An annual work report filed in writing to the congress or its standing body:
    #: the record CON-13 counts (business's), made with the entry.
    written_report = models.OneToOneField(
        "business.WrittenReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure_entry",
    )
    #: Withdrawn entries stay on record (for the union, the League, the Party) but
    #: leave the public page; the reason is kept with them and in the audit log.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(
        _("reason for withdrawing"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                fields=["union", "-published_at"], name="work_entry_union_published"
            )
        ]
        verbose_name = _("work-affairs entry")
        verbose_name_plural = _("work-affairs entries")

    def __str__(self) -> str:
        return self.title


class Attachment(models.Model):
    """A file of an entry (checked by its content; kept in the database, as the work
    report's attachment is: no media storage to run)."""

    entry = models.ForeignKey(
        WorkEntry, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        ordering = ["entry_id", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Platform(models.TextChoices):
    WECHAT = "wechat", _("WeChat official account")
    WEIBO = "weibo", _("Weibo")
    CHANNELS = "channels", _("WeChat Channels")
    DOUYIN = "douyin", _("Douyin")
    BILIBILI = "bilibili", _("Bilibili")
    XIAOHONGSHU = "xiaohongshu", _("Xiaohongshu")
    QQ = "qq", _("QQ")
    OTHER = "other", pgettext_lazy("platform", "Other")


class OfficialAccount(models.Model):
    """An account on a platform in a union's register (TRN-5, TRN-6).

    ``owner`` is the union itself (its official account) or one of its departments or
    clubs (their self-media, registered with the union, TRN-6).
    """

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="official_accounts",
        verbose_name=_("union"),
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("whose account"),
    )
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    name = models.CharField(_("account name"), max_length=120)
    account_id = models.CharField(_("account ID"), max_length=120)
    #: The account's address (its QR code is made from it).
    link = models.URLField(_("link"), blank=True)
    verified = models.BooleanField(_("real-name verified"), default=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    #: The subject the platform verified it for (认证主体).
    verified_as = models.CharField(_("verified as"), max_length=120, blank=True)
    responsible = models.CharField(_("person responsible"), max_length=120)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["union_id", "platform", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "platform", "account_id"],
                name="unique_official_account",
            )
        ]
        verbose_name = _("official account")
        verbose_name_plural = _("official accounts")

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A user told of every new item on a union's public page."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="disclosure_subscriptions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["union", "user"], name="unique_disclosure_subscription"
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_id} · {self.user_id}"
