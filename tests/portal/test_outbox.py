"""The outbox against a real SMTP server (``tests/smtp.py``): pages never fail because of mail,
a refused message is retried with backoff and arrives exactly once when the server accepts,
with the broker down too; claims, stale claims, the last attempt, sending again."""

import datetime
import smtplib
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Application, Invitation
from portal import outbox
from portal.enums import MessageStatus, Role
from portal.mail import queue_templated_mail
from portal.models import OutboxMessage
from portal.tasks import outbox_deliver
from tests.factories import ApplicationCallFactory, EventFactory, PersonFactory, UserFactory
from tests.smtp import REFUSAL, text_part

START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


def _queue(to="ala@example.org", **kwargs):
    return queue_templated_mail(
        "password_reset", to=to, context={"url": "http://127.0.0.1:8000/x/"}, **kwargs
    )


def _statuses():
    return Counter(OutboxMessage.objects.values_list("status", flat=True))


def _actions(client, world):
    """Five things people do that send mail: two invitations, a public application draft,
    a password reset and a registration of two people for a study visit. Returns the
    recipients expected, one per message."""
    client.force_login(world.staff)
    for email in ("nowa.a@example.org", "nowa.b@example.org"):
        response = client.post(
            reverse("invitation_list"),
            {"email": email, "first_name": "Ewa", "last_name": "Nowa", "role": Role.ANIMATOR},
        )
        assert response.status_code == 302, response.content[:500]
    client.logout()

    call = ApplicationCallFactory()
    response = client.post(
        reverse("application_start", args=[call.pk]),
        {"library_name": "Biblioteka w Łącku", "contact_email": "zofia@example.org", "save": "1"},
    )
    assert response.status_code == 302
    page = client.get(response.url)
    token = response.url.rstrip("/").split("/")[-1]
    assert f"/nabor/wniosek/{token}/" in page.content.decode()  # the link, on the page

    UserFactory(email="ala@example.org")
    response = client.post(reverse("password_reset"), {"email": "ala@example.org"})
    assert response.status_code == 302

    people = [PersonFactory(partnership=world.partnership_a) for _ in range(2)]
    people[0].institution = world.partnership_a.lead_library
    people[0].save()
    client.force_login(world.leader_a)
    event = EventFactory()
    response = client.post(
        reverse("events:registration_create", args=[event.pk, world.partnership_a.pk]),
        {
            "people": [p.pk for p in people],
            "chosen_internally": "on",
            "fewer_confirmed": "on",
            "fewer_reason": "Tylko dwie osoby mogą przyjechać.",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return sorted(
        ["nowa.a@example.org", "nowa.b@example.org", "zofia@example.org", "ala@example.org"]
        + [p.email for p in people]
    )


def _assert_arrived_once(smtp_server, expected):
    received = smtp_server.received
    assert sorted(m["To"] for m in received) == expected
    ids = [m["Message-ID"] for m in received]
    assert len(set(ids)) == len(ids)
    stored = set(OutboxMessage.objects.values_list("msgid", flat=True))
    assert set(ids) == stored  # the same Message-ID on every attempt
    assert _statuses() == {MessageStatus.SENT: len(expected)}


@pytest.mark.django_db(transaction=True)
def test_actions_while_the_server_refuses_answer_and_every_message_arrives_once_later(
    client, world, smtp_server, time_machine
):
    time_machine.move_to(START, tick=False)
    smtp_server.refusing = True
    expected = _actions(client, world)  # every page answered (asserted inside)

    assert smtp_server.received == []
    assert smtp_server.refused >= 1
    waiting = list(OutboxMessage.objects.all())
    assert len(waiting) == len(expected)
    assert {m.status for m in waiting} == {MessageStatus.QUEUED}
    assert {m.last_error for m in waiting} == {REFUSAL}
    assert {m.attempts for m in waiting} == {1}
    assert {m.next_attempt_at for m in waiting} == {START + datetime.timedelta(minutes=1)}
    assert Application.objects.count() == 1 and Invitation.objects.count() == 2

    # Still refusing a minute later: the second attempt, then two minutes' wait.
    time_machine.shift(datetime.timedelta(minutes=1))
    assert outbox_deliver() == 0
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {2}
    time_machine.shift(datetime.timedelta(minutes=1))
    assert outbox_deliver() == 0  # not due yet: nothing tried
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {2}

    smtp_server.refusing = False
    time_machine.shift(datetime.timedelta(minutes=1, seconds=1))
    assert outbox_deliver() == len(expected)
    assert outbox_deliver() == 0  # the next sweep finds nothing
    _assert_arrived_once(smtp_server, expected)


@pytest.mark.django_db(transaction=True)
def test_actions_with_the_broker_down_answer_fast_and_the_sweep_sends_each_once(
    client, world, smtp_server, broker, settings
):
    broker("redis://127.0.0.1:1/0", settings.REDIS_TRANSPORT_OPTIONS)  # a closed port
    smtp_server.refusing = True  # and the mail server refusing as well
    started = time.monotonic()
    expected = _actions(client, world)
    assert time.monotonic() - started < 12  # 9 requests, each publish gives up at once
    assert smtp_server.refused == 0  # no worker got the news
    assert _statuses() == {MessageStatus.QUEUED: len(expected)}

    smtp_server.refusing = False
    broker("redis://127.0.0.1:1/0")  # still down: beat's sweep runs in the worker anyway
    assert outbox_deliver.apply().get() == len(expected)
    assert outbox_deliver.apply().get() == 0
    _assert_arrived_once(smtp_server, expected)


@pytest.mark.django_db(transaction=True)
def test_closed_mail_port_keeps_messages_waiting_and_the_page_answers(
    client, world, settings, time_machine
):
    from tests.smtp import free_port

    time_machine.move_to(START, tick=False)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    client.force_login(world.staff)
    response = client.post(
        reverse("invitation_list"),
        {"email": "nowa@example.org", "first_name": "Ewa", "last_name": "N", "role": "animator"},
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error


def test_retries_back_off_and_the_last_attempt_marks_failed_with_the_answer(
    db, smtp_server, time_machine
):
    time_machine.move_to(START, tick=False)
    smtp_server.refusing = True
    message = _queue()
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        outbox.deliver()
        message.refresh_from_db()
        assert message.attempts == attempt
        if attempt < outbox.MAX_ATTEMPTS:
            waits.append(message.next_attempt_at - timezone.now())
            time_machine.move_to(message.next_attempt_at, tick=False)
    assert [w.total_seconds() / 60 for w in waits] == [1, 2, 4, 8, 16, 32, 64] + [120] * 4
    assert message.status == MessageStatus.FAILED
    assert message.last_error == REFUSAL
    time_machine.shift(datetime.timedelta(days=1))
    outbox.deliver()
    message.refresh_from_db()
    assert message.attempts == outbox.MAX_ATTEMPTS  # failed stays failed until sent again


def test_address_refused_for_good_fails_at_once_and_the_rest_go_out(db, smtp_server):
    smtp_server.bounce = {"nikt@example.org"}
    bad = _queue(to="nikt@example.org")
    good = _queue(to="ala@example.org")
    result = outbox.deliver()
    assert (result.sent, result.failed) == (1, 1)
    bad.refresh_from_db()
    assert bad.status == MessageStatus.FAILED and bad.attempts == 1
    assert bad.last_error == "nikt@example.org: 550 5.1.1 No such mailbox here"
    good.refresh_from_db()
    assert good.status == MessageStatus.SENT
    assert [m["To"] for m in smtp_server.received] == ["ala@example.org"]


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("", "ValueError: The message has no address to send to."),
        ("ala@example.org\nBcc: x@example.org", "ValueError: Invalid address"),
    ],
)
def test_message_without_a_usable_address_fails_at_once(db, address, error, smtp_server):
    message = _queue(to="placeholder@example.org")
    OutboxMessage.objects.filter(pk=message.pk).update(to=address)
    assert outbox.deliver().failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 1
    assert message.last_error.startswith(error)
    assert smtp_server.received == []


def test_message_claimed_by_another_worker_is_not_sent(db, mailoutbox):
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claim_token="other", claimed_at=timezone.now()
    )
    assert outbox.deliver().sent == 0
    assert mailoutbox == []


