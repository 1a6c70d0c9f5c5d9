"""Students' concerns (诉求) and their follow-up: the rights channel (RGT-1 … RGT-7, CAD-8).

A concern belongs to one school-level union (``union``: the channel it was raised in)
and is handled by one organisation at a time (``handler``: a class committee, a
department union, the school union, a school office or the federation); every
hand-over, escalation, answer and rating is a :class:`ConcernEvent`. The lifecycle is
``tongxue.domain.lifecycle.CONCERN``; deadlines are working days
(``tongxue.domain.rights``).

Who raised a concern: ``author`` for public and private concerns (shown to handlers
of a private one only, never publicly). An anonymous concern has no author: the student
keeps a follow-up code whose hash is ``tracking_hash``, and the number of concerns a
user raised on a day is counted apart (:class:`RaiseCount`, no link to the concern),
the way a ballot is kept apart from the roll.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public, without my name")
    PRIVATE = "private", _("Only the people who handle it")
    ANONYMOUS = "anonymous", _("Anonymous, even to the handlers")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    MAILBOX = "mailbox", _("Mailbox")
    RECEPTION = "reception", _("Reception day")
    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Face-to-face meeting")
    OTHER = "other", pgettext_lazy("channel", "Other")


class ConcernStatus(models.TextChoices):
    # labels are the lifecycle's (tongxue.domain.lifecycle.CONCERN; a test checks)
    RECEIVED = "received", _("Received")
    IN_HAND = "in_hand", _("In hand")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Concluded")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn by the student")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Category(models.Model):
    """A kind of concern a school union lists (饮食, 住宿, 教学 …) and who takes it first."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="concern_categories",
        verbose_name=_("union"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    #: Never public, seen only by named handlers, shorter deadlines (RGT-7).
    sensitive = models.BooleanField(_("sensitive"), default=False)
    #: Concerns about a cadre (CAD-8): go to the presidium and the League advisor.
    about_cadre = models.BooleanField(_("about a cadre"), default=False)
    #: Who takes a concern of this category first (the school union itself if empty).
    default_handler = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default handler"),
    )
    #: Deadlines in working days; empty: the profile's.
    acknowledge_days = models.PositiveSmallIntegerField(
        _("acknowledge within (working days)"), null=True, blank=True
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer within (working days)"), null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["union_id", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "code"], name="unique_concern_category"
            )
        ]
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")

    def __str__(self) -> str:
        return self.name


