"""Data migrations of the partnerships app, run on the current models."""

import importlib

import pytest
from django.apps import apps

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

leader_link = importlib.import_module("partnerships.migrations.0004_person_leader_link")


def test_link_leaders_links_the_one_person_with_the_leaders_login_email(world):
    """§2.3.3: before the seminar rule read only the link, a record with the leader's login
    e-mail counted as the leader; the migration turns that into the link."""
    person = PersonFactory(partnership=world.partnership_a, email=world.leader_a.email.upper())
    other = PersonFactory(partnership=world.partnership_a)
    already = PersonFactory(partnership=world.partnership_b, user=world.leader_b)
    same_email_b = PersonFactory(partnership=world.partnership_b, email=world.leader_b.email)

    leader_link.link_leaders(apps, None)

    for row in (person, other, already, same_email_b):
        row.refresh_from_db()
    assert person.user == world.leader_a
    assert other.user is None
    assert already.user == world.leader_b  # the link that existed stays
    assert same_email_b.user is None
