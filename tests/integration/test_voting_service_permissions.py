"""The voting services check permission themselves, not only their pages (#13, ELE-5).

The presidium's page refuses a user without ``Perm.RUN_ELECTION`` before it calls a
service, and the paper page anyone who is not a scrutineer; each service refuses the
same actor when called directly, and writes nothing.
"""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.factories_voting import build_voting
from tongxue.core.errors import Refusal
from tongxue.core.models import AuditEvent
from tongxue.elections.models import ElectionStatus, VotingMode
from tongxue.voting import selectors, services
from tongxue.voting.models import PaperCount, Scrutineer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


def _status(setup):  # type: ignore[no-untyped-def]
    setup.election.refresh_from_db()
    return setup.election.status


@pytest.mark.parametrize("who", ["outsider", "voter"])
def test_close_needs_run_election(who):  # type: ignore[no-untyped-def]
    setup = build_voting()
    services.open_vote(actor=setup.admin, election=setup.election)
    actor = setup.outsider if who == "outsider" else setup.voters[0]
    with pytest.raises(Refusal) as exc:
        services.close_vote(actor=actor, election=setup.election)
    assert exc.value.code == "forbidden"
    assert _status(setup) == ElectionStatus.OPEN
    assert not AuditEvent.objects.filter(action="voting.closed").exists()


def test_count_needs_run_election():
    setup = build_voting()
    services.open_vote(actor=setup.admin, election=setup.election)
    services.close_vote(actor=setup.admin, election=setup.election)
    with pytest.raises(Refusal) as exc:
        services.count_vote(actor=setup.outsider, election=setup.election)
    assert exc.value.code == "forbidden"
    assert _status(setup) == ElectionStatus.CLOSED
    # The presidium counts (no ballot was cast: the whole vote is void).
    services.count_vote(actor=setup.admin, election=setup.election)
    assert _status(setup) in (ElectionStatus.COUNTED, ElectionStatus.VOID)


def test_designating_scrutineers_needs_run_election():
    setup = build_voting(mode=VotingMode.PAPER)
    UserFactory(username="jp1")
    UserFactory(username="jp2")
    with pytest.raises(Refusal) as exc:
        services.designate_scrutineers(
            actor=setup.voters[0], election=setup.election, usernames=["jp1", "jp2"]
        )
    assert exc.value.code == "forbidden"
    assert not Scrutineer.objects.exists()


def _paper_closed():  # type: ignore[no-untyped-def]
    setup = build_voting(voters=3, mode=VotingMode.PAPER, candidates=2, seats=1)
    first = UserFactory(username="jp1")
    UserFactory(username="jp2")
    services.open_vote(actor=setup.admin, election=setup.election)
    services.designate_scrutineers(
        actor=setup.admin, election=setup.election, usernames=["jp1", "jp2"]
    )
    services.close_vote(actor=setup.admin, election=setup.election)
    setup.election.refresh_from_db()
    return setup, first


def _figures(setup):  # type: ignore[no-untyped-def]
    return {
        "present": 3,
        "issued": 3,
        "returned": 3,
        "void_reasons": {},
        "candidates": {name: [1, 0, 0] for name in setup.candidates},
    }


@pytest.mark.parametrize("who", ["admin", "voter", "outsider"])
def test_only_a_scrutineer_enters_a_paper_count(who):  # type: ignore[no-untyped-def]
    setup, first = _paper_closed()
    actor = {"admin": setup.admin, "voter": setup.voters[0], "outsider": setup.outsider}
    with pytest.raises(Refusal) as exc:
        services.enter_paper_count(
            actor=actor[who], election=setup.election, **_figures(setup)
        )
    assert exc.value.code == "forbidden"
    assert not PaperCount.objects.exists()
    services.enter_paper_count(actor=first, election=setup.election, **_figures(setup))
    assert PaperCount.objects.get().scrutineer == first
