"""The main forms with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.1): no mouse click,
no ``fill``; Tab, Enter, Space and typing, with the focus visible at every stop."""

import pytest

from events.models import Participant
from portal.enums import Role
from support.models import SupportSession
from tests.e2e.conftest import open_as
from tests.e2e.test_accessibility import axe_violations, with_axe
from tests.factories import (
    EventFactory,
    PartnershipFactory,
    PersonFactory,
    SupportSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

MAX_TABS = 80
# A stop shows an outline of at least 2 px (WCAG 2.4.7); Bootstrap's own focus halo, a pale
# box shadow, is not enough on white and invisible on the navbar.
# A date field's calendar button is the one stop outside the page's reach: Chromium focuses it
# inside the field (which then no longer matches :focus) and draws its own ring.
FOCUS_RING = """() => {
  const element = document.activeElement;
  if (element.type === "date" && !element.matches(":focus")) return true;
  const style = getComputedStyle(element);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
}"""


def focused(locator):
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page, locator):
    """Press Tab until ``locator`` has the focus; every element passed on the way shows it."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUS_RING), page.evaluate("document.activeElement.outerHTML")
        if focused(locator):
            return
    raise AssertionError(f"{locator} not reached in {MAX_TABS} presses of Tab")


def skip_to_content(page):
    """The first Tab shows the skip link; Enter takes the focus to the page's content."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Przejdź do treści")
    assert focused(skip) and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_animator_logs_a_contact_with_the_keyboard_alone(browser, live_server):
    animator = UserFactory(role=Role.ANIMATOR)
    partnership = PartnershipFactory(animator=animator)
    SupportSessionFactory(partnership=partnership, animator=animator, kind="diagnosis")
    page = with_axe(open_as(browser, live_server, animator))
    page.goto(f"/wsparcie/partnerstwa/{partnership.pk}/")

    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="Wsparcie zdalne"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/kontakty/nowy/zdalne/")

    # Sent without a channel or a length: the focus comes back to the first wrong field,
    # which names its message.
    tab_to(page, page.get_by_role("button", name="Zapisz"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    channel = page.get_by_label("Forma kontaktu")
    assert focused(channel)
    message = channel.get_attribute("aria-describedby")
    assert page.locator(f"#{message}").inner_text() == "To pole jest wymagane."
    assert not SupportSession.objects.filter(kind="remote").exists()
    assert axe_violations(page) == []  # the errors shown too

    page.keyboard.type("telefon")  # a closed drop-down chooses the option typed
    tab_to(page, page.get_by_label("Czas trwania w minutach"))
    page.keyboard.type("45")
    tab_to(page, page.get_by_label("Notatki"))
    page.keyboard.type("Rozmowa o planie rozwoju.")
    tab_to(page, page.get_by_role("button", name="Zapisz"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/wsparcie/partnerstwa/{partnership.pk}/")

    session = SupportSession.objects.get(kind="remote")
    assert (session.channel, session.duration_minutes) == ("phone", 45)
    assert session.notes == "Rozmowa o planie rozwoju."
    page.context.close()


def test_leader_registers_for_a_study_visit_with_the_keyboard_alone(browser, live_server):
    leader = UserFactory(role=Role.LEADER)
    partnership = PartnershipFactory(name="Razem dla Gminy Wąchock", leader=leader)
    people = [
        PersonFactory(partnership=partnership, user=leader, first_name="Maria", last_name="Nowak"),
        PersonFactory(partnership=partnership, first_name="Krzysztof", last_name="Mazur"),
        PersonFactory(partnership=partnership, first_name="Barbara", last_name="Kaczmarek"),
    ]  # three, as a study visit expects (§2.2.3)
    event = EventFactory(title="Wizyta studyjna w Stoczku Łukowskim")
    page = open_as(browser, live_server, leader)
    page.goto(f"/wydarzenia/{event.pk}/")

    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="Zgłoś: Razem dla Gminy Wąchock"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/zgloszenie/**")

    for person in sorted(people, key=lambda p: p.last_name):  # the form's order
        tab_to(page, page.get_by_label(person.full_name, exact=False))
        page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Partnerzy wybrali tych przedstawicieli wspólnie"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Zapisz zgłoszenie"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/wydarzenia/zgloszenia/**")

    registered = Participant.objects.filter(event=event, removed_at__isnull=True)
    assert {p.person_id for p in registered} == {p.pk for p in people}
    page.context.close()