def test_stale_claim_is_taken_back_after_the_timeout_and_sent_once(db, mailoutbox, time_machine):
    time_machine.move_to(START, tick=False)
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claim_token="dead-worker", claimed_at=START
    )
    time_machine.shift(outbox.STALE_CLAIM - datetime.timedelta(seconds=1))
    assert outbox.deliver().sent == 0
    time_machine.shift(datetime.timedelta(seconds=2))
    assert outbox.deliver().sent == 1
    assert outbox.deliver().sent == 0
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.claim_token == ""


class _SlowBackend:
    """Each message takes three minutes (moved on the test's clock)."""

    clock = None
    sent: list = []

    def __init__(self, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        _SlowBackend.clock.shift(datetime.timedelta(minutes=3))
        _SlowBackend.sent.extend(messages)
        return len(messages)


def test_worker_releases_what_it_has_not_sent_before_its_claim_could_be_taken_back(
    db, settings, time_machine
):
    time_machine.move_to(START, tick=False)
    settings.EMAIL_BACKEND = f"{__name__}._SlowBackend"
    _SlowBackend.clock, _SlowBackend.sent = time_machine, []
    messages = [_queue(to=f"osoba{i}@example.org") for i in range(4)]
    result = outbox.deliver(batch_size=4)
    # Sent at 0 and 3 min; at 6 min the claim is past STALE_CLAIM / 2: the other two are let
    # go, queued as they were (and this run, past its budget, stops).
    assert (result.sent, result.released) == (2, 2)
    assert _statuses() == {MessageStatus.SENT: 2, MessageStatus.QUEUED: 2}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {0, 1}
    assert outbox.deliver(batch_size=4).sent == 2  # the next sweep
    assert sorted(m.to[0] for m in _SlowBackend.sent) == sorted(m.to for m in messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_workers_at_once_send_each_message_once(smtp_server):
    for i in range(30):
        _queue(to=f"osoba{i}@example.org")
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            outbox.deliver(batch_size=3)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(m["To"] for m in smtp_server.received) == sorted(
        f"osoba{i}@example.org" for i in range(30)
    )


def test_one_transaction_asks_the_worker_once(db, monkeypatch, django_capture_on_commit_callbacks):
    published = []
    monkeypatch.setattr(outbox, "publish", lambda task, *a, **k: published.append(task.name))
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            _queue(to=f"osoba{i}@example.org")
    assert published == ["portal.tasks.outbox_deliver"]
    with django_capture_on_commit_callbacks(execute=True):
        _queue()
    assert len(published) == 2


def test_describe_error_gives_the_servers_answer():
    assert outbox.describe_error(smtplib.SMTPDataError(451, b"4.3.0 Busy")) == "451 4.3.0 Busy"
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 Unknown")})
    assert outbox.describe_error(refused) == "a@example.org: 550 5.1.1 Unknown"
    assert outbox.is_permanent(refused)
    assert not outbox.is_permanent(
        smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"4.2.0 Greylisted")})
    )
    assert outbox.describe_error(ConnectionRefusedError(111, "refused")).startswith(
        "ConnectionRefusedError"
    )


