import pytest
from django.core.exceptions import ValidationError

from partnerships.models import Person
from reports.models import Anonymisation
from reports.services import person_anonymise
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_person_anonymise_replaces_personal_fields_and_keeps_the_rest(world):
    person = PersonFactory(partnership=world.partnership_a, position="bibliotekarka")
    before = Person.objects.values("partnership_id", "institution_id", "consent_given_at").get(
        pk=person.pk
    )
    person_anonymise(person=person, actor=world.staff)
    person.refresh_from_db()
    assert person.first_name == "Osoba zanonimizowana" and person.last_name == f"#{person.pk}"
    assert (person.position, person.phone) == ("", "")
    after = Person.objects.values("partnership_id", "institution_id", "consent_given_at").get(
        pk=person.pk
    )
    assert after == before


def test_person_anonymise_unlinks_the_account_everywhere(world):
    person = PersonFactory(partnership=world.partnership_a, user=world.leader_a)
    person_anonymise(person=person, actor=world.staff)
    person.refresh_from_db()
    world.leader_a.refresh_from_db()
    assert person.user is None and world.leader_a.is_active
    assert set(Person.history.filter(id=person.pk).values_list("user_id", flat=True)) == {None}


def test_person_anonymise_keeps_an_earlier_archive_date(world):
    person = PersonFactory(partnership=world.partnership_a)
    person.archived_at = person.created_at
    person.save()
    person_anonymise(person=person, actor=world.staff)
    person.refresh_from_db()
    assert person.archived_at == person.created_at


def test_person_anonymise_twice_refuses_and_changes_nothing(world):
    person = PersonFactory(partnership=world.partnership_a)
    person_anonymise(person=person, actor=world.staff)
    rows = Person.history.filter(id=person.pk).count()
    with pytest.raises(ValidationError):
        person_anonymise(person=person, actor=world.animator_a)
    assert Person.history.filter(id=person.pk).count() == rows
    assert Anonymisation.objects.get(person=person).done_by == world.staff


def test_person_anonymise_leaves_other_people_alone(world):
    person = PersonFactory(partnership=world.partnership_a)
    other = PersonFactory(partnership=world.partnership_a, first_name="Halina")
    person_anonymise(person=person, actor=world.staff)
    other.refresh_from_db()
    assert other.first_name == "Halina"
    assert set(Person.history.filter(id=other.pk).values_list("first_name", flat=True)) == {
        "Halina"
    }


def test_person_anonymise_clears_their_address_from_the_reminder_log(world):
    from portal.models import ReminderSent

    person = PersonFactory(partnership=world.partnership_a, email="ala@example.org")
    ReminderSent.objects.create(
        key="events.soon:1:ala", kind="events.soon", email="Ala@example.org"
    )
    person_anonymise(person=person, actor=world.staff)
    sent = ReminderSent.objects.get(key="events.soon:1:ala")
    assert sent.email == "" and sent.kind == "events.soon"


def test_person_anonymise_deletes_the_emails_to_them_and_keeps_the_reminder_log(world):
    from portal.mail import queue_templated_mail
    from portal.models import OutboxMessage, ReminderSent

    person = PersonFactory(partnership=world.partnership_a, email="Grazyna@example.org")
    theirs = queue_templated_mail("password_reset", to=person.email, context={"url": "x"})
    other = queue_templated_mail("password_reset", to="ktos@example.org", context={"url": "x"})
    log = ReminderSent.objects.create(
        key="k1", kind="events.event_soon", email=person.email, message=theirs
    )
    person_anonymise(person=person, actor=world.staff)
    assert list(OutboxMessage.objects.all()) == [other]
    log.refresh_from_db()
    assert (log.key, log.email, log.message) == ("k1", "", None)
