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
