import datetime

import pytest
import time_machine
import vobject
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import services
from events.enums import EventKind, RegistrationStatus
from events.models import Event, Participant, Registration
from events.selectors import calendar_items_for_user, partnerships_attended
from partnerships import services as partnership_services
from tests.events.conftest import FEWER
from tests.factories import EventFactory, PartnershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def submit(event, partnership, people, actor, **kwargs):
    kwargs.setdefault("chosen_internally", True)
    for name, value in FEWER.items():
        kwargs.setdefault(name, value)
    return services.registration_submit(
        event=event, partnership=partnership, people=people, actor=actor, **kwargs
    )


def message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- events --------------------------------------------------------------------------------


def test_event_create_seminar_gets_defaults_of_the_source():
    event = services.event_create(
        actor=UserFactory(role="staff"),
        kind=EventKind.SEMINAR,
        title="Seminarium",
        programme="p",
        starts_on=datetime.date(2027, 5, 10),
        capacity=40,
        registration_opens_at=timezone.now(),
        registration_closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    assert event.ends_on == datetime.date(2027, 5, 11)
    assert event.place == "Warszawa"
    assert (event.provides_lodging, event.provides_meals, event.provides_coffee_breaks) == (
        True,
        True,
        True,
    )
    assert event.provides_materials and event.travel_at_own_cost
    assert not event.provides_transport


def test_event_create_study_visit_gets_defaults_of_the_source():
    event = services.event_create(
        actor=UserFactory(role="staff"),
        kind=EventKind.STUDY_VISIT,
        title="Wizyta",
        programme="p",
        place="Kraków",
        starts_on=datetime.date(2027, 5, 10),
        capacity=12,
        registration_opens_at=timezone.now(),
        registration_closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    assert event.provides_lodging and event.provides_meals and event.provides_transport
    assert event.provides_materials
    assert not event.provides_coffee_breaks and not event.travel_at_own_cost


def test_event_days_not_consecutive_refused_by_database(visit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=visit.pk).update(
            ends_on=visit.starts_on + datetime.timedelta(days=2)
        )


def test_event_days_not_consecutive_refused_by_full_clean(visit):
    visit.ends_on = visit.starts_on + datetime.timedelta(days=3)
    with pytest.raises(ValidationError) as exc_info:
        visit.full_clean()
    assert "dwa kolejne dni" in message(exc_info) or "two consecutive" in message(exc_info)


def test_event_update_capacity_below_taken_refused(world, cast, visit):
    submit(visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    with pytest.raises(ValidationError):
        services.event_update(event=visit, actor=UserFactory(role="staff"), capacity=1)
    visit.refresh_from_db()
    assert visit.capacity == 12


def test_event_update_kind_change_with_registrations_refused(world, cast, visit):
    submit(visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    with pytest.raises(ValidationError) as exc_info:
        services.event_update(event=visit, actor=UserFactory(role="staff"), kind=EventKind.SEMINAR)
    assert "rodzaj" in message(exc_info)
    visit.refresh_from_db()
    assert visit.kind == EventKind.STUDY_VISIT


def test_event_update_more_seats_offers_them_to_waiting(world, cast):
    event = EventFactory(capacity=1)
    submit(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    waiting = submit(
        event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True
    )
    services.event_update(event=event, actor=UserFactory(role="staff"), capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED


def test_withdraw_and_introduce_keep_history_with_actor(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    services.registration_introduce(registration=registration, actor=world.staff)
    assert registration.history.filter(introduced_at__isnull=False).exists()
    services.registration_withdraw(registration=registration, actor=world.leader_a)
    participant = registration.participants.get()
    assert participant.history.filter(removed_at__isnull=False).exists()


# --- registering ---------------------------------------------------------------------------


def test_registration_submit_registers_and_emails_each_person(
    world, cast, visit, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = submit(
            visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a
        )
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.seats == 2
    assert set(Participant.objects.values_list("person_id", flat=True)) == {
        cast.librarian_a.pk,
        cast.ngo_a1.pk,
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [cast.librarian_a.email, cast.ngo_a1.email]
    )
    mail = mailoutbox[0]
    assert visit.title in mail.subject
    assert "nocleg" in mail.body and "transport" in mail.body
    assert visit.place in mail.body
    filename, ics, mimetype = mail.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    cal = vobject.readOne(ics.decode() if isinstance(ics, bytes) else ics)
    cal.validate(raiseException=True)
    assert cal.vtimezone.tzid.value == "Europe/Warsaw"
    assert cal.vevent.dtstart.value == visit.starts_on
    assert cal.vevent.summary.value == visit.title  # "Wizyta studyjna 1", said once


def test_registration_submit_seminar_mail_says_travel_is_paid_by_participant(
    world, cast, seminar, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(seminar, world.partnership_a, [cast.leader_person_a], world.leader_a)
    body = mailoutbox[0].body
    assert "przerwy kawowe" in body
    assert "na własny koszt" in body


@pytest.mark.parametrize(
    "people, expected",
    [
        (lambda c: [c.leader_person_b], "własnego partnerstwa"),
        (lambda c: [c.librarian_a, c.librarian_a], "dwukrotnie"),
        (lambda c: [c.ngo_a1, c.ngo_a2], "biblioteki"),
        (lambda c: [c.librarian_a, c.ngo_a1, c.ngo_a2, c.ngo_a3], "Najwyżej 3"),
        (lambda c: [], "co najmniej jednego"),
    ],
    ids=["other_partnership", "same_twice", "no_library", "four_people", "nobody"],
)
def test_registration_submit_study_visit_bad_people_refused(world, cast, visit, people, expected):
    with pytest.raises(ValidationError) as exc_info:
        submit(visit, world.partnership_a, people(cast), world.leader_a)
    assert expected in message(exc_info)
    assert not Registration.objects.exists()
    assert not Participant.objects.exists()


def test_registration_submit_archived_person_refused(world, cast, visit):
    cast.librarian_a.archived_at = timezone.now()
    cast.librarian_a.save()
    with pytest.raises(ValidationError):
        submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    assert not Registration.objects.exists()


def test_registration_submit_library_partner_that_left_is_not_library(world, cast, visit):
    partnership = world.partnership_a
    other_library = PartnershipFactory().lead_library
    partner = partnership.partners.create(institution=other_library, contribution="c", benefit="b")
    person = PersonFactory(partnership=partnership, institution=other_library)
    partner.left_on = timezone.localdate()
    partner.save()
    with pytest.raises(ValidationError) as exc_info:
        submit(visit, partnership, [person, cast.ngo_a1], world.leader_a)
    assert "biblioteki" in message(exc_info)


def test_registration_submit_seminar_without_leader_refused(world, cast, seminar):
    with pytest.raises(ValidationError) as exc_info:
        submit(seminar, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    assert "lider" in message(exc_info)
    assert not Registration.objects.exists()


def test_registration_submit_seminar_three_people_refused(world, cast, seminar):
    with pytest.raises(ValidationError) as exc_info:
        submit(
            seminar,
            world.partnership_a,
            [cast.leader_person_a, cast.librarian_a, cast.ngo_a1],
            world.leader_a,
        )
    assert "Najwyżej 2" in message(exc_info)


def test_registration_submit_seminar_leader_added_with_the_login_email_is_linked(world, seminar):
    """A leader who adds themselves with their login e-mail is linked to their account on
    saving, so the seminar rule (§2.3.3) recognises them by the link."""
    person = partnership_services.person_add(
        partnership=world.partnership_a,
        consent=True,
        first_name="Anna",
        last_name="Lis",
        email=world.leader_a.email.upper(),
        institution=world.partnership_a.lead_library,
    )
    assert person.user == world.leader_a
    registration = submit(seminar, world.partnership_a, [person], world.leader_a)
    assert registration.status == RegistrationStatus.REGISTERED


def test_registration_submit_seminar_leader_linked_with_another_email(world, cast, seminar):
    """§2.3.3 "w tym lider biblioteczny": the leader's person record may carry a work e-mail;
    the link to the leader's account is what counts."""
    person = PersonFactory(partnership=world.partnership_a, email="a.lis@biblioteka.example")
    with pytest.raises(ValidationError) as exc_info:
        submit(seminar, world.partnership_a, [person, cast.ngo_a1], world.leader_a)
    assert "lider biblioteczny" in message(exc_info)
    partnership_services.person_update(person=person, is_leader=True)
    registration = submit(seminar, world.partnership_a, [person, cast.ngo_a1], world.leader_a)
    assert registration.seats == 2


def test_registration_submit_seminar_email_alone_is_not_the_leader(world, cast, seminar):
    """Only the link counts: a record with the leader's e-mail but linked to nobody, while
    another record is the leader's, is not the leader."""
    person = PersonFactory(partnership=world.partnership_a, email="other@example.org")
    person.email = world.leader_a.email  # bypassing the service, as old data might
    person.save()
    with pytest.raises(ValidationError):
        submit(seminar, world.partnership_a, [person, cast.ngo_a1], world.leader_a)


def test_registration_submit_seminar_other_persons_account_is_not_leader(world, seminar):
    person = PersonFactory(
        partnership=world.partnership_a, user=UserFactory(), email=world.leader_a.email
    )
    with pytest.raises(ValidationError):
        submit(seminar, world.partnership_a, [person], world.leader_a)


def test_registration_submit_without_confirmation_refused(world, cast, visit):
    with pytest.raises(ValidationError) as exc_info:
        submit(
            visit, world.partnership_a, [cast.librarian_a], world.leader_a, chosen_internally=False
        )
    assert "wewnątrz" in message(exc_info) or "wspólnie" in message(exc_info)
    assert not Registration.objects.exists()


def test_registration_submit_window_closed_refused_for_leader(world, cast, visit):
    after = visit.registration_closes_at + datetime.timedelta(minutes=1)
    with time_machine.travel(after), pytest.raises(ValidationError) as exc_info:
        submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    assert "zamknięt" in message(exc_info)
    assert not Registration.objects.exists()


def test_registration_submit_window_not_open_refused(world, cast):
    event = EventFactory(registration_opens_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        submit(event, world.partnership_a, [cast.librarian_a], world.leader_a)


def test_registration_submit_window_closed_allowed_for_staff(world, cast, visit):
    with time_machine.travel(visit.registration_closes_at + datetime.timedelta(minutes=1)):
        registration = submit(visit, world.partnership_a, [cast.librarian_a], world.staff)
    assert registration.status == RegistrationStatus.REGISTERED


def test_registration_submit_twice_refused(world, cast, visit):
    submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    with pytest.raises(ValidationError) as exc_info:
        submit(visit, world.partnership_a, [cast.leader_person_a], world.leader_a)
    assert "już zgłoszone" in message(exc_info)
    assert Registration.objects.count() == 1


def test_registration_submit_withdrawn_partnership_refused(world, cast, visit):
    world.partnership_a.status = "withdrawn"
    world.partnership_a.save()
    with pytest.raises(ValidationError):
        submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)


def test_registration_submit_full_event_refused_without_waiting_list(world, cast):
    event = EventFactory(capacity=2)
    submit(event, world.partnership_b, [cast.leader_person_b, cast.ngo_b], world.leader_b)
    with pytest.raises(ValidationError) as exc_info:
        submit(event, world.partnership_a, [cast.librarian_a], world.leader_a)
    assert "listę rezerwową" in message(exc_info)
    assert Registration.objects.count() == 1


def test_registration_submit_full_event_joins_waiting_list(
    world, cast, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(capacity=2)
    submit(event, world.partnership_b, [cast.leader_person_b, cast.ngo_b], world.leader_b)
    with django_capture_on_commit_callbacks(execute=True):
        registration = submit(
            event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True
        )
    assert registration.status == RegistrationStatus.WAITING
    assert registration.queued_at is not None
    assert mailoutbox == []  # nobody is told they take part before they have a seat


def test_registration_constraint_one_active_per_partnership(world, cast, visit):
    submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=visit, partnership=world.partnership_a, chosen_internally=True
        )


def test_participant_constraint_person_once_per_event(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(registration=registration, event=visit, person=cast.librarian_a)


# --- changing and withdrawing --------------------------------------------------------------


def test_registration_change_emails_only_added_people(
    world, cast, visit, mailoutbox, django_capture_on_commit_callbacks, deliver_earlier_mail
):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    deliver_earlier_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_change(
            registration=registration,
            people=[cast.librarian_a, cast.ngo_a1],
            chosen_internally=True,
            actor=world.leader_a,
            **FEWER,
        )
    registration.refresh_from_db()
    assert registration.seats == 2
    assert [m.to[0] for m in mailoutbox] == [cast.ngo_a1.email]


def test_registration_change_removed_person_kept_as_removed(world, cast, visit):
    registration = submit(
        visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a
    )
    services.registration_change(
        registration=registration,
        people=[cast.librarian_a],
        chosen_internally=True,
        actor=world.leader_a,
        **FEWER,
    )
    removed = Participant.objects.get(person=cast.ngo_a1)
    assert removed.removed_at is not None
    assert registration.participants.filter(removed_at__isnull=True).count() == 1


def test_registration_change_beyond_free_seats_refused(world, cast):
    event = EventFactory(capacity=3)
    registration = submit(event, world.partnership_a, [cast.librarian_a], world.leader_a)
    submit(event, world.partnership_b, [cast.leader_person_b, cast.ngo_b], world.leader_b)
    with pytest.raises(ValidationError) as exc_info:
        services.registration_change(
            registration=registration,
            people=[cast.librarian_a, cast.ngo_a1],
            chosen_internally=True,
            actor=world.leader_a,
            **FEWER,
        )
    assert "1 miejsce" in message(exc_info)
    assert registration.participants.filter(removed_at__isnull=True).count() == 1


def test_registration_change_breaking_library_rule_refused(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    with pytest.raises(ValidationError):
        services.registration_change(
            registration=registration,
            people=[cast.ngo_a1],
            chosen_internally=True,
            actor=world.leader_a,
            **FEWER,
        )
    assert list(
        registration.participants.filter(removed_at__isnull=True).values_list(
            "person_id", flat=True
        )
    ) == [cast.librarian_a.pk]


def test_registration_change_after_close_refused_for_leader_allowed_for_staff(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    with time_machine.travel(visit.registration_closes_at + datetime.timedelta(hours=1)):
        with pytest.raises(ValidationError):
            services.registration_withdraw(registration=registration, actor=world.leader_a)
        services.registration_withdraw(registration=registration, actor=world.staff)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WITHDRAWN
    assert registration.withdrawn_by == world.staff


def test_registration_withdraw_keeps_rows_and_frees_seats(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    services.registration_withdraw(registration=registration, actor=world.leader_a)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WITHDRAWN
    assert Participant.objects.get().removed_at is not None
    # The partnership may register again afterwards.
    again = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    assert again.status == RegistrationStatus.REGISTERED


# --- waiting list --------------------------------------------------------------------------


@pytest.fixture
def full_event(world, cast):
    """Two seats, both taken by partnership B; partnership A waits with one person."""
    event = EventFactory(capacity=2)
    taken = submit(event, world.partnership_b, [cast.leader_person_b, cast.ngo_b], world.leader_b)
    waiting = submit(
        event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True
    )
    return event, taken, waiting


def test_withdraw_offers_seats_to_first_waiting(
    world,
    full_event,
    mailoutbox,
    django_capture_on_commit_callbacks,
    settings,
    deliver_earlier_mail,
):
    settings.EVENT_OFFER_HOURS = 48
    event, taken, waiting = full_event
    deliver_earlier_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_withdraw(registration=taken, actor=world.leader_b)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED
    assert waiting.offer_expires_at - waiting.offered_at == datetime.timedelta(hours=48)
    assert [m.to[0] for m in mailoutbox] == [world.leader_a.email]
    assert event.title in mailoutbox[0].subject


def test_offer_skips_registration_needing_more_seats(world, cast):
    event = EventFactory(capacity=2)
    taken = submit(event, world.partnership_b, [cast.leader_person_b, cast.ngo_b], world.leader_b)
    big = submit(
        event,
        world.partnership_a,
        [cast.librarian_a, cast.ngo_a1, cast.ngo_a2],
        world.leader_a,
        join_waiting_list=True,
    )
    third = PartnershipFactory()
    small = submit(
        event, third, [PersonFactory(partnership=third)], world.staff, join_waiting_list=True
    )
    # One seat frees up; the first in the queue needs three, so the second is offered it.
    services.registration_change(
        registration=taken,
        people=[cast.leader_person_b],
        chosen_internally=True,
        actor=world.leader_b,
        **FEWER,
    )
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == RegistrationStatus.WAITING
    assert small.status == RegistrationStatus.OFFERED


def test_registration_submit_newcomer_fitting_free_seats_takes_them(world, cast):
    event = EventFactory(capacity=2)
    submit(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    big = submit(
        event,
        world.partnership_a,
        [cast.librarian_a, cast.ngo_a1],
        world.leader_a,
        join_waiting_list=True,
    )
    third = PartnershipFactory()
    small = submit(event, third, [PersonFactory(partnership=third)], world.staff)
    assert big.status == RegistrationStatus.WAITING
    assert small.status == RegistrationStatus.REGISTERED


def test_accept_offer_registers_and_emails_people(
    world, cast, full_event, mailoutbox, django_capture_on_commit_callbacks, deliver_earlier_mail
):
    event, taken, waiting = full_event
    services.registration_withdraw(registration=taken, actor=world.leader_b)
    deliver_earlier_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_accept_offer(
            registration=Registration.objects.get(pk=waiting.pk), actor=world.leader_a
        )
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED
    assert waiting.offer_expires_at is None
    assert [m.to[0] for m in mailoutbox] == [cast.librarian_a.email]


def test_accept_offer_after_expiry_refused(world, full_event):
    event, taken, waiting = full_event
    services.registration_withdraw(registration=taken, actor=world.leader_b)
    waiting.refresh_from_db()
    after = waiting.offer_expires_at + datetime.timedelta(minutes=1)
    with time_machine.travel(after), pytest.raises(ValidationError) as exc_info:
        services.registration_accept_offer(registration=waiting, actor=world.leader_a)
    assert "wygasła" in message(exc_info)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED


def test_offers_expire_passes_seats_to_next_and_runs_once(world, cast, full_event):
    event, taken, first = full_event
    third = PartnershipFactory()
    second = submit(
        event,
        third,
        [PersonFactory(partnership=third)],
        world.staff,
        join_waiting_list=True,
    )
    services.registration_withdraw(registration=taken, actor=world.leader_b)
    first.refresh_from_db()
    second.refresh_from_db()
    # Two seats freed: both waiting registrations (one seat each) are offered them.
    assert first.status == second.status == RegistrationStatus.OFFERED
    services.registration_accept_offer(registration=second, actor=world.staff)
    with time_machine.travel(first.offer_expires_at + datetime.timedelta(minutes=1)):
        assert services.offers_expire() == 1
        assert services.offers_expire() == 0
    first.refresh_from_db()
    assert first.status == RegistrationStatus.EXPIRED
    assert not first.participants.filter(removed_at__isnull=True).exists()


def test_offers_expire_offers_to_next_in_queue(world, cast):
    event = EventFactory(capacity=1)
    taken = submit(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    first = submit(
        event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True
    )
    third = PartnershipFactory()
    second = submit(
        event, third, [PersonFactory(partnership=third)], world.staff, join_waiting_list=True
    )
    services.registration_withdraw(registration=taken, actor=world.leader_b)
    first.refresh_from_db()
    assert first.status == RegistrationStatus.OFFERED
    with time_machine.travel(first.offer_expires_at + datetime.timedelta(minutes=1)):
        from events.tasks import expire_seat_offers

        assert expire_seat_offers() == 1
    second.refresh_from_db()
    assert second.status == RegistrationStatus.OFFERED


# --- introduction and attendance -----------------------------------------------------------


def test_introduce_emails_both_once_and_records(
    world, cast, visit, mailoutbox, django_capture_on_commit_callbacks, deliver_earlier_mail
):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    deliver_earlier_mail()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_introduce(registration=registration, actor=world.staff)
    registration.refresh_from_db()
    assert registration.introduced_by == world.staff
    assert registration.introduced_at is not None
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {world.leader_a.email, visit.host_email}
    assert visit.host_email in by_recipient[world.leader_a.email].body
    assert world.leader_a.email in by_recipient[visit.host_email].body
    with pytest.raises(ValidationError) as exc_info:
        services.registration_introduce(registration=registration, actor=world.staff)
    assert "już" in message(exc_info)
    assert len(mailoutbox) == 2


def test_introduce_seminar_refused(world, cast, seminar):
    registration = submit(seminar, world.partnership_a, [cast.leader_person_a], world.leader_a)
    with pytest.raises(ValidationError):
        services.registration_introduce(registration=registration, actor=world.staff)
    registration.refresh_from_db()
    assert registration.introduced_at is None


def test_attendance_mark_before_start_refused(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    participant = registration.participants.get()
    with pytest.raises(ValidationError):
        services.attendance_mark(
            event=visit, actor=world.staff, marks={participant.pk: (True, True)}
        )
    participant.refresh_from_db()
    assert participant.attended is None


def test_attendance_mark_feeds_partnerships_attended(world, cast, visit, seminar):
    registration = submit(
        visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a
    )
    submit(visit, world.partnership_b, [cast.leader_person_b], world.leader_b)
    librarian, ngo = registration.participants.order_by("pk")
    with time_machine.travel(
        datetime.datetime.combine(visit.ends_on, datetime.time(12), tzinfo=datetime.UTC)
    ):
        changed = services.attendance_mark(
            event=visit,
            actor=world.staff,
            marks={librarian.pk: (True, True), ngo.pk: (False, False)},
        )
    assert changed == 2
    librarian.refresh_from_db()
    assert librarian.attended and librarian.materials_received
    assert librarian.attendance_marked_by == world.staff
    assert list(partnerships_attended(EventKind.STUDY_VISIT)) == [world.partnership_a]
    assert not partnerships_attended(EventKind.SEMINAR).exists()


# --- calendar ------------------------------------------------------------------------------


def test_calendar_items_for_leader_and_participant(world, cast, visit, seminar):
    submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    participant_user = UserFactory()
    cast.librarian_a.user = participant_user
    cast.librarian_a.save()
    assert [i.uid for i in calendar_items_for_user(world.leader_a)] == [f"event-{visit.pk}"]
    assert [i.uid for i in calendar_items_for_user(participant_user)] == [f"event-{visit.pk}"]
    assert calendar_items_for_user(world.leader_b) == []
    assert len(calendar_items_for_user(world.staff)) == 2


# --- who may act (the services check it, not only the views) -----------------------------


@pytest.mark.parametrize("persona", ["animator_a", "leader_b", "committee"])
def test_registration_submit_by_someone_not_leading_the_partnership_is_refused(
    world, cast, visit, persona
):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submit(visit, world.partnership_a, [cast.librarian_a], getattr(world, persona))
    assert not Registration.objects.filter(event=visit).exists()


def test_registration_withdraw_by_another_partnerships_leader_is_refused(world, cast, visit):
    from django.core.exceptions import PermissionDenied

    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    with pytest.raises(PermissionDenied):
        services.registration_withdraw(registration=registration, actor=world.leader_b)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED


def test_attendance_mark_by_a_leader_is_refused(world, cast, visit):
    from django.core.exceptions import PermissionDenied

    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    participant = registration.participants.get()
    with (
        time_machine.travel(visit.starts_on + datetime.timedelta(days=1)),
        pytest.raises(PermissionDenied),
    ):
        services.attendance_mark(
            event=visit, actor=world.leader_a, marks={participant.pk: (True, True)}
        )
    participant.refresh_from_db()
    assert participant.attended is None


# --- delegations of three and two (§2.2.3, §2.3.3) ------------------------------------------


def test_registration_submit_study_visit_fewer_than_three_unconfirmed_refused(world, cast, visit):
    with pytest.raises(ValidationError) as exc_info:
        submit(
            visit,
            world.partnership_a,
            [cast.librarian_a, cast.ngo_a1],
            world.leader_a,
            fewer_confirmed=False,
            fewer_reason="",
        )
    assert "trzech przedstawicieli" in message(exc_info)
    assert "fewer_confirmed" in exc_info.value.error_dict
    assert not Registration.objects.exists()


def test_registration_submit_fewer_confirmed_without_reason_refused(world, cast, visit):
    with pytest.raises(ValidationError) as exc_info:
        submit(
            visit,
            world.partnership_a,
            [cast.librarian_a],
            world.leader_a,
            fewer_confirmed=True,
            fewer_reason="   ",
        )
    assert "fewer_reason" in exc_info.value.error_dict
    assert "dlaczego" in message(exc_info)
    assert not Registration.objects.exists()


def test_registration_submit_fewer_with_reason_accepted_and_kept(world, cast, visit):
    registration = submit(
        visit,
        world.partnership_a,
        [cast.librarian_a],
        world.leader_a,
        fewer_confirmed=True,
        fewer_reason=" Dwie partnerki są chore. ",
    )
    assert registration.seats == 1
    assert registration.fewer_reason == "Dwie partnerki są chore."


def test_registration_submit_seminar_leader_alone_unconfirmed_refused(world, cast, seminar):
    with pytest.raises(ValidationError) as exc_info:
        submit(
            seminar,
            world.partnership_a,
            [cast.leader_person_a],
            world.leader_a,
            fewer_confirmed=False,
            fewer_reason="",
        )
    assert "dwóch przedstawicieli" in message(exc_info)
    assert not Registration.objects.exists()


def test_registration_submit_full_delegation_needs_no_reason_and_keeps_none(
    world, cast, visit, seminar
):
    registration = submit(
        visit,
        world.partnership_a,
        [cast.librarian_a, cast.ngo_a1, cast.ngo_a2],
        world.leader_a,
        fewer_confirmed=False,
        fewer_reason="",
    )
    assert (registration.seats, registration.fewer_reason) == (3, "")
    both = submit(
        seminar,
        world.partnership_a,
        [cast.leader_person_a, cast.ngo_a1],
        world.leader_a,
        fewer_confirmed=True,
        fewer_reason="Niepotrzebny powód.",
    )
    assert (both.seats, both.fewer_reason) == (2, "")


def test_registration_change_to_fewer_needs_the_reason(world, cast, visit):
    registration = submit(
        visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1, cast.ngo_a2], world.leader_a
    )
    with pytest.raises(ValidationError) as exc_info:
        services.registration_change(
            registration=registration,
            people=[cast.librarian_a, cast.ngo_a1],
            chosen_internally=True,
            actor=world.leader_a,
        )
    assert "fewer_confirmed" in exc_info.value.error_dict
    assert registration.participants.filter(removed_at__isnull=True).count() == 3
    services.registration_change(
        registration=registration,
        people=[cast.librarian_a, cast.ngo_a1],
        chosen_internally=True,
        actor=world.leader_a,
        fewer_confirmed=True,
        fewer_reason="Trzecia osoba zrezygnowała.",
    )
    registration.refresh_from_db()
    assert (registration.seats, registration.fewer_reason) == (2, "Trzecia osoba zrezygnowała.")


def test_registration_change_back_to_full_clears_the_reason(world, cast, visit):
    registration = submit(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    services.registration_change(
        registration=registration,
        people=[cast.librarian_a, cast.ngo_a1, cast.ngo_a2],
        chosen_internally=True,
        actor=world.leader_a,
    )
    registration.refresh_from_db()
    assert (registration.seats, registration.fewer_reason) == (3, "")


def test_delegation_gaps_lists_seat_holders_short_of_the_expected_number(world, cast, visit):
    from events.selectors import delegation_gaps

    submit(visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    third = PartnershipFactory()
    full = [PersonFactory(partnership=third) for _ in range(2)]
    full.append(PersonFactory(partnership=third, institution=third.lead_library))
    submit(visit, third, full, world.staff)
    gaps = delegation_gaps(visit)
    assert [(r.partnership, r.seats, r.expected_people) for r in gaps["registrations"]] == [
        (world.partnership_a, 2, 3)
    ]
    assert gaps["registrations"][0].fewer_reason == FEWER["fewer_reason"]
    assert gaps["empty_places"] == 1
