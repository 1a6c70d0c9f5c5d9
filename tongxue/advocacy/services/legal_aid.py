"""Legal aid (RGT-2 · GS-10, CQ-5: 与相关公益律师机构、法律援助机构建立经常性联系).

The school-level union keeps a directory of public-interest lawyers and legal aid
bodies (its administrators and rights officers, and the League advisor: under the
League's guidance). A handler of a concern refers it to an entry of the concern's
union's directory, only with the student's consent recorded (how and on which day);
the referral is a step of the concern's timeline (``EventKind.REFERRED``).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tongxue.advocacy.models import (
    ConsentHow,
    ContactKind,
    LegalAidContact,
    Referral,
)
from tongxue.advocacy.services.shared import (
    DIRECTORY_EDITORS,
    SCHOOL_LEVEL,
    clean,
    moment,
    not_future,
    record,
    require_kind,
    require_role,
    today_or,
)
from tongxue.core.auditlog import Actor
from tongxue.core.errors import refuse
from tongxue.organisations.models import Organisation
from tongxue.voice import services as voice
from tongxue.voice.models import Concern, ConcernStatus
from tongxue.voice.services.shared import handling_role

#: A concern merged into another or withdrawn by its student is not referred.
NOT_REFERRED = (ConcernStatus.MERGED, ConcernStatus.WITHDRAWN)


@transaction.atomic
def save_contact(
    *,
    actor: Actor,
    union: Organisation,
    kind: str,
    name: str,
    linked_since: dt.date,
    body: str = "",
    areas: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    hours: str = "",
    website: str = "",
    last_contact: dt.date | None = None,
    note: str = "",
    active: bool = True,
    contact: LegalAidContact | None = None,
    today: dt.date | None = None,
) -> LegalAidContact:
    """Add an entry to the union's legal-aid directory, or change ``contact``.

    Refused: not an administrator, a rights officer or a League advisor of the union;
    not a school-level union; an unknown kind; a missing name or "in touch since"; a
    day still to come; a name the directory has already; another union's entry.
    """
    role = require_role(actor, union, DIRECTORY_EDITORS)
    require_kind(union, SCHOOL_LEVEL)
    if kind not in ContactKind.values:
        raise refuse("invalid", gettext_noop("Choose a kind."), field="kind")
    if contact is not None and contact.union_id != union.pk:
        raise refuse("invalid", gettext_noop("This entry is another union's."))
    name = clean("name", name, limit=120)
    if linked_since is None:
        raise refuse(
            "required", gettext_noop("This field is required."), field="linked_since"
        )
    day = today_or(today)
    not_future("linked_since", linked_since, day)
    not_future("last_contact", last_contact, day)
    if last_contact is not None and last_contact < linked_since:
        raise refuse(
            "invalid",
            gettext_noop("The last contact cannot be before the union was in touch."),
            field="last_contact",
        )
    taken = LegalAidContact.objects.filter(union=union, name=name)
    if contact is not None:
        taken = taken.exclude(pk=contact.pk)
    if taken.exists():
        raise refuse(
            "duplicate",
            gettext_noop("The directory has an entry of this name already."),
            field="name",
        )
    values = {
        "kind": kind,
        "name": name,
        "body": clean("body", body, limit=120, required=False),
        "areas": clean("areas", areas, limit=200, required=False),
        "phone": clean("phone", phone, limit=40, required=False),
        "email": clean("email", email, limit=254, required=False),
        "address": clean("address", address, limit=200, required=False),
        "hours": clean("hours", hours, limit=120, required=False),
        "website": clean("website", website, limit=200, required=False),
        "linked_since": linked_since,
        "last_contact": last_contact,
        "note": clean("note", note, required=False),
        "active": bool(active),
    }
    if contact is None:
        contact = LegalAidContact.objects.create(union=union, **values)
        action = "legal_aid.add"
    else:
        for field, value in values.items():
            setattr(contact, field, value)
        contact.save()
        action = "legal_aid.change"
    record(
        actor,
        action,
        union,
        role,
        target=f"{union.code} {contact.name}",
        contact=contact.pk,
        kind=kind,
        active=contact.active,
    )
    return contact


@transaction.atomic
def refer(
    *,
    actor: Actor,
    concern: Concern,
    contact: LegalAidContact,
    consent_on: dt.date,
    consent_how: str,
    note: str = "",
    today: dt.date | None = None,
) -> Referral:
    """Refer a concern to legal aid, with the student's consent (RGT-2).

    Refused: not one of the concern's handlers; a concern merged or withdrawn; an
    entry that is not an active one of the concern's union's directory; no consent
    recorded (how, and a day not before the concern was raised nor still to come);
    the same concern referred to the same entry already. The concern's timeline
    gets a "Referred to legal aid" step naming the entry (public: the directory is;
    never the student).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise refuse("forbidden", gettext_noop("Sign in to refer a concern."))
    role = handling_role(actor, concern)
    if concern.status in NOT_REFERRED:
        raise refuse(
            "not-open",
            gettext_noop("Concern {target} is no longer waiting for its handler."),
            target=concern.reference,
        )
    if contact is None or contact.union_id != concern.union_id or not contact.active:
        raise refuse(
            "invalid",
            gettext_noop("Choose an entry of the union's legal-aid directory."),
            field="contact",
        )
    if consent_how not in ConsentHow.values:
        raise refuse(
            "required",
            gettext_noop("Record how the student gave their consent."),
            field="consent_how",
        )
    if consent_on is None:
        raise refuse(
            "required", gettext_noop("This field is required."), field="consent_on"
        )
    not_future("consent_on", consent_on, today_or(today))
    if consent_on < timezone.localdate(concern.raised_at):
        raise refuse(
            "invalid",
            gettext_noop("The consent cannot be before the concern was raised."),
            field="consent_on",
        )
    note = clean("note", note, required=False)
    if Referral.objects.filter(concern=concern, contact=contact).exists():
        raise refuse(
            "duplicate",
            gettext_noop("Concern {target} was referred to {name} already."),
            field="contact",
            target=concern.reference,
            name=contact.name,
        )
    now = moment(today)
    referral = Referral.objects.create(
        concern=concern,
        contact=contact,
        union_id=concern.union_id,
        consent_on=consent_on,
        consent_how=consent_how,
        note=note,
        referred_at=now,
        referred_by=actor,
    )
    # the concern's step, under the concern's rules (voice: its handlers, audited)
    voice.note_referral(actor=actor, concern=concern, name=contact.name, at=now)
    record(
        actor,
        "referral",
        concern.union,
        role,
        target=f"{concern.union.code} {concern.reference}",
        concern=concern.pk,
        contact=contact.pk,
        consent_how=consent_how,
        consent_on=consent_on.isoformat(),
    )
    return referral
