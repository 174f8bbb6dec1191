"""Helpers for the events tests: people of the two partnerships of ``world``."""

from dataclasses import dataclass

import pytest

from tests.factories import EventFactory, InstitutionFactory, PersonFactory, SeminarFactory

# The leader's confirmation that fewer representatives than expected will come (§2.2.3,
# §2.3.3). Tests of other rules register small delegations with it; the tests of the rule
# itself pass their own values.
FEWER = {"fewer_confirmed": True, "fewer_reason": "Tylko tyle osób może przyjechać."}


@dataclass
class Cast:
    """``leader_person_a`` is the library leader of partnership A (linked to leader_a), a
    library representative; ``ngo_a1``/``ngo_a2``/``ngo_a3`` are not from a library."""

    leader_person_a: object
    librarian_a: object
    ngo_a1: object
    ngo_a2: object
    ngo_a3: object
    leader_person_b: object
    ngo_b: object


@pytest.fixture
def cast(world):
    a, b = world.partnership_a, world.partnership_b
    ngo_a = a.partners.exclude(institution=a.lead_library).get().institution
    ngo_b_institution = InstitutionFactory(kind="ngo", sector="social")
    b.partners.create(institution=ngo_b_institution, contribution="c", benefit="b")
    return Cast(
        leader_person_a=PersonFactory(
            partnership=a, user=world.leader_a, first_name="Żaneta", last_name="Łęcka"
        ),
        librarian_a=PersonFactory(partnership=a, first_name="Ludwik", last_name="Bibliotekarz"),
        ngo_a1=PersonFactory(partnership=a, institution=ngo_a, last_name="Ąkowska"),
        ngo_a2=PersonFactory(partnership=a, institution=ngo_a),
        ngo_a3=PersonFactory(partnership=a, institution=ngo_a),
        leader_person_b=PersonFactory(partnership=b, user=world.leader_b),
        ngo_b=PersonFactory(partnership=b, institution=ngo_b_institution),
    )


@pytest.fixture
def visit(db):
    return EventFactory()


@pytest.fixture
def seminar(db):
    return SeminarFactory()