class NamedHandler(models.Model):
    """A person the union names to handle sensitive concerns (RGT-7) or those about a
    cadre (CAD-8): only they (and the League advisor for a cadre) see them."""

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="named_handlers",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sensitive = models.BooleanField(_("sensitive concerns"), default=True)
    about_cadres = models.BooleanField(_("concerns about cadres"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["union", "user"], name="unique_named_handler"
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_id}: {self.user_id}"


class Concern(models.Model):
    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="concerns",
        verbose_name=_("union"),
    )
    #: Per union, from 1: shown as the concern's number (e.g. 2026-0042).
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(pgettext_lazy("concern", "title"), max_length=120)
    body = models.TextField(_("what happened"))
    #: ``title`` and ``body`` with phone, ID and student numbers masked: the only text
    #: shown publicly (RGT-7).
    public_title = models.CharField(max_length=120, blank=True)
    public_body = models.TextField(blank=True)
    #: Words of title and body (jieba), space-separated, for similar concerns.
    tokens = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="concerns"
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    visibility = models.CharField(
        _("who may see it"), max_length=16, choices=Visibility.choices
    )
    sensitive = models.BooleanField(_("sensitive"), default=False)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ConcernStatus.choices,
        default=ConcernStatus.RECEIVED,
    )
    handler = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="handled_concerns",
        verbose_name=_("handled by"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
    )
    #: sha256 of the follow-up code of an anonymous concern (hex); empty otherwise.
    tracking_hash = models.CharField(max_length=64, blank=True, db_index=True)
    #: A concern about a cadre (CAD-8): never seen by that person.
    about_person = models.ForeignKey(
        "organisations.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="concerns_about",
    )
    #: The exit case a concern about a cadre led to (cadres.ExitCase id; CAD-8).
    exit_case_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    raised_at = models.DateTimeField(_("raised"))
    acknowledge_due = models.DateField(_("acknowledge by"))
    answer_due = models.DateField(_("answer by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rating_due = models.DateField(_("rate by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    rating = models.CharField(
        _("student's rating"), max_length=16, choices=Rating.choices, blank=True
    )
    #: The union checked the result itself (a concern counts as solved without a rating).
    verified = models.BooleanField(_("verified by the union"), default=False)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    #: The due date (acknowledge or answer) the item was last escalated for: an overdue
    #: item escalates once per deadline, however many workers run the job.
    escalated_for = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    supporters = models.PositiveIntegerField(_("also affected"), default=0)
    #: An idea sent to a federation's consultation (网上学联, RGT-5): handled by the
    #: federation, answered by its public response unless answered on its own.
    consultation = models.ForeignKey(
        "Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("consultation"),
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "number"], name="unique_concern_number"
            )
        ]
        indexes = [
            models.Index(fields=["union", "status"], name="concern_union_status"),
            models.Index(fields=["handler", "status"], name="concern_handler_status"),
            models.Index(fields=["status", "answer_due"], name="concern_due"),
            # The public figures (selectors.figures_by_handler_month): a union's
            # concerns by the month raised, with every column they count, read by an
            # index-only scan on PostgreSQL (other databases ignore ``include``).
            models.Index(
                fields=["union", "raised_at"],
                include=[
                    "handler",
                    "status",
                    "acknowledge_due",
                    "answer_due",
                    "acknowledged_at",
                    "answered_at",
                    "rating",
                    "verified",
                ],
                name="concern_figures",
            ),
            # The concerns a similar-concern suggestion may show (public, neither
            # sensitive nor about a cadre, open or answered: selectors.public_q and
            # SIMILAR_STATUSES, a test checks), per union: their count and the ids the
            # word search intersects with (migration 0004's GIN index of their words).
            models.Index(
                fields=["union", "raised_at"],
                condition=models.Q(
                    visibility="public",
                    sensitive=False,
                    about_person__isnull=True,
                    status__in=["in_hand", "received", "reopened", "answered"],
                ),
                name="concern_suggestible",
            ),
            # A union's concluded concerns: the routing suggestion's cache key (their
            # count and the latest conclusion, voice.routing) from the index alone.
            models.Index(
                fields=["union", "closed_at"],
                condition=models.Q(status="closed"),
                name="concern_concluded",
            ),
        ]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        """The number students and offices quote: year raised and number."""
        return f"{self.raised_at:%Y}-{self.number:04d}"


class EventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FORWARDED = "forwarded", _("Forwarded")
    ESCALATED = "escalated", _("Escalated (overdue)")
    ANSWERED = "answered", _("Answered")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Concluded")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn by the student")
    NOTE = "note", _("Internal note")
    REFERRED = "referred", _("Referred to legal aid")
    #: The union checked the result itself (counts as solved without a rating).
    VERIFIED = "verified", _("Verified by the union")
    #: A handler marked it sensitive (RGT-7): private, named handlers only; and back.
    SENSITIVE = "sensitive", _("Marked sensitive")
    NOT_SENSITIVE = "not_sensitive", _("No longer sensitive")
    #: An exit case was opened on the cadre it is about (CAD-8).
    EXIT_CASE = "exit_case", _("Exit case opened")


class ConcernEvent(models.Model):
    """One step of a concern's timeline: who (an organisation, and the user for
    handlers) did what and when. ``public`` steps are on the public timeline."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    from_org = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_org = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: The handler who acted; empty for the student and for the system.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(blank=True)
    #: ``text`` masked for the public timeline (answers are public, notes are not).
    public_text = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    #: A hand-over: where the page suggested it go (``voice.routing``), if it did, and
    #: whether the handler took the suggestion: its accuracy is counted from these.
    suggested_to = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestion_used = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.concern_id} {self.kind} {self.at:%Y-%m-%d}"


class Support(models.Model):
    """我也遇到: another student has the same problem (one per student and concern)."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="support_rows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "user"], name="unique_support")
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} +{self.user_id}"