# --- sending again -------------------------------------------------------------------------


def test_resend_of_a_failed_message_queues_it_now_with_attempts_afresh(
    db, world, mailoutbox, django_capture_on_commit_callbacks
):
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, attempts=12, last_error=REFUSAL
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = outbox.message_resend(message=message, actor=world.staff)
    assert again.pk == message.pk
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert [m.to for m in mailoutbox] == [["ala@example.org"]]


def test_resend_of_a_sent_message_sends_a_copy(
    db, world, mailoutbox, django_capture_on_commit_callbacks
):
    message = _queue()
    outbox.deliver()
    with django_capture_on_commit_callbacks(execute=True):
        copy = outbox.message_resend(message=message, actor=world.staff)
    assert copy.pk != message.pk and copy.resent_from == message
    assert copy.created_by == world.staff and copy.msgid != message.msgid
    assert len(mailoutbox) == 2 and mailoutbox[0].body == mailoutbox[1].body


def test_resend_of_a_message_being_sent_is_refused(db, world):
    from django.core.exceptions import ValidationError

    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    with pytest.raises(ValidationError):
        outbox.message_resend(message=message, actor=world.staff)


def test_sent_message_is_parsed_back_with_its_parts_and_attachment(
    db, world, smtp_server, django_capture_on_commit_callbacks
):
    from events.emails import send_registration_confirmed
    from events.services import registration_submit

    person = PersonFactory(
        partnership=world.partnership_a, institution=world.partnership_a.lead_library
    )
    registration = registration_submit(
        event=EventFactory(title="Wizyta w Łodzi"),
        partnership=world.partnership_a,
        people=[person],
        chosen_internally=True,
        fewer_confirmed=True,
        fewer_reason="Tylko tyle osób może przyjechać.",
        actor=world.leader_a,
    )
    OutboxMessage.objects.all().delete()
    send_registration_confirmed(registration.pk, [person.pk])
    outbox.deliver()
    (received,) = smtp_server.received
    assert received["To"] == person.email
    assert "Wizyta w Łodzi" in received["Subject"]
    assert "Wizyta w Łodzi" in text_part(received)
    (ics,) = [p for p in received.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert "BEGIN:VCALENDAR" in ics.get_content()
    assert mail.outbox == []  # the real server got it, not the test backend
