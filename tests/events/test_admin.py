import pytest
from django.urls import reverse

from tests.events.conftest import FEWER

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(world, cast, visit):
    from events import services

    return services.registration_submit(
        event=visit,
        partnership=world.partnership_a,
        people=[cast.librarian_a],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_a,
    )


@pytest.mark.parametrize("model", ["event", "registration", "participant"])
def test_admin_changelist_and_change_page_for_staff(client, world, registration, model):
    client.force_login(world.staff)
    obj = {
        "event": registration.event,
        "registration": registration,
        "participant": registration.participants.get(),
    }[model]
    assert client.get(reverse(f"admin:events_{model}_changelist")).status_code == 200
    response = client.get(reverse(f"admin:events_{model}_change", args=[obj.pk]))
    assert response.status_code == 200
    # Business records are withdrawn or removed, never deleted.
    assert client.get(reverse(f"admin:events_{model}_delete", args=[obj.pk])).status_code == 403


def test_admin_registration_cannot_be_added_bypassing_the_rules(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("admin:events_registration_add")).status_code == 403


def _event_admin_data(event, **changes):
    opens, closes = event.registration_opens_at, event.registration_closes_at
    data = {
        "kind": event.kind,
        "title": event.title,
        "programme": event.programme,
        "place": event.place,
        "starts_on": event.starts_on.isoformat(),
        "capacity": str(event.capacity),
        "registration_opens_at_0": opens.strftime("%Y-%m-%d"),
        "registration_opens_at_1": opens.strftime("%H:%M"),
        "registration_closes_at_0": closes.strftime("%Y-%m-%d"),
        "registration_closes_at_1": closes.strftime("%H:%M"),
    }
    return {**data, **changes}


def test_admin_event_second_day_is_the_day_after_the_first(client, world, visit):
    """The second day is not edited: the service sets it, as on the staff page."""
    client.force_login(world.staff)
    url = reverse("admin:events_event_change", args=[visit.pk])
    data = _event_admin_data(visit, starts_on="2027-03-01", ends_on="2027-03-03")
    response = client.post(url, data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert str(visit.ends_on) == "2027-03-02"


def test_admin_event_seats_below_taken_refused_like_the_staff_page(client, world, registration):
    event = registration.event
    client.force_login(world.staff)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, _event_admin_data(event, capacity="0", title="Nowy tytuł"))
    assert response.status_code == 200
    assert "Zajętych miejsc jest już 1" in response.content.decode()
    event.refresh_from_db()
    assert (event.capacity, event.title) == (12, registration.event.title)


def test_admin_event_kind_change_with_registrations_refused_like_the_staff_page(
    client, world, registration
):
    event = registration.event
    client.force_login(world.staff)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = client.post(url, _event_admin_data(event, kind="seminar"))
    assert response.status_code == 200
    assert "rodzaj" in response.content.decode()
    event.refresh_from_db()
    assert event.kind == "study_visit"


def test_admin_event_change_goes_through_the_service_and_keeps_history(client, world, visit):
    client.force_login(world.staff)
    url = reverse("admin:events_event_change", args=[visit.pk])
    response = client.post(url, _event_admin_data(visit, capacity="20"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.capacity == 20
    assert visit.history.latest().history_user == world.staff


def _attendance_post(client, participant, attended):
    url = reverse("admin:events_participant_change", args=[participant.pk])
    return client.post(
        url,
        {"attended": "true" if attended else "false", "materials_received": "on"},
        follow=True,
    )


def test_admin_attendance_goes_through_the_service_and_stamps_who_marked(
    client, world, registration
):
    import datetime

    import time_machine

    participant = registration.participants.get()
    with time_machine.travel(registration.event.starts_on + datetime.timedelta(days=1)):
        client.force_login(world.staff)  # in the future, the session of today has expired
        _attendance_post(client, participant, attended=True)
    participant.refresh_from_db()
    assert participant.attended is True and participant.materials_received is True
    assert participant.attendance_marked_by == world.staff


def test_admin_attendance_before_the_event_is_refused_with_the_services_message(
    client, world, registration
):
    participant = registration.participants.get()
    client.force_login(world.staff)
    response = _attendance_post(client, participant, attended=True)
    assert "Obecność można odnotować dopiero po rozpoczęciu" in response.content.decode()
    participant.refresh_from_db()
    assert participant.attended is None and participant.attendance_marked_by is None
