import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from partnerships.demo import ACCOUNTS, DEMO_PASSWORD
from partnerships.models import Partnership, User


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Partnership.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (User.objects.count(), Partnership.objects.count()) == counts


@pytest.mark.django_db
def test_load_demo_has_a_partnership_lacking_a_sector_and_both_rounds():
    from partnerships.selectors import missing_sectors, with_sector_coverage

    call_command("load_demo", stdout=io.StringIO())
    partnerships = with_sector_coverage(Partnership.objects.all())
    assert {p.round for p in partnerships} == {1, 2}
    assert any(missing_sectors(p) for p in partnerships)
    assert any(not missing_sectors(p) for p in partnerships)


@pytest.mark.django_db
@pytest.mark.parametrize("email", [a[1] for a in ACCOUNTS])
def test_each_demo_login_reaches_its_home_page(client, email):
    call_command("load_demo", stdout=io.StringIO())
    response = client.post(
        reverse("login"), {"username": email, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.context["user"].email == email
