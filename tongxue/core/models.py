"""Roles scoped to organisations, and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    STUDENT = "student", _("Student")
    DELEGATE = "delegate", _("Delegate")
    UNION_CADRE = "union_cadre", _("Union cadre")
    UNION_ADMIN = "union_admin", _("Union administrator")
    LEAGUE_ADVISOR = "league_advisor", _("Youth League advisor")
    PARTY_APPROVER = "party_approver", _("Party committee approver")
    FEDERATION_ADMIN = "federation_admin", _("Federation administrator")
    # Handles students' concerns (RGT-1): a class rights officer, a department union's
    # or the school union's rights department (权益部); at a school office, its staff.
    RIGHTS_OFFICER = "rights_officer", _("Rights officer")
    OFFICE_HANDLER = "office_handler", _("School office handler")
    # The union's ledger (TRN-4, #18): the treasurer (财务委员) enters and submits
    # entries; a finance approver (财务审批人) approves those up to the school's
    # threshold (above it the League advisor does).
    TREASURER = "treasurer", _("Treasurer")
    FINANCE_APPROVER = "finance_approver", _("Finance approver")


class RoleAssignment(models.Model):
    """A user's role at an organisation; it covers the organisation's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=32, choices=RoleKind.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_role_per_org"
            )
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation_id}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("the audit log is append-only")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("the audit log is append-only")

    def bulk_create(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # bulk_create skips save(), hence the chain: tongxue.core.auditlog.record_each
        # chains a batch and writes it.
        raise PermissionError("audit events are chained: use auditlog.record_each")


class AuditEvent(models.Model):
    """One change made by a user (or a command), written in the same transaction.

    The events form a hash chain (:mod:`tongxue.core.auditchain`): ``seq`` numbers them
    1, 2, 3 … without gaps, ``hash`` is the SHA-256 of the event's fields and of the
    previous event's hash (``prev_hash``). The database refuses UPDATE, DELETE and
    TRUNCATE on the table (triggers, migration 0003); ``tongxue manage
    verify_auditlog`` finds what was changed anyway.
    """

    at = models.DateTimeField(db_index=True)
    # No foreign-key constraint and nothing done when the account is deleted: setting
    # the column to NULL would rewrite the record (refused by the database, and a
    # broken chain); the label keeps the name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=32, blank=True)
    # Indexed only where a page reads by it: the log page filters by organisation (a
    # plain index, not also the pattern index db_index=True adds on PostgreSQL); no page
    # reads by action. Every index is one more write per change, and a cast is one
    # (ELE-5).
    action = models.CharField(max_length=64)
    organisation = models.CharField(max_length=64, blank=True)
    target = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The permission (tongxue.core.permissions.Perm) a reader of the log needs at the
    # organisation to see who acted; blank: every reader of the log (an objection's
    # author is shown only to those who may answer it).
    actor_perm = models.CharField(max_length=32, blank=True)
    seq = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["organisation"], name="auditevent_organisation")
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"
        )

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # Integrity, not business logic: an audit record is never rewritten, and a new
        # one is always chained to the head of the log.
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        from django.db import transaction

        from tongxue.core import auditchain

        # No savepoint inside the caller's transaction (records are written there,
        # ``auditlog.record``): two round trips less while the chain's lock is held.
        with transaction.atomic(savepoint=False):
            auditchain.chain([self])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("the audit log is append-only")


class AuditCheckpoint(models.Model):
    """The head of the audit log at the end of a day, published (/audit/checkpoints/).

    Copies kept outside the database (anyone may save the page or its JSON) make a
    rewrite of the whole chain detectable: the rewritten chain no longer passes
    through the published hashes.
    """

    day = models.DateField(unique=True)
    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"{self.day} #{self.seq} {self.hash}"
