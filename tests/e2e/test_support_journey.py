import datetime

import pytest
from django.utils import timezone

from portal.enums import Role
from support.models import SupportSession
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _log(page, kind_button, *, channel, minutes, fields):
    page.get_by_role("link", name=kind_button).click()
    page.get_by_label("Forma kontaktu").select_option(label=channel)
    page.get_by_label("Czas trwania w minutach").fill(str(minutes))
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
        channel="osobiście",
        minutes=180,
        fields={
            "Ocena dotychczasowych doświadczeń": "Dobre doświadczenia z festynem.",
            "Zaplanowane działania": "Kalendarz wydarzeń poza sezonem.",
            "Termin następnego spotkania": next_meeting,
        },
    )
    _log(page, "Wsparcie zdalne", channel="rozmowa wideo (Skype)", minutes=45, fields={})

    # the diagnosis is outside the 16 hours (§2.1.4): 3 h 45 min of support are used
    assert page.get_by_text("Zostało 12 godz. 15 min", exact=False).first.is_visible()
    assert page.get_by_text("poza budżetem godzin): 1 godz.", exact=False).first.is_visible()
    screenshot("animator-timeline")
    kinds = set(
        SupportSession.objects.filter(partnership=partnership).values_list("kind", flat=True)
    )
    assert kinds == {"diagnosis", "meeting_1", "remote"}
