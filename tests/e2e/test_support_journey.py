import datetime
import re

import pytest
from django.utils import timezone

from portal.enums import Role
from support.models import SupportSession
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, PartnershipFactory, SupportSessionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _choose(page, choice):
    """Click one of the large choices (a radio drawn as a button: the user clicks its label)."""
    page.locator("label.btn").filter(has_text=re.compile(rf"^{re.escape(choice)}$")).click()
    assert page.get_by_role("radio", name=choice, exact=True).is_checked()


def _choose_length(page, minutes):
    """One click on a preset length, or "other" and the minutes typed."""
    preset = {15: "15 min", 30: "30 min", 45: "45 min", 60: "1 godz.", 90: "1 godz. 30 min"}
    if minutes in preset:
        _choose(page, preset[minutes])
    else:
        page.get_by_label("Inny czas trwania, w minutach").fill(str(minutes))


def _log(page, kind_button, *, channel, minutes, fields):
    page.get_by_role("link", name=kind_button).click()
    _choose(page, channel)
    _choose_length(page, minutes)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Zapisz").click()


def test_animator_logs_diagnosis_meeting_and_remote_contact_and_sees_hours_left(page, screenshot):
    animator = UserFactory(role=Role.ANIMATOR, email="animator@example.org", first_name="Piotr")
    partnership = PartnershipFactory(name="Kultura w Ustrzykach", animator=animator)
    next_meeting = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()

    log_in(page, "animator@example.org", PASSWORD)
    page.wait_for_url("**/wsparcie/")  # an animator starts on the support of their partnerships
    page.get_by_role("link", name="Kultura w Ustrzykach").click()

    _log(
        page,
        "Diagnoza",
        channel="telefon",
        minutes=60,
        fields={
            "Stan partnerstwa": "Pięciu partnerów, spotykają się rzadko.",
            "Dotychczasowy rozwój": "Wspólny festyn w 2025 r.",
            "Potencjał": "Silny dom kultury i aktywna fundacja.",
        },
    )
    _log(
        page,
        "Pierwsze spotkanie partnerstwa",
        channel="osobiście (spotkanie)",
        minutes=180,
        fields={
            "Ocena dotychczasowych doświadczeń": "Dobre doświadczenia z festynem.",
            "Zaplanowane działania": "Kalendarz wydarzeń poza sezonem.",
            "Termin następnego spotkania": next_meeting,
        },
    )
    _log(page, "+ kontakt", channel="rozmowa wideo (Skype)", minutes=45, fields={})

    # the diagnosis is outside the 16 hours (§2.1.4): 3 h 45 min of support are used
    assert page.get_by_text("Do wykorzystania: 12 godz. 15 min", exact=False).first.is_visible()
    assert page.get_by_text("poza budżetem godzin): 1 godz.", exact=False).first.is_visible()
    screenshot("animator-timeline")
    kinds = set(
        SupportSession.objects.filter(partnership=partnership).values_list("kind", flat=True)
    )
    assert kinds == {"diagnosis", "meeting_1", "remote"}


def test_animator_logs_a_phone_contact_from_the_list_in_three_page_loads(
    page, page_loads, screenshot
):
    """Issue 16, the animator's week: a 45-minute phone call logged from "my partnerships" in
    at most 3 page loads after login (the list, the form, the list again), four actions."""
    animator = UserFactory(role=Role.ANIMATOR, email="animator@example.org")
    partnership = PartnershipFactory(name="Kultura w Ustrzykach", animator=animator)
    PartnershipFactory(name="Biblioteka i Sąsiedzi", animator=animator)
    SupportSessionFactory(
        partnership=partnership,
        animator=animator,
        kind="diagnosis",
        held_on=timezone.localdate() - datetime.timedelta(days=7),
        duration_minutes=60,
    )

    log_in(page, "animator@example.org", PASSWORD)
    page.wait_for_url("**/wsparcie/")
    row = page.get_by_role("row", name=re.compile("Kultura w Ustrzykach"))
    row.get_by_role("link", name=re.compile(r"^\+ kontakt")).click()
    _choose(page, "telefon")
    assert page.get_by_role("radio", name="wsparcie zdalne").is_checked()  # the usual kind
    _choose(page, "45 min")
    # While choosing, the time left after this contact (all 16 h before it: the diagnosis is
    # outside the budget, §2.1.4).
    assert page.locator("#contact-left-after").inner_text() == (
        "Po tym kontakcie zostanie 15 godz. 15 min."
    )
    screenshot("animator-contact")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url("**/wsparcie/")

    message = page.get_by_role("alert").filter(has_text="Kontakt został zapisany")
    assert "zostało 15 godz. 15 min wsparcia (z 16 godz.)" in message.inner_text()
    loads = page_loads.since_login()
    assert len(loads) <= 3, loads
    session = SupportSession.objects.get(partnership=partnership, kind="remote")
    assert (session.channel, session.duration_minutes, session.held_on) == (
        "phone",
        45,
        timezone.localdate(),
    )


def test_animator_is_warned_before_logging_the_same_contact_twice(page):
    animator = UserFactory(role=Role.ANIMATOR, email="animator@example.org")
    partnership = PartnershipFactory(name="Kultura w Ustrzykach", animator=animator)
    SupportSessionFactory(
        partnership=partnership,
        animator=animator,
        kind="diagnosis",
        held_on=timezone.localdate() - datetime.timedelta(days=7),
    )
    SupportSessionFactory(
        partnership=partnership,
        animator=animator,
        kind="remote",
        channel="phone",
        held_on=timezone.localdate(),
        duration_minutes=45,
    )

    log_in(page, "animator@example.org", PASSWORD)
    page.get_by_role("link", name=re.compile(r"^\+ kontakt")).click()
    _choose(page, "telefon")
    _choose(page, "45 min")
    page.get_by_role("button", name="Zapisz").click()

    assert page.get_by_text("Ten kontakt może być już zapisany").is_visible()
    assert SupportSession.objects.filter(kind="remote").count() == 1  # nothing saved yet
    page.get_by_role("button", name="Zapisz mimo to").click()
    page.wait_for_url("**/wsparcie/")
    assert SupportSession.objects.filter(kind="remote").count() == 2
