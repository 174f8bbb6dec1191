import pytest

from partnerships import selectors
from partnerships.enums import Sector, SectorCoverage
from tests.factories import InstitutionFactory, PartnerFactory, PartnershipFactory, UserFactory


def _partnership_with_sectors(*sectors, name="P"):
    partnership = PartnershipFactory(name=name)  # its lead library is a public partner
    for sector in sectors:
        PartnerFactory(partnership=partnership, institution=InstitutionFactory(sector=sector))
    return partnership


def test_partnerships_for_user_staff_sees_all(world):
    assert set(selectors.partnerships_for_user(world.staff)) == {
        world.partnership_a,
        world.partnership_b,
    }


@pytest.mark.parametrize("persona", ["animator_a", "leader_a"])
def test_partnerships_for_user_scoped_to_own(world, persona):
    assert list(selectors.partnerships_for_user(world.persona(persona))) == [world.partnership_a]


def test_partnerships_for_user_committee_member_sees_none(world):
    assert not selectors.partnerships_for_user(world.committee).exists()


def test_partnership_get_for_user_other_partnership_is_404(world):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.partnership_get_for_user(world.leader_a, world.partnership_b.pk)


def test_partnership_get_for_editing_animator_is_forbidden(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        selectors.partnership_get_for_editing(world.animator_a, world.partnership_a.pk)


@pytest.mark.django_db
def test_sector_coverage_counts_only_active_partners():
    partnership = _partnership_with_sectors(Sector.SOCIAL, Sector.BUSINESS)
    business = partnership.partners.get(institution__sector=Sector.BUSINESS)
    business.left_on = business.joined_on
    business.save()
    annotated = selectors.with_sector_coverage(type(partnership).objects.filter(pk=partnership.pk))
    assert selectors.missing_sectors(annotated.get()) == [Sector.BUSINESS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "coverage, expected",
    [
        (SectorCoverage.FULL, {"full"}),
        (SectorCoverage.MISSING, {"no-business", "public-only"}),
        (SectorCoverage.NO_BUSINESS, {"no-business", "public-only"}),
        (SectorCoverage.NO_SOCIAL, {"public-only"}),
        (SectorCoverage.NO_PUBLIC, set()),
    ],
)
def test_partnership_list_filters_by_sector_coverage(coverage, expected):
    staff = UserFactory(role="staff")
    _partnership_with_sectors(Sector.SOCIAL, Sector.BUSINESS, name="full")
    _partnership_with_sectors(Sector.SOCIAL, name="no-business")
    _partnership_with_sectors(name="public-only")
    names = {p.name for p in selectors.partnership_list(user=staff, coverage=coverage)}
    assert names == expected


@pytest.mark.django_db
def test_partnership_list_searches_name_library_and_commune():
    staff = UserFactory(role="staff")
    PartnershipFactory(name="Razem", lead_library__commune="Łąck")
    PartnershipFactory(name="Inne", lead_library__commune="Wąchock")
    assert [p.name for p in selectors.partnership_list(user=staff, search="łąck")] in (
        ["Razem"],
        [],  # SQLite's LIKE folds only ASCII case
    )
    assert [p.name for p in selectors.partnership_list(user=staff, search="Łąck")] == ["Razem"]
    assert [p.name for p in selectors.partnership_list(user=staff, search="raz")] == ["Razem"]
