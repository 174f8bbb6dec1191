import pytest
from django.core.management import call_command

from reports.models import Anonymisation


@pytest.mark.django_db
def test_demo_loads_once_and_dashboard_shows_behind(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Anonymisation.objects.count() == 1
    from partnerships.models import User

    client.force_login(User.objects.filter(is_staff=True).first())
    response = client.get("/raporty/")
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 1  # demo partnerships with no diagnosis
