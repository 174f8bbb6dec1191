import pytest
from django.core import mail

from events.models import Participant
from partnerships.enums import Sector
from portal.enums import Role
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    EventFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_registers_three_people_for_a_study_visit(page, screenshot):
    leader = UserFactory(role=Role.LEADER, email="liderka@example.org", first_name="Maria")
    partnership = PartnershipFactory(name="Razem dla Gminy Wąchock", leader=leader)
    ngo = InstitutionFactory(name="Stowarzyszenie Wąchock", sector=Sector.SOCIAL, kind="ngo")
    PartnerFactory(partnership=partnership, institution=ngo)
    people = [
        PersonFactory(partnership=partnership, user=leader, first_name="Maria", last_name="Nowak"),
        PersonFactory(partnership=partnership, first_name="Krzysztof", last_name="Mazur"),
        PersonFactory(
            partnership=partnership, institution=ngo, first_name="Barbara", last_name="Kaczmarek"
        ),
    ]
    visit = EventFactory(title="Wizyta studyjna w Stoczku Łukowskim")

    log_in(page, "liderka@example.org", PASSWORD)
    page.locator("#mainnav").get_by_role("link", name="Wydarzenia").click()
    page.get_by_role("link", name="Wizyta studyjna w Stoczku Łukowskim").click()
    page.get_by_role("link", name="Zgłoś: Razem dla Gminy Wąchock").click()
    for person in people:
        page.get_by_label(person.full_name, exact=False).check()
    page.get_by_label("Partnerzy wybrali tych przedstawicieli wspólnie").check()
    screenshot("leader-registration")
    page.get_by_role("button", name="Zapisz zgłoszenie").click()
    page.wait_for_load_state()

    assert page.get_by_text("Barbara Kaczmarek").first.is_visible()
    registered = Participant.objects.filter(event=visit, removed_at__isnull=True)
    assert {p.person_id for p in registered} == {p.pk for p in people}
    assert sorted(m.to[0] for m in mail.outbox if visit.title in m.body) == sorted(
        p.email for p in people
    )


def _leader_with_people(*, with_ngo_person=True):
    leader = UserFactory(role=Role.LEADER, email="liderka@example.org", first_name="Maria")
    partnership = PartnershipFactory(name="Razem dla Gminy Wąchock", leader=leader)
    ngo = InstitutionFactory(name="Stowarzyszenie Wąchock", sector=Sector.SOCIAL, kind="ngo")
    PartnerFactory(partnership=partnership, institution=ngo)
    people = [
        PersonFactory(partnership=partnership, user=leader, first_name="Maria", last_name="Nowak"),
        PersonFactory(partnership=partnership, first_name="Krzysztof", last_name="Mazur"),
    ]
    if with_ngo_person:
        people.append(
            PersonFactory(
                partnership=partnership,
                institution=ngo,
                first_name="Barbara",
                last_name="Kaczmarek",
            )
        )
    return partnership, ngo, people


def test_leader_registers_three_people_from_the_start_page_in_three_page_loads(page, page_loads):
    """Issue 16, the leader's week: the start page says the registration is open; three
    people are registered in at most 3 page loads after login, and a 4th tick is stopped."""
    partnership, _ngo, people = _leader_with_people()
    extra = PersonFactory(partnership=partnership, first_name="Jan", last_name="Zieliński")
    visit = EventFactory(title="Wizyta studyjna w Stoczku Łukowskim")

    log_in(page, "liderka@example.org", PASSWORD)
    todo = page.get_by_role("region", name="Czeka na Ciebie")
    assert "Wizyta studyjna w Stoczku Łukowskim" in todo.inner_text()
    todo.get_by_role("link", name="Zgłoś").click()

    counter = page.locator("#people-counter")
    assert counter.inner_text() == "0 z 3 wybranych."
    for person in people:
        page.get_by_label(person.full_name, exact=False).check()
    assert counter.inner_text().startswith("3 z 3 wybranych.")
    assert page.get_by_label(extra.full_name, exact=False).is_disabled()  # no 4th tick
    page.get_by_label("Partnerzy wybrali tych przedstawicieli wspólnie").check()
    page.get_by_role("button", name="Zapisz zgłoszenie").click()
    page.wait_for_url("**/wydarzenia/zgloszenia/*/")

    loads = page_loads.since_login()
    assert len(loads) <= 3, loads
    registered = Participant.objects.filter(event=visit, removed_at__isnull=True)
    assert {p.person_id for p in registered} == {p.pk for p in people}


def test_leader_adds_a_missing_person_inside_the_form_in_four_page_loads(page, page_loads):
    """With one person not yet on the partnership's list: added from the registration form,
    ticks kept, at most 4 page loads after login."""
    partnership, ngo, people = _leader_with_people(with_ngo_person=False)
    visit = EventFactory(title="Wizyta studyjna w Stoczku Łukowskim")

    log_in(page, "liderka@example.org", PASSWORD)
    page.get_by_role("region", name="Czeka na Ciebie").get_by_role("link", name="Zgłoś").click()
    for person in people:
        page.get_by_label(person.full_name, exact=False).check()
    page.get_by_text("Dodaj osobę spoza listy").click()
    page.get_by_label("Imię").fill("Barbara")
    page.get_by_label("Nazwisko").fill("Kaczmarek")
    page.get_by_label("Instytucja").select_option(label=str(ngo))
    page.get_by_label("E-mail").fill("barbara@example.org")
    page.get_by_label("Osoba wyraziła zgodę").check()
    page.get_by_role("button", name="Dodaj i zaznacz").click()

    page.get_by_text("Dodano osobę Barbara Kaczmarek").wait_for()
    for name in ("Maria Nowak", "Krzysztof Mazur", "Barbara Kaczmarek"):
        assert page.get_by_label(name, exact=False).is_checked()
    page.get_by_label("Partnerzy wybrali tych przedstawicieli wspólnie").check()
    page.get_by_role("button", name="Zapisz zgłoszenie").click()
    page.wait_for_url("**/wydarzenia/zgloszenia/*/")

    loads = page_loads.since_login()
    assert len(loads) <= 4, loads
    registered = Participant.objects.filter(event=visit, removed_at__isnull=True)
    assert {p.person.full_name for p in registered} == {
        "Maria Nowak",
        "Krzysztof Mazur",
        "Barbara Kaczmarek",
    }
    assert partnership.people.get(last_name="Kaczmarek").institution == ngo
