"""Secret, verifiable voting (ELE-5 · GS-8): voter roll, participation, ballots, paper counts.

Secrecy by construction: the fact that someone voted (:class:`Participation`) and the
content of the ballot (:class:`Ballot`) are two tables with nothing that links them: no
foreign key between them, no timestamp on a ballot, and a ballot's primary key is its
random tracker (no sequence that would order ballots by time). See docs/voting.md for the
residual risks (physical row order and transaction ids on PostgreSQL) and what is done
about them.

Marks are stored as three integer bit masks per ballot (bit ``k`` = the candidate at
index ``k`` of the frozen :class:`BallotDefinition`), so that a tally is one scan with
``SUM((mask >> k) & 1)`` per candidate, grouped by validity, in the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongxue.core.erasure import secret

#: Bit masks are 64-bit signed integers: at most 63 candidates on one ballot.
MAX_CANDIDATES = 63


class BallotDefinition(models.Model):
    """The ballot as frozen when the vote opened: candidates in order, form, seats.

    Never changes after the opening; the cast path caches it per process.
    """

    election = models.OneToOneField(
        "elections.Election", on_delete=models.CASCADE, related_name="ballot_definition"
    )
    #: [{"id": candidate id, "name": name on the ballot and the board header}, …]
    candidates = models.JSONField(default=list)
    #: "marks" or "yes-no-abstain" (elections.BallotForm).
    form = models.CharField(max_length=16)
    seats = models.PositiveSmallIntegerField()
    #: The election method in force at the opening (counting.ElectionMethod dict).
    method = models.JSONField(default=dict)
    opened_at = models.DateTimeField()

    class Meta:
        verbose_name = _("ballot definition")
        verbose_name_plural = _("ballot definitions")

    def __str__(self) -> str:
        return f"{self.election_id}"


class RollEntry(models.Model):
    """One voter on an election's roll (选民名册): a delegate of the electing meeting.

    ``checked_in`` is set when the voter opens the electronic ballot while the vote is
    open (no time is kept); voters present = checked in or voted.
    """

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="roll"
    )
    person = models.ForeignKey(
        "organisations.Person", on_delete=models.PROTECT, related_name="+"
    )
    checked_in = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person"], name="unique_roll_entry"
            )
        ]
        verbose_name = _("voter roll entry")
        verbose_name_plural = _("voter roll")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.person_id}"


@secret
class Participation(models.Model):
    """The fact that a voter cast a ballot, and nothing about the ballot.

    One per voter and election, enforced by the database (``unique_participation``).
    """

    # No index of its own: unique_participation (election, voter) serves every lookup
    # by election, and each index is one more write on every cast (ELE-5).
    election = models.ForeignKey(
        "elections.Election",
        on_delete=models.CASCADE,
        related_name="participations",
        db_index=False,
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "voter"], name="unique_participation"
            )
        ]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.voter_id}"


@secret
class Ballot(models.Model):
    """The content of one cast ballot, and nothing about its voter or its time.

    The primary key is the tracker, 128 random bits in base 32 (26 characters), which
    the voter receives as the receipt and finds again on the public bulletin board.
    """

    tracker = models.CharField(primary_key=True, max_length=26)
    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="ballots"
    )
    #: Bit k set: candidate k marked (marks form) or "yes" (yes/no/abstain form).
    yes = models.BigIntegerField(default=0)
    no = models.BigIntegerField(default=0)
    abstain = models.BigIntegerField(default=0)
    #: Empty for a valid ballot, else the reason it is void (counting).
    void_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return self.tracker


class Scrutineer(models.Model):
    """A scrutineer (计票人) designated by the presidium to enter a paper count."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="scrutineers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["election_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "user"], name="unique_scrutineer"
            )
        ]
        verbose_name = _("scrutineer")
        verbose_name_plural = _("scrutineers")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.user_id}"


class PaperCount(models.Model):
    """One scrutineer's independent entry of a paper count.

    ``candidates`` maps a candidate's ballot name to ``[yes, no, abstain]``;
    ``void_reasons`` maps a void reason to its number of ballots.
    """

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="paper_counts"
    )
    scrutineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    present = models.PositiveIntegerField(_("voters present"))
    issued = models.PositiveIntegerField(_("ballots issued"))
    returned = models.PositiveIntegerField(_("ballots returned"))
    void_reasons = models.JSONField(default=dict)
    candidates = models.JSONField(default=dict)
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["election_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "scrutineer"], name="unique_paper_count"
            )
        ]
        verbose_name = _("paper count")
        verbose_name_plural = _("paper counts")

    def __str__(self) -> str:
        return f"{self.election_id} · {self.scrutineer_id}"