class Photo(models.Model):
    """A photo of a concern, re-encoded without its metadata (EXIF location)."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.BinaryField()
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.concern_id} {self.width}×{self.height}"


class RaiseCount(models.Model):
    """How many concerns a user raised on a day, whatever their visibility: the rate
    limit, kept apart from the concerns so an anonymous one links to nobody."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="unique_raise_count")
        ]

    # -- reports to the school (形成报告提交学校党政部门, RGT-1 · GS-10, CQ-5) -------------------

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.count}"


class RaiseStamp(models.Model):
    """One row: a number the database moves on by itself (triggers, migration 0011)
    whenever something a raise reads and each process keeps changes — organisations
    (the tree, profiles), role assignments, a union's categories, its named handlers
    (:mod:`tongxue.voice.services.kept`). A raise reads it with the account, in the
    same query; what a process kept under another number is read again."""

    n = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.n)


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly report")
    TERM = "term", _("Term report")


class ReportStatus(models.TextChoices):
    # labels are the lifecycle's (tongxue.domain.lifecycle.SCHOOL_REPORT; a test checks)
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the school")


class SchoolReport(models.Model):
    """A union's report on students' concerns to the school's Party and administrative
    departments, for a month or a term (RGT-1 · GS-10, CQ-5).

    ``content`` is what the report says, computed once by a job
    (:func:`tongxue.voice.reports.build`: counts, topics, overdue items, rates per
    office, concerns many students share, the previous report's items), in no
    language: the page, the PDF and the Excel file render it in the reader's. A draft
    may be generated again; a submitted report is fixed, and the concerns it lists
    are tracked (:class:`ReportItem`) until each is concluded.
    """

    union = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="school_reports",
        verbose_name=_("union"),
    )
    kind = models.CharField(
        _("kind of report"), max_length=16, choices=ReportKind.choices
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    #: The day the figures and overdue items were judged on.
    as_of = models.DateField(_("figures as of"))
    generated_at = models.DateTimeField(_("generated"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    #: The departments it went to (学校党委, 校长办公室, 学生工作部 …), as written.
    submitted_to = models.CharField(_("submitted to"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["union", "kind", "period_start"], name="unique_school_report"
            )
        ]
        indexes = [
            models.Index(
                fields=["union", "status", "submitted_at"], name="school_report_sent"
            )
        ]
        verbose_name = _("report to the school")
        verbose_name_plural = _("reports to the school")

    def __str__(self) -> str:
        return f"{self.union_id} {self.kind} {self.period_start:%Y-%m-%d}"


class ReportItem(models.Model):
    """A concern a submitted report put before the school, followed until it is
    concluded (``closed_at``: when it was concluded, merged or withdrawn)."""

    report = models.ForeignKey(
        SchoolReport, on_delete=models.CASCADE, related_name="items"
    )
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="report_items"
    )
    #: Why the report lists it: overdue, supported by many.
    reason = models.CharField(max_length=16)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "concern"], name="unique_report_item"
            )
        ]
        indexes = [
            # the items still followed (the daily tracking reads only these)
            models.Index(
                fields=["concern"],
                condition=models.Q(closed_at__isnull=True),
                name="report_item_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.concern_id}"


class ReportPdf(models.Model):
    """A report's PDF in one language, made once (WeasyPrint takes seconds for a long
    report): by the report's job, else by the first download. It is served while
    ``key`` (:func:`tongxue.voice.report_services.pdf_key`: the content generated, the
    status, the submission) still matches the report; made again when it does not."""

    report = models.ForeignKey(
        SchoolReport, on_delete=models.CASCADE, related_name="pdfs"
    )
    language = models.CharField(max_length=16)
    key = models.CharField(max_length=64)
    data = models.BinaryField()
    made_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language"], name="unique_report_pdf"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.language}"


# -- 网上学联: a federation consults students (RGT-5 · GS-5) -------------------------------


class Consultation(models.Model):
    """A question a provincial or city federation puts to students (问需问计, GS-5).

    Open from ``opens`` to ``closes`` (both days included) to the students of every
    school under the federation; each idea is a :class:`Concern` of the student's
    school union handled by the federation (``Concern.consultation``). The public
    response is due on ``answer_due``: ``consultation_answer_working_days`` working days
    after ``closes`` (computed when the dates are set). ``responded_at``: when the
    response was first published (whether it came in time is judged on it);
    ``response_edited_at``: its last correction.
    """

    federation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="consultations",
        verbose_name=_("federation"),
    )
    #: Per federation, from 1: the consultation's address.
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(pgettext_lazy("consultation", "title"), max_length=120)
    question = models.TextField(_("question"))
    opens = models.DateField(_("opens on"))
    closes = models.DateField(_("closes on"))
    answer_due = models.DateField(_("response due on"))
    response = models.TextField(_("public response"), blank=True)
    responded_at = models.DateTimeField(_("response published"), null=True, blank=True)
    response_edited_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-opens", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "number"], name="unique_consultation_number"
            ),
            models.CheckConstraint(
                condition=models.Q(closes__gte=models.F("opens")),
                name="consultation_closes_after_opening",
            ),
        ]
        indexes = [
            models.Index(fields=["opens", "closes"], name="consultation_open"),
        ]
        verbose_name = _("consultation of students")
        verbose_name_plural = _("consultations of students")

    def __str__(self) -> str:
        return f"{self.federation_id}/{self.number} {self.title}"


