"""The organisation registry (ORG-1): organisations, people, positions, reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgKind(models.TextChoices):
    PROVINCIAL_FEDERATION = "provincial_federation", _("Provincial federation")
    CITY_FEDERATION = "city_federation", _("City federation")
    SCHOOL = "school", _("School")
    SCHOOL_UNION = "school_union", _("School student union")
    GRADUATE_UNION = "graduate_union", _("Graduate student union")
    DEPARTMENT_UNION = "department_union", _("Department student union")
    CLASS_COMMITTEE = "class_committee", _("Class committee")
    FUNCTIONAL_DEPARTMENT = "functional_department", _("Functional department")
    CLUB_FEDERATION = "club_federation", _("Club federation")
    CLUB = "club", _("Student club")
    # An office of the school (后勤处, 教务处, 学生处 …): concerns are forwarded to it (RGT-1).
    SCHOOL_OFFICE = "school_office", _("School office")


class SchoolType(models.TextChoices):
    GENERAL_UNIVERSITY = "general_university", _("General university")
    HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational college")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    MIDDLE_SCHOOL = "middle_school", _("Middle school")
    PRIVATE_UNIVERSITY = "private_university", _("Private university")
    INDEPENDENT_COLLEGE = "independent_college", _("Independent college")


class DepartmentFunction(models.TextChoices):
    RIGHTS = "rights", _("Rights and interests")
    CLUBS = "clubs", _("Student clubs")
    HMT_INTERNATIONAL = (
        "hmt_international",
        _("Hong Kong, Macao, Taiwan and international students"),
    )
    OTHER = "other", _("Other")


class PersonKind(models.TextChoices):
    STUDENT = "student", _("Student")
    LEAGUE_CADRE = "league_cadre", _("Youth League cadre")
    TEACHER = "teacher", _("Teacher")


class Enrolment(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    SUSPENDED = "suspended", _("Suspended")
    GRADUATED = "graduated", _("Graduated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Role(models.TextChoices):
    PRESIDENT = "president", _("President")
    VICE_PRESIDENT = "vice_president", _("Vice-president")
    SECRETARY_GENERAL = "secretary_general", _("Secretary-general")
    DEPARTMENT_HEAD = "department_head", _("Head of department")
    DEPARTMENT_DEPUTY = "department_deputy", _("Deputy head of department")
    CORE_MEMBER = "core_member", _("Core member")
    MEMBER = "member", _("Member")
    CLUB_LEADER = "club_leader", _("Club leader")


class Organisation(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Codes of the ancestors and itself, "/ROOT/CITY/SCHOOL/", kept by the services:
    # scoping a role to a subtree is one prefix test instead of a walk up the tree.
    path = models.CharField(max_length=1000, db_index=True, editable=False)
    students_served = models.PositiveIntegerField(
        _("students served"), null=True, blank=True
    )
    school_type = models.CharField(
        _("school type"), max_length=32, choices=SchoolType.choices, blank=True
    )
    county = models.CharField(_("county"), max_length=100, blank=True)
    branch_campuses = models.PositiveSmallIntegerField(_("branch campuses"), default=0)
    function = models.CharField(
        _("function"), max_length=32, choices=DepartmentFunction.choices, blank=True
    )
    profile = models.CharField(_("profile"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Person(models.Model):
    ident = models.CharField(_("identifier"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=32, choices=PersonKind.choices, default=PersonKind.STUDENT
    )
    # Indexed: activation codes and campus sign-on find a student by it (#14).
    student_number = models.CharField(
        _("student number"), max_length=64, blank=True, db_index=True
    )
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, blank=True
    )
    ethnicity = models.CharField(_("ethnicity"), max_length=32, blank=True)
    department = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="department_people",
        verbose_name=_("department"),
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    class_unit = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="class_people",
        verbose_name=_("class"),
    )
    enrolment = models.CharField(
        _("enrolment"),
        max_length=16,
        choices=Enrolment.choices,
        default=Enrolment.ENROLLED,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["ident"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.name} ({self.ident})"


class Position(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="positions"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="positions"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(pgettext_lazy("post", "title"), max_length=100)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    branch_campus = models.BooleanField(
        _("branch-campus vice-president"), default=False
    )
    responsible_for_clubs = models.BooleanField(
        _("responsible for clubs"), default=False
    )
    public_contact = models.CharField(_("public contact"), max_length=200, blank=True)
    #: The code of the election whose certified result filled the post (ELE-1, ELE-3):
    #: set by the elections service when a result takes effect, or by an import; a
    #: code, not a key, so that an imported registry keeps the election that produced
    #: a post whether the election was run here, recorded by an import or is not
    #: stored at all (docs/snapshot.md).
    election = models.CharField(_("election"), max_length=64, blank=True)

    class Meta:
        ordering = ["organisation_id", "role", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person", "role", "start"],
                name="unique_position_term",
            )
        ]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.title} · {self.person_id}"


class ReviewRating(models.TextChoices):
    """The school union's rating of a department union (TRN-3, 考核等次)."""

    EXCELLENT = "excellent", pgettext_lazy("review rating", "Excellent")
    GOOD = "good", pgettext_lazy("review rating", "Good")
    PASS = "pass", pgettext_lazy("review rating", "Pass")
    FAIL = "fail", pgettext_lazy("review rating", "Fail")


class Review(models.Model):
    """A school union hearing a department union's work report and its opinions and
    suggestions, assessing it and publishing the assessment (TRN-3 · GS-7, CQ-2).

    Recorded on the school union's review pages (``review_services``) or imported.
    ``opinions_heard`` is None for a record from before v2, which does not say
    (the audit reports incomplete data); the pages always record it.
    """

    reviewer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reviews_held"
    )
    reviewed = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reviews_received"
    )
    held = models.DateField(_("held"))
    assessment_published = models.BooleanField(_("assessment published"), default=False)
    report_heard = models.BooleanField(_("work report heard"), default=True)
    opinions_heard = models.BooleanField(
        _("opinions and suggestions heard"), null=True, blank=True, default=None
    )
    opinions = models.TextField(_("opinions and suggestions"), blank=True)
    assessment = models.TextField(_("the school union's assessment"), blank=True)
    rating = models.CharField(
        _("rating"), max_length=16, choices=ReviewRating.choices, blank=True
    )
    published_on = models.DateField(_("assessment published on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "reviewed", "held"], name="unique_review"
            )
        ]
        verbose_name = _("department review")
        verbose_name_plural = _("department reviews")

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.reviewed_id} {self.held}"
