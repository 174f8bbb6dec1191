"""The main forms with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.1): no mouse click,
no ``fill``; Tab, Enter, Space and typing, with the focus visible at every stop."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import Participant
from portal.enums import Role
from support.models import SupportSession
from tests.e2e.conftest import open_as
from tests.e2e.test_accessibility import AXE_TAGS
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
  let element = document.activeElement;
  if (element.type === "date" && !element.matches(":focus")) return true;
  // a radio drawn as a button (.btn-check) is hidden: its label shows the focus
  if (element.classList.contains("btn-check")) element = element.nextElementSibling;
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
    page = open_as(browser, live_server, animator)
    page.goto(f"/wsparcie/partnerstwa/{partnership.pk}/")

    skip_to_content(page)
    tab_to(page, page.get_by_role("link", name="+ kontakt"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/kontakty/nowy/**")

    # Sent without a channel or a length: the focus comes back to the first wrong field,
    # which names its message.
    tab_to(page, page.get_by_role("button", name="Zapisz"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    phone = page.get_by_role("radio", name="telefon", exact=True)
    assert focused(phone)
    message = page.locator("fieldset", has=phone).get_attribute("aria-describedby")
    assert "Wybierz" in page.locator(f"#{message}").inner_text()
    assert not SupportSession.objects.filter(kind="remote").exists()
    wcag = {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    assert Axe().run(page, options=wcag).response["violations"] == []  # the errors shown too

    page.keyboard.press("Space")  # the focused radio: telefon
    tab_to(page, page.get_by_role("radio", name="15 min", exact=True))
    page.keyboard.press("ArrowRight")  # 30 min
    page.keyboard.press("ArrowRight")  # 45 min
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
        PersonFactory(partnership=partnership, first_name="Anna", last_name="Zielińska"),
    ]  # the three a study visit expects (§2.2.3)
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
