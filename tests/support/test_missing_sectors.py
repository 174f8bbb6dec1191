"""Issue 19, point 5: the potential partners' pipeline per sector beside the partnership's
sector badges, and the dashboard's count of sectors still missing with candidates in view
(§1.2, §2.1.1), equal to a direct count before and after changes made through the services,
with the dashboard's figures kept per version of the data as in production."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import PartnershipStatus, Sector
from partnerships.models import Partnership
from portal.enums import Role
from support import services
from support.enums import OPEN_CANDIDATE_STATUSES
from support.selectors import (
    missing_sectors_with_candidates_totals,
)
from tests.factories import (
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    PotentialPartnerFactory,
    UserFactory,
)


def direct_count() -> tuple[int, int]:
    """(partnerships, sectors) counted one partnership at a time with plain reads."""
    pairs = set()
    for partnership in Partnership.objects.exclude(status=PartnershipStatus.WITHDRAWN):
        covered = set(
            partnership.partners.filter(left_on__isnull=True).values_list(
                "institution__sector", flat=True
            )
        )
        for candidate in partnership.potential_partners.all():
            if candidate.status in OPEN_CANDIDATE_STATUSES and candidate.sector not in covered:
                pairs.add((partnership.pk, candidate.sector))
    return len({pk for pk, _sector in pairs}), len(pairs)


def add(partnership, actor, *, sector, name, status="approached"):
    kinds = {Sector.PUBLIC: "school", Sector.SOCIAL: "ngo", Sector.BUSINESS: "company"}
    return services.potential_partner_add(
        partnership=partnership,
        actor=actor,
        name=name,
        sector=sector,
        kind=kinds[sector],
        contacted_by="Maria Nowak",
        contacted_on=timezone.localdate(),
        status=status,
    )


def dashboard_figure(client) -> tuple[int, int]:
    panels = client.get(reverse("reports:dashboard")).context["panels"]
    (panel,) = [p for p in panels if "totals" in p]
    return panel["totals"]["partnerships"], panel["totals"]["sectors"]


@pytest.mark.django_db(transaction=True)
def test_dashboard_figure_equals_a_direct_count_before_and_after_changes(client, world):
    """A covers public (its library) and social; B only public (its library)."""
    a, b = world.partnership_a, world.partnership_b
    client.force_login(world.staff)
    assert dashboard_figure(client) == direct_count() == (0, 0)

    business_a = add(a, world.leader_a, sector=Sector.BUSINESS, name="Sklep Pod Lipą")
    add(a, world.leader_a, sector=Sector.SOCIAL, name="KGW")  # social is covered: not counted
    add(b, world.leader_b, sector=Sector.BUSINESS, name="Piekarnia", status="interested")
    social_b = add(b, world.animator_b, sector=Sector.SOCIAL, name="OSP")
    add(b, world.leader_b, sector=Sector.SOCIAL, name="Parafia")  # the same sector again
    assert dashboard_figure(client) == direct_count() == (2, 3)

    services.potential_partner_join(
        candidate=business_a, actor=world.leader_a, contribution="Nagrody.", benefit="Klienci."
    )
    assert dashboard_figure(client) == direct_count() == (1, 2)

    services.potential_partner_update(candidate=social_b, actor=world.leader_b, status="declined")
    assert dashboard_figure(client) == direct_count() == (1, 2)  # the parish is still in view

    withdrawn = PartnershipFactory(status=PartnershipStatus.WITHDRAWN)
    PotentialPartnerFactory(partnership=withdrawn, created_by=world.staff)
    PartnerFactory(partnership=b, institution=InstitutionFactory(sector=Sector.SOCIAL, kind="ngo"))
    assert dashboard_figure(client) == direct_count() == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_dashboard_figure_follows_the_dashboard_filters(client, world):
    add(world.partnership_a, world.leader_a, sector=Sector.BUSINESS, name="Sklep")
    add(world.partnership_b, world.leader_b, sector=Sector.BUSINESS, name="Tartak")
    client.force_login(world.staff)
    response = client.get(reverse("reports:dashboard"), {"animator": world.animator_a.pk})
    (panel,) = [p for p in response.context["panels"] if "totals" in p]
    assert (panel["totals"]["partnerships"], panel["totals"]["sectors"]) == (1, 1)
    html = response.content.decode()
    assert "Brakujące sektory z kandydatami:" in html
    assert "1 partnerstwo" in html and "1 sektor" in html
    assert f"{reverse('support:missing_sector_list')}?animator={world.animator_a.pk}" in html


@pytest.mark.django_db
def test_totals_count_each_sector_once_per_partnership(world):
    for name in ("Sklep", "Tartak", "Bank"):
        PotentialPartnerFactory(partnership=world.partnership_b, name=name)
    PotentialPartnerFactory(partnership=world.partnership_b, sector="social", kind="ngo")
    PotentialPartnerFactory(partnership=world.partnership_a, sector="business", status="declined")
    totals = missing_sectors_with_candidates_totals(Partnership.objects.all())
    assert (totals["partnerships"], totals["sectors"]) == direct_count() == (1, 2)
    assert [count for _label, count in totals["by_sector"]] == [0, 1, 1]


@pytest.mark.django_db
def test_partnership_page_shows_the_pipeline_per_sector_beside_the_badges(client, world):
    partnership = world.partnership_b
    PotentialPartnerFactory(partnership=partnership, status="approached")
    PotentialPartnerFactory(partnership=partnership, status="interested")
    PotentialPartnerFactory(partnership=partnership, sector="social", kind="ngo", status="declined")
    client.force_login(world.leader_b)
    response = client.get(reverse("partnership_detail", args=[partnership.pk]))
    (panel,) = response.context["sector_panels"]
    rows = {row.sector: row for row in panel["pipeline"]}
    assert rows[Sector.PUBLIC].covered and not rows[Sector.BUSINESS].covered
    assert {v: n for v, _l, n in rows[Sector.BUSINESS].status_counts} == {
        "approached": 1,
        "interested": 1,
        "declined": 0,
        "joined": 0,
    }
    assert {v: n for v, _l, n in rows[Sector.SOCIAL].status_counts}["declined"] == 1
    html = response.content.decode()
    assert "Potencjalni partnerzy według sektorów" in html
    assert html.index("sector-badges") < html.index("Potencjalni partnerzy według sektorów")
    assert reverse("support:potential_partner_list", args=[partnership.pk]) in html


@pytest.mark.django_db
def test_missing_sector_list_shows_partnerships_and_their_sectors(client, world):
    PotentialPartnerFactory(partnership=world.partnership_b, name="Tartak")
    PotentialPartnerFactory(partnership=world.partnership_a, sector="social", kind="ngo")
    client.force_login(world.staff)
    response = client.get(reverse("support:missing_sector_list"))
    rows = list(response.context["page"])
    assert [p.pk for p in rows] == [world.partnership_b.pk]  # A covers social already
    assert rows[0].sectors_in_view == [Sector.BUSINESS]
    assert "gospodarczy" in response.content.decode()


@pytest.mark.django_db
def test_missing_sector_list_applies_the_dashboard_filters_and_ignores_bad_ones(client, world):
    PotentialPartnerFactory(partnership=world.partnership_a)
    PotentialPartnerFactory(partnership=world.partnership_b)
    client.force_login(world.staff)
    url = reverse("support:missing_sector_list")
    response = client.get(url, {"animator": world.animator_b.pk})
    assert [p.pk for p in response.context["page"]] == [world.partnership_b.pk]
    response = client.get(url, {"animator": "x", "round": "9"})
    assert response.status_code == 200
    assert len(response.context["page"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["animator_a", "leader_a", "committee"])
def test_missing_sector_list_is_for_staff_only(client, world, persona):
    client.force_login(world.persona(persona))
    assert client.get(reverse("support:missing_sector_list")).status_code == 403


@pytest.mark.django_db
def test_missing_sector_list_query_count_does_not_grow(client, django_assert_num_queries):
    client.force_login(UserFactory(role=Role.STAFF))

    def make():
        PotentialPartnerFactory(partnership=PartnershipFactory())

    make()
    url = reverse("support:missing_sector_list")
    client.get(url)  # the first request of a session writes it
    # session, user, roles, the animator filter's choices, count, the page's ids, its rows
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page"]) == 1
    make()
    make()
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page"]) == 3
