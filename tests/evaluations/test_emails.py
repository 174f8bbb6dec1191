"""The survey's e-mails as they leave through a real SMTP server, read back with Python's
``email`` parser: the invitation the day after, the reminder, each with a working link."""

import datetime
import re

import pytest
from django.test import Client

from portal import reminders
from tests.evaluations.conftest import OPENS, at

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"(https?://[^\s\"<>]+/ewaluacja/ankieta/[\w-]+/)")


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_invitation_and_reminder_arrive_with_a_personal_link_in_polish(
    world, visit, smtp_server, time_machine
):
    at(time_machine, OPENS)
    assert reminders.run("evaluations.invitation").sent == 3
    received = smtp_server.received
    assert sorted(m["To"] for m in received) == [
        "osoba.anna@example.org",
        "osoba.bogdan@example.org",
        "osoba.celina@example.org",
    ]
    anna = next(m for m in received if m["To"] == "osoba.anna@example.org")
    # A long Polish subject is folded after "Subject:" (Django's header encoding), which the
    # parser reads as one leading space; mail programs drop it.
    assert anna["Subject"].strip() == "Jak oceniasz „Wizyta w Łodzi”? Krótka anonimowa ankieta"
    text, html = parts(anna)
    assert text.startswith("Dzień dobry,")
    assert "dziękujemy za udział w wydarzeniu „Wizyta w Łodzi” (wizyta studyjna)" in text
    assert "Ankieta jest anonimowa" in text
    assert "Ankietę można wypełnić do 25 grudnia 2026 włącznie." in text
    link = LINK.search(text).group(1)
    assert link in html
    assert "Wypełnij ankietę" in html
    # The link opens the survey, without an account.
    path = "/" + link.split("/", 3)[3]
    assert Client().get(path).status_code == 200
    # Each person gets a link of their own.
    assert len({LINK.search(parts(m)[0]).group(1) for m in received}) == 3

    at(time_machine, OPENS + datetime.timedelta(days=3))
    assert reminders.run("evaluations.reminder").sent == 3
    reminder = [m for m in smtp_server.received if "Przypomnienie" in m["Subject"]]
    assert len(reminder) == 3
    assert reminder[0]["Subject"].strip() == "Przypomnienie: ankieta o wydarzeniu „Wizyta w Łodzi”"
    text, _html = parts(reminder[0])
    assert "nie otrzymaliśmy jeszcze Twojej oceny" in text
    assert Client().get("/" + LINK.search(text).group(1).split("/", 3)[3]).status_code == 200
