"""One message from staff to many: the page's preview and count, the sending through the
outbox, per app audience (an event's registered people; the leaders or animators of the
partnerships a list's filters select)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from events.services import registration_submit
from portal import services
from portal.enums import MessageStatus
from portal.mail import Recipient, distinct_recipients
from portal.models import OutboxMessage
from tests.factories import EventFactory, PartnershipFactory, PersonFactory
from tests.smtp import text_part

MESSAGE = {
    "subject": 'Zmiana miejsca: "Razem" & Syn',
    "body": "Spotykamy się w sali 2.\nDo zobaczenia!",
}


@pytest.fixture
def event_with_people(world):
    library = world.partnership_a.lead_library
    people = [
        PersonFactory(partnership=world.partnership_a, institution=library),
        PersonFactory(partnership=world.partnership_a),
    ]
    event = EventFactory(title="Wizyta w Łodzi")
    registration_submit(
        event=event,
        partnership=world.partnership_a,
        people=people,
        chosen_internally=True,
        fewer_confirmed=True,
        fewer_reason="Tylko tyle osób może przyjechać.",
        actor=world.leader_a,
    )
    OutboxMessage.objects.all().delete()  # the registration's confirmations
    return event, people


def test_event_message_preview_shows_the_email_and_count_and_sends_nothing(
    client, world, event_with_people
):
    event, people = event_with_people
    client.force_login(world.staff)
    url = reverse("events:event_message", args=[event.pk])
    response = client.get(url)
    text = response.content.decode()
    assert "2 odbiorców" in text and people[0].email in text
    response = client.post(url, {**MESSAGE, "preview": "1"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Spotykamy się w sali 2." in text and "Wyślij do 2 osób" in text
    assert not OutboxMessage.objects.exists()


def test_event_message_send_queues_one_email_each_from_the_staff_member(
    client, world, event_with_people, smtp_server, django_capture_on_commit_callbacks
):
    event, people = event_with_people
    client.force_login(world.staff)
    url = reverse("events:event_message", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**MESSAGE, "send": "1"})
    assert response.status_code == 302
    assert response.url == reverse("events:event_detail", args=[event.pk])
    received = smtp_server.received
    assert sorted(m["To"] for m in received) == sorted(p.email for p in people)
    message = received[0]
    assert message["Subject"] == MESSAGE["subject"]  # as typed, not escaped
    assert message["Reply-To"] == world.staff.email
    assert message["Auto-Submitted"] is None  # a person wrote it
    assert "Spotykamy się w sali 2.\r\nDo zobaczenia!" in text_part(message)
    stored = OutboxMessage.objects.filter(status=MessageStatus.SENT)
    assert {m.created_by for m in stored} == {world.staff}
    assert {m.about for m in stored} == {world.partnership_a}


def test_empty_message_is_refused_with_the_field_named(client, world, event_with_people):
    event, _people = event_with_people
    client.force_login(world.staff)
    response = client.post(
        reverse("events:event_message", args=[event.pk]), {"subject": "", "body": "", "send": "1"}
    )
    assert response.status_code == 400
    assert not OutboxMessage.objects.exists()


def test_partnership_message_reaches_the_leaders_of_the_filtered_list(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    url = reverse("partnership_message")
    response = client.get(url, {"q": "Partnerstwo A"})
    text = response.content.decode()
    assert world.leader_a.email in text and world.leader_b.email not in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}?q=Partnerstwo+A", {**MESSAGE, "send": "1"})
    assert response.status_code == 302
    assert response.url == reverse("partnership_list") + "?q=Partnerstwo+A"
    assert list(OutboxMessage.objects.values_list("to", flat=True)) == [world.leader_a.email]


def test_partnership_message_to_animators_writes_once_to_an_animator_of_many(
    client, world, django_capture_on_commit_callbacks
):
    PartnershipFactory(name="Partnerstwo C", animator=world.animator_a, leader=None)
    client.force_login(world.staff)
    url = reverse("partnership_message") + "?do=animatorzy"
    response = client.get(url)
    assert "2 odbiorców" in response.content.decode()  # animator A (twice) and animator B
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**MESSAGE, "send": "1"})
    messages = OutboxMessage.objects.order_by("to")
    assert [m.to for m in messages] == [world.animator_a.email, world.animator_b.email]
    assert messages[0].about is None and messages[1].about == world.partnership_b


def test_distinct_recipients_keeps_one_per_address_case_insensitive(world):
    a, b = world.partnership_a, world.partnership_b
    found = distinct_recipients(
        [
            Recipient("Ala@example.org", about=a),
            Recipient("ala@example.org", about=a),
            Recipient("ola@example.org", about=a),
            Recipient("ola@example.org", about=b),
            Recipient("", about=a),
        ]
    )
    assert [(r.email, r.about) for r in found] == [
        ("Ala@example.org", a),
        ("ola@example.org", None),
    ]


def test_staff_message_send_refuses_nobody_and_too_many(world, monkeypatch):

    with pytest.raises(ValidationError):
        services.staff_message_send(actor=world.staff, recipients=[], **MESSAGE)
    monkeypatch.setattr(services, "STAFF_MESSAGE_MAX_RECIPIENTS", 1)
    with pytest.raises(ValidationError):
        services.staff_message_send(
            actor=world.staff,
            recipients=[Recipient("a@example.org"), Recipient("b@example.org")],
            **MESSAGE,
        )
    assert not OutboxMessage.objects.exists()


def test_the_same_page_sent_twice_queues_the_message_once(
    client, world, event_with_people, django_capture_on_commit_callbacks
):
    event, people = event_with_people
    client.force_login(world.staff)
    url = reverse("events:event_message", args=[event.pk])
    once = client.get(url).context["form"]["once"].value()
    response = client.post(url, {**MESSAGE, "once": once, "preview": "1"})
    assert len(once) == 32 and f'value="{once}"' in response.content.decode()  # kept for Send
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {**MESSAGE, "once": once, "send": "1"})
        second = client.post(url, {**MESSAGE, "once": once, "send": "1"}, follow=True)
    assert first.status_code == 302
    assert OutboxMessage.objects.count() == len(people)
    assert "Ta wiadomość została już wysłana; nie wysyłamy jej ponownie." in (
        second.content.decode()
    )
    # A new page (a new key) sends again: it is another message.
    fresh = client.get(url).context["form"]["once"].value()
    assert fresh != once
    client.post(url, {**MESSAGE, "once": fresh, "send": "1"})
    assert OutboxMessage.objects.count() == 2 * len(people)


def test_a_refused_send_leaves_its_key_free_for_the_corrected_page(world):
    recipients = [Recipient("ala@example.org")]
    with pytest.raises(ValidationError):
        services.staff_message_send(
            actor=world.staff, recipients=recipients, subject="", body="x", once="k1"
        )
    assert (
        services.staff_message_send(
            actor=world.staff, recipients=recipients, subject="Temat", body="x", once="k1"
        )
        == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_on_postgresql_queues_the_message_once(world):
    recipients = [Recipient("ala@example.org"), Recipient("ola@example.org")]
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait()
            outcomes.append(
                services.staff_message_send(
                    actor=world.staff, recipients=recipients, once="double-click", **MESSAGE
                )
            )
        except services.AlreadyDone:
            outcomes.append("already")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=str) == [2, "already"]
    assert OutboxMessage.objects.count() == 2
