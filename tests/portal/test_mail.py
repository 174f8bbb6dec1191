"""What a message says and carries: plain text not HTML-escaped, links from PORTAL_SITE_URL,
the recipient's language, the headers of automated mail and of optional reminders, and a
reminder whose mail server refuses (parsed back from a real SMTP server)."""

import datetime

import pytest
from django.utils import timezone

from portal import reminders
from portal.enums import MessageStatus
from portal.models import OutboxMessage, ReminderSent
from tests.factories import PlannedMeetingFactory
from tests.smtp import REFUSAL, html_part, text_part

NAME = 'Stowarzyszenie "Razem" & Syn'


def _due_no_diagnosis(partnership):
    partnership.animator_assigned_on = timezone.localdate() - datetime.timedelta(days=20)
    partnership.save()


@pytest.fixture
def razem(world):
    world.partnership_a.name = NAME
    world.partnership_a.save()
    _due_no_diagnosis(world.partnership_a)
    return world.partnership_a


def test_plain_text_and_subject_keep_quotes_and_ampersand_html_escapes_them(razem, smtp_server):
    assert reminders.run("support.no_diagnosis").sent == 1
    (message,) = smtp_server.received
    assert message["Subject"] == f"Brak diagnozy: {NAME}"
    assert f"„{NAME}”" in text_part(message)
    assert "&quot;" not in text_part(message) and "&amp;" not in text_part(message)
    assert "Stowarzyszenie &quot;Razem&quot; &amp; Syn" in html_part(message)


def test_links_use_portal_site_url_and_polish_by_default(razem, smtp_server, settings):
    settings.SITE_URL = "https://portal.example.org"
    reminders.run("support.no_diagnosis")
    (message,) = smtp_server.received
    text = text_part(message)
    assert f"https://portal.example.org/wsparcie/partnerstwa/{razem.pk}/" in text
    assert "Dzień dobry" in text
    assert message["Message-ID"].endswith("@portal.example.org>")


def test_recipient_who_chose_english_gets_english(razem, smtp_server, world):
    world.animator_a.language = "en"
    world.animator_a.save()
    reminders.run("support.no_diagnosis")
    (message,) = smtp_server.received
    assert message["Subject"] == f"No diagnosis yet: {NAME}"
    assert "Hello" in text_part(message)
    assert OutboxMessage.objects.get().language == "en"


def test_optional_reminder_carries_one_click_unsubscribe_and_settings_link(
    razem, smtp_server, settings
):
    settings.SITE_URL = "https://portal.example.org"
    reminders.run("support.no_diagnosis")  # optional: animators may switch it off
    (message,) = smtp_server.received
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip()  # long: folded onto its own line
    assert link.startswith("<https://portal.example.org/powiadomienia/wypisz/")
    assert link.endswith("/>")
    text = text_part(message)
    assert "https://portal.example.org/powiadomienia/" in text.splitlines()  # settings page
    assert link[1:-1] in text and link[1:-1] in html_part(message)


def test_essential_reminder_has_no_unsubscribe_but_is_marked_automated(
    world, smtp_server, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 8, 9, tzinfo=datetime.UTC), tick=False)
    PlannedMeetingFactory(
        planned_by_session__partnership=world.partnership_a,
        planned_on=datetime.date(2026, 12, 10),
    )
    assert reminders.run("support.planned_meeting").sent == 2
    for message in smtp_server.received:
        assert message["List-Unsubscribe"] is None
        assert message["Auto-Submitted"] == "auto-generated"
        assert "powiadomienia" not in text_part(message)


def test_refused_reminder_is_marked_sent_in_its_log_and_arrives_once_later(
    razem, smtp_server, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
    _due_no_diagnosis(razem)
    smtp_server.refusing = True
    result = reminders.run("support.no_diagnosis")
    assert (result.sent, result.failed) == (1, 0)
    row = ReminderSent.objects.get()
    assert row.sent_at is not None  # queued: the sent log's part is done
    assert row.message.status == MessageStatus.QUEUED
    assert row.message.last_error == REFUSAL

    # The sent log's stale claim does not retry it: the outbox does.
    time_machine.shift(datetime.timedelta(minutes=31))
    assert reminders.run("support.no_diagnosis").sent == 0
    smtp_server.refusing = False
    from portal import outbox

    assert outbox.deliver().sent == 1
    assert outbox.deliver().sent == 0
    assert [m["To"] for m in smtp_server.received] == ["animator.a@example.org"]
    row.message.refresh_from_db()
    assert row.message.status == MessageStatus.SENT


def test_message_about_a_partnership_is_found_under_it(razem):
    reminders.run("support.no_diagnosis")
    message = OutboxMessage.objects.get()
    assert message.about == razem
    assert message.recipient == razem.animator