# -- contact your delegate or cadre (RGT-6 · GS-一(三), CQ-一(三)) ----------------------


class RelayCapacity(models.TextChoices):
    DELEGATE = "delegate", _("Delegate")
    CADRE = "cadre", pgettext_lazy("relay", "Cadre")


class RelayThread(models.Model):
    """A student's contact with a delegate or a cadre through the relay (RGT-6).

    The envelope: who wrote (``sender``) to whom (``recipient``, in which capacity, for
    which union). The sender is shown to the recipient only: no page, API, export,
    notification or audit record gives it to anyone else (docs/voice.md, "Contact your
    delegate or cadre"). The public count of contacts per person and term is of these
    rows, never who or what.
    """

    union = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(
        _("capacity"), max_length=16, choices=RelayCapacity.choices
    )
    # SET_NULL: an account deleted keeps the contact counted (its letters stay the
    # recipient's, from "a former account").
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("written"))
    last_at = models.DateTimeField(_("last message"))

    class Meta:
        ordering = ["-last_at", "-id"]
        indexes = [
            models.Index(fields=["union", "opened_at"], name="relay_union_opened"),
            models.Index(fields=["recipient", "-last_at"], name="relay_recipient"),
            models.Index(fields=["sender", "-last_at"], name="relay_sender"),
        ]
        verbose_name = _("relayed contact")
        verbose_name_plural = _("relayed contacts")

    def __str__(self) -> str:
        return f"relay {self.pk} → {self.recipient_id}"


class RelayText(models.Model):
    """One message of a relayed contact: the student's, or the recipient's reply."""

    thread = models.ForeignKey(
        RelayThread, on_delete=models.CASCADE, related_name="texts"
    )
    from_recipient = models.BooleanField(default=False)
    text = models.TextField(pgettext_lazy("relay", "message"))
    sent_at = models.DateTimeField(_("sent"))
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("relayed message")
        verbose_name_plural = _("relayed messages")

    def __str__(self) -> str:
        return f"relay {self.thread_id} · {self.sent_at}"


class RelayCount(models.Model):
    """How many messages a user sent through the relay on a day: the rate limit
    (``relay_messages_per_day_max``), counted as :class:`RaiseCount` is."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="unique_relay_count")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.count}"
