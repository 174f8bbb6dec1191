import pytest

from portal.enums import Role
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_adds_business_partner_and_the_sector_warning_goes(page, screenshot):
    leader = UserFactory(role=Role.LEADER, email="liderka@example.org", first_name="Maria")
    partnership = PartnershipFactory(name="Razem dla Gminy Wąchock", leader=leader)

    log_in(page, "liderka@example.org", PASSWORD)
    page.wait_for_url(f"**/partnerstwa/{partnership.pk}/")
    warning = page.get_by_role("alert").filter(has_text="trójsektorowości")
    assert warning.is_visible()
    screenshot("leader-partnership")

    page.get_by_role("link", name="Dodaj partnera").click()
    page.get_by_label("Nazwa").fill("Piekarnia Kłos s.c.")
    page.get_by_label("Sektor").select_option("social")
    page.get_by_label("Rodzaj").select_option("ngo")
    page.get_by_label("Gmina").fill("Wąchock")
    page.get_by_label("Województwo").select_option("swietokrzyskie")
    page.get_by_label("Wkład").fill("Poczęstunek na spotkania.")
    page.get_by_label("Korzyść").fill("Promocja w gminie.")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(f"**/partnerstwa/{partnership.pk}/")
    assert page.get_by_role("cell", name="Piekarnia Kłos s.c.", exact=False).first.is_visible()
    assert (
        "gospodarczy" in page.get_by_role("alert").filter(has_text="trójsektorowości").inner_text()
    )

    page.get_by_role("link", name="Dodaj partnera").click()
    page.get_by_label("Nazwa").fill("Sklep Pod Lipą")
    page.get_by_label("Sektor").select_option("business")
    page.get_by_label("Rodzaj").select_option("company")
    page.get_by_label("Gmina").fill("Wąchock")
    page.get_by_label("Województwo").select_option("swietokrzyskie")
    page.get_by_label("Wkład").fill("Nagrody.")
    page.get_by_label("Korzyść").fill("Klienci.")
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(f"**/partnerstwa/{partnership.pk}/")
    assert page.get_by_role("alert").filter(has_text="trójsektorowości").count() == 0


def test_staff_sees_overview_and_filters_partnerships(page, screenshot):
    UserFactory(role=Role.STAFF, email="staff@example.org", first_name="Anna")
    PartnershipFactory(name="Partnerstwo bez biznesu")
    log_in(page, "staff@example.org", PASSWORD)
    page.wait_for_url("**/raporty/do-zrobienia/")  # the worklist is the staff's start page
    menu = page.locator("#mainnav")
    menu.get_by_role("button", name="Raporty").click()
    menu.get_by_role("link", name="Przegląd programu").click()
    page.wait_for_url("**/personel/")
    assert page.get_by_role("heading", name="Przegląd programu").is_visible()
    screenshot("staff-overview")
    page.get_by_role("link", name="zobacz, które").click()
    assert page.get_by_role("link", name="Partnerstwo bez biznesu").is_visible()
