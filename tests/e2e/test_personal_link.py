"""A registered person, on a 360 px phone and without an account, opens the link from their
e-mail, confirms with their needs using only the keyboard, then declines."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail

from events.enums import Diet, ParticipantAnswer
from events.models import Participant
from events.services import registration_submit
from portal.enums import Role
from tests.e2e.conftest import open_as
from tests.events.conftest import FEWER
from tests.factories import EventFactory, PartnershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}


def test_person_confirms_with_needs_then_declines_on_a_phone(browser, live_server):
    leader = UserFactory(role=Role.LEADER, email="liderka@example.org")
    partnership = PartnershipFactory(name="Razem dla Gminy Wąchock", leader=leader)
    person = PersonFactory(partnership=partnership, first_name="Krzysztof", last_name="Mazur")
    other = PersonFactory(partnership=partnership)
    visit = EventFactory(title="Wizyta studyjna w Stoczku Łukowskim")
    registration_submit(
        event=visit,
        partnership=partnership,
        people=[person, other],
        chosen_internally=True,
        actor=leader,
        **FEWER,
    )
    [message] = [m for m in mail.outbox if m.to == [person.email]]
    url = re.search(r"https?://\S+/wydarzenia/moj-udzial/\S+/", message.body).group(0)
    path = url[url.index("/wydarzenia/") :]

    page = open_as(browser, live_server, None, viewport=PHONE)
    page.goto(path)
    assert page.get_by_role("heading", name="Wizyta studyjna w Stoczku Łukowskim").is_visible()

    # Keyboard only: focus the diet, then Tab through the form.
    page.locator("#id_diet").focus()
    page.keyboard.press("End")  # the last diet: "inna"
    page.keyboard.press("Tab")
    page.keyboard.type("bez glutenu i orzechów")
    page.keyboard.press("Tab")
    page.keyboard.type("Pokój bez progów")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the one night of the visit
    page.keyboard.press("Tab")
    page.keyboard.type("Kutno")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("600 700 800")
    page.get_by_label("Zapoznałem(-am) się z klauzulą", exact=False).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Potwierdzam udział"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    directory = Path(os.environ.get("SCREENSHOT_DIR", "var/screenshots"))
    directory.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(directory / "personal-link-phone.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("udział jest potwierdzony", exact=False).is_visible(), page.inner_text(
        "main"
    )

    participant = Participant.objects.get(person=person)
    assert participant.answer == ParticipantAnswer.CONFIRMED
    assert participant.diet == Diet.OTHER
    assert participant.diet_notes == "bez glutenu i orzechów"
    assert participant.accessibility_needs == "Pokój bez progów"
    assert participant.nights == [visit.starts_on.isoformat()]
    assert (participant.departure_place, participant.day_phone) == ("Kutno", "600 700 800")
    assert participant.clause_acknowledged_at is not None

    page.get_by_role("link", name="Nie przyjadę").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Tak, rezygnuję").click()
    assert page.get_by_text("Rezygnacja zgłoszona", exact=False).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    participant.refresh_from_db()
    assert participant.answer == ParticipantAnswer.DECLINED
    assert participant.removed_at is not None
    assert any(
        m.to == [leader.email] and m.subject.startswith("Krzysztof Mazur nie przyjedzie")
        for m in mail.outbox
    )
    page.context.close()
