"""The survey after an event on a 360 px phone: a participant opens the link from the e-mail,
answers with the thumb and sends; staff read the results. axe-core on each page."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from evaluations import services
from events.models import Participant
from events.services import attendance_mark, registration_submit
from portal import reminders
from tests.e2e.conftest import open_as
from tests.e2e.test_accessibility import axe_violations, with_axe
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
LINK = re.compile(r"https?://[^/\s]+(/ewaluacja/ankieta/[\w-]+/)")


def ended_visit(world, *, ended_days_ago: int, title: str):
    """A study visit that ended ``ended_days_ago`` days ago, partnership A's two people
    marked present."""
    today = timezone.localdate()
    now = timezone.now()
    event = EventFactory(
        title=title,
        starts_on=today - datetime.timedelta(days=ended_days_ago + 1),
        registration_opens_at=now - datetime.timedelta(days=90),
        registration_closes_at=now - datetime.timedelta(days=60),
    )
    people = [
        PersonFactory(partnership=world.partnership_a, email=f"{event.pk}-{n}@example.org")
        for n in range(2)
    ]
    registration_submit(
        event=event,
        partnership=world.partnership_a,
        people=people,
        chosen_internally=True,
        fewer_confirmed=True,
        fewer_reason="Dwie osoby.",
        actor=world.staff,
    )
    marks = {p.pk: (True, True) for p in Participant.objects.filter(event=event)}
    attendance_mark(event=event, actor=world.staff, marks=marks)
    return event, people


def test_participant_fills_the_survey_on_a_phone_and_staff_see_the_results(
    browser, live_server, world
):
    event, people = ended_visit(world, ended_days_ago=1, title="Wizyta w Pułtusku")
    mail.outbox.clear()
    assert reminders.run("evaluations.invitation").sent == 2
    message = next(m for m in mail.outbox if m.to == [people[0].email])
    path = LINK.search(message.body).group(1)

    page = with_axe(open_as(browser, live_server, None, viewport=PHONE))
    response = page.goto(path)
    assert response.status == 200
    assert page.get_by_role("heading", level=1).inner_text() == "Wizyta w Pułtusku"
    assert axe_violations(page, path) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    groups = page.locator("fieldset")
    assert groups.count() == 5
    for i, rating in enumerate([5, 4, 4, 3, 5]):
        group = groups.nth(i)
        choice = group.get_by_text(str(rating), exact=True)
        box = choice.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44  # a thumb's target (WCAG 2.5.5)
        assert box["x"] + box["width"] <= PHONE["width"]
        choice.click()
    page.get_by_label("Co było dla Ciebie najcenniejsze podczas wizyty?").fill(
        "Rozmowa z lokalnym przedsiębiorcą."
    )
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    page.get_by_role("heading", name="Dziękujemy: Twoje odpowiedzi zostały zapisane").wait_for()
    assert axe_violations(page, path) == []
    page.context.close()

    staff = with_axe(open_as(browser, live_server, world.staff, viewport=PHONE))
    results = f"/ewaluacja/wydarzenie/{event.pk}/"
    assert staff.goto(results).status == 200
    body = staff.locator("main").inner_text()
    assert "Rozmowa z lokalnym przedsiębiorcą." in body
    assert "Odpowiedzi: 1" in body
    assert axe_violations(staff, results) == []
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert staff.goto("/ewaluacja/").status == 200
    assert axe_violations(staff, "/ewaluacja/") == []
    staff.context.close()


def test_a_missing_rating_is_shown_next_to_its_question_and_the_closed_survey_is_clear(
    browser, live_server, world
):
    event, people = ended_visit(world, ended_days_ago=1, title="Wizyta w Ciechanowie")
    mail.outbox.clear()
    reminders.run("evaluations.invitation")
    path = LINK.search(mail.outbox[0].body).group(1)
    page = with_axe(open_as(browser, live_server, None, viewport=PHONE))
    page.goto(path)
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    page.get_by_text("Wybierz ocenę od 1 do 5.").first.wait_for()
    assert axe_violations(page, path) == []

    closed, closed_people = ended_visit(world, ended_days_ago=20, title="Wizyta w Płocku")
    mail.outbox.clear()
    services.invitation_send(participant_id=Participant.objects.get(person=closed_people[0]).pk)
    closed_path = LINK.search(mail.outbox[-1].body).group(1)
    response = page.goto(closed_path)
    assert response.status == 410
    page.get_by_role("heading", name="Ankieta jest zamknięta").wait_for()
    assert axe_violations(page, closed_path) == []
    page.context.close()
