import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import Sector
from partnerships.models import Partnership, Person
from portal.enums import Role
from tests.factories import (
    ApplicationFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)

CHANGELISTS = [
    "partnerships_partnership",
    "partnerships_partner",
    "partnerships_person",
    "partnerships_institution",
    "partnerships_application",
    "partnerships_user",
]


def _rows(n):
    for _ in range(n):
        animator = UserFactory(role=Role.ANIMATOR)
        partnership = PartnershipFactory(animator=animator)
        PartnerFactory(
            partnership=partnership, institution=InstitutionFactory(sector=Sector.SOCIAL)
        )
        PersonFactory(partnership=partnership)
        ApplicationFactory()


@pytest.fixture
def admin_client_staff(client, db):
    client.force_login(UserFactory(role=Role.STAFF, is_superuser=True))
    return client


@pytest.mark.parametrize("changelist", CHANGELISTS)
def test_admin_changelist_query_count_does_not_grow(admin_client_staff, changelist):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"admin:{changelist}_changelist")
    _rows(1)
    admin_client_staff.get(url)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as one:
        assert admin_client_staff.get(url).status_code == 200
    _rows(2)
    with CaptureQueriesContext(connection) as three:
        assert admin_client_staff.get(url).status_code == 200
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]
    assert len(one) <= 12


def test_admin_partnership_filter_by_missing_sector(admin_client_staff):
    full = PartnershipFactory(name="Pełne")
    PartnerFactory(partnership=full, institution=InstitutionFactory(sector=Sector.SOCIAL))
    PartnerFactory(partnership=full, institution=InstitutionFactory(sector=Sector.BUSINESS))
    PartnershipFactory(name="Niepełne")
    response = admin_client_staff.get(
        reverse("admin:partnerships_partnership_changelist"), {"coverage": "missing"}
    )
    names = [p.name for p in response.context["cl"].result_list]
    assert names == ["Niepełne"]


def test_admin_offers_no_delete_for_partnerships(admin_client_staff):
    partnership = PartnershipFactory()
    response = admin_client_staff.get(
        reverse("admin:partnerships_partnership_delete", args=[partnership.pk])
    )
    assert response.status_code == 403
    changelist = admin_client_staff.get(reverse("admin:partnerships_partnership_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_admin_staff_group_member_can_use_changelist(client, db):
    from portal.services import role_groups_ensure

    role_groups_ensure()
    client.force_login(UserFactory(role=Role.STAFF))
    response = client.get(reverse("admin:partnerships_partnership_changelist"))
    assert response.status_code == 200


def test_admin_change_of_leader_moves_the_link_to_the_new_leaders_person(rf, world):
    """§2.3.3: staff change the leader in the admin; the link to the account follows."""
    partnership = world.partnership_a
    old = PersonFactory(partnership=partnership, user=world.leader_a)
    new_leader = UserFactory(role=Role.LEADER, first_name="Nina", last_name="Nowak")
    model_admin = admin.site._registry[Partnership]
    request = rf.post("/")
    request.user = world.staff
    form_class = model_admin.get_form(request, partnership, change=True)
    data = {
        name: getattr(partnership, f"{name}_id", None) or getattr(partnership, name)
        for name in form_class.base_fields
        if hasattr(partnership, name)
    }
    data["leader"] = new_leader.pk
    form = form_class(data, instance=partnership)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, True)
    model_admin.save_related(request, form, [], True)
    old.refresh_from_db()
    assert old.user is None
    person = Person.objects.get(partnership=partnership, user=new_leader)
    assert (person.full_name, person.institution) == ("Nina Nowak", partnership.lead_library)


def _partnership_admin_form(rf, world, partnership, **changes):
    model_admin = admin.site._registry[Partnership]
    request = rf.post("/")
    request.user = world.staff
    form_class = model_admin.get_form(request, partnership, change=True)
    data = {
        name: getattr(partnership, f"{name}_id", None) or getattr(partnership, name)
        for name in form_class.base_fields
        if hasattr(partnership, name)
    }
    return model_admin, request, form_class({**data, **changes}, instance=partnership)


def test_admin_animator_not_an_animator_refused_next_to_the_field(rf, world):
    partnership = world.partnership_a
    _admin, _request, form = _partnership_admin_form(
        rf, world, partnership, animator=world.leader_a.pk
    )
    assert not form.is_valid()
    assert "nie ma roli animatora" in " ".join(form.errors["animator"])
    partnership.refresh_from_db()
    assert partnership.animator == world.animator_a


def test_admin_animator_change_goes_through_the_service(rf, world):
    partnership = world.partnership_a
    model_admin, request, form = _partnership_admin_form(
        rf, world, partnership, animator=world.animator_b.pk, name="Nowa nazwa"
    )
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, True)
    partnership.refresh_from_db()
    assert (partnership.name, partnership.animator) == ("Nowa nazwa", world.animator_b)
    # The service dates the assignment; the history keeps the old animator and the actor.
    assert partnership.animator_assigned_on == timezone.localdate()
    latest = partnership.history.latest()
    assert (latest.animator_id, latest.history_user_id) == (world.animator_b.pk, world.staff.pk)
    assert world.animator_a.pk in {h.animator_id for h in partnership.history.all()}
