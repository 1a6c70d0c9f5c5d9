"""The Django choices and the domain enums name the same values.

The domain core cannot import Django, so each enum exists twice: as a ``StrEnum`` in
``tongxue.domain.model`` (what the rules read) and as ``TextChoices`` with translated
labels on the models (what forms and pages show). This keeps the two from drifting.
"""

from __future__ import annotations

import pytest

from tongxue.business import models as business_models
from tongxue.congresses import models as congress_models
from tongxue.domain import model as dm
from tongxue.organisations import models as org_models

PAIRS = [
    (dm.OrgKind, org_models.OrgKind),
    (dm.SchoolType, org_models.SchoolType),
    (dm.DepartmentFunction, org_models.DepartmentFunction),
    (dm.PersonKind, org_models.PersonKind),
    (dm.Enrolment, org_models.Enrolment),
    (dm.Gender, org_models.Gender),
    (dm.Role, org_models.Role),
    (dm.ReviewRating, org_models.ReviewRating),
    (dm.MeetingKind, congress_models.MeetingKind),
    (dm.GuidanceKind, business_models.GuidanceKind),
]


@pytest.mark.parametrize(("domain", "django"), PAIRS, ids=lambda e: e.__name__)
def test_choices_match_the_domain_enum(domain, django):
    assert [e.value for e in domain] == list(django.values)
