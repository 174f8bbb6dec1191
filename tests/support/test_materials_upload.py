import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.models import MaterialsDispatch
from tests.portal.test_uploads import PDF

pytestmark = pytest.mark.django_db


def _post(client, world, name, content):
    return client.post(
        reverse("support:materials_add", args=[world.partnership_a.pk]),
        {
            "what": "Poradnik partnerstwa",
            "sent_on": "2026-11-20",
            "channel": "email",
            "attachment": SimpleUploadedFile(name, content),
        },
    )


def test_materials_with_a_pdf_are_saved_and_served_to_the_partnership(client, world):
    client.force_login(world.staff)
    assert _post(client, world, "poradnik.pdf", PDF).status_code == 302
    dispatch = MaterialsDispatch.objects.get()
    url = reverse("support:materials_file", args=[world.partnership_a.pk, dispatch.pk])
    client.force_login(world.leader_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(world.leader_b)
    assert client.get(url).status_code == 404


def test_materials_with_a_disguised_file_are_refused_and_nothing_saved(client, world):
    client.force_login(world.staff)
    response = _post(client, world, "poradnik.pdf", b"MZ" + b"\x00" * 64)
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    assert not MaterialsDispatch.objects.exists()


def test_materials_file_of_another_partnerships_dispatch_is_404(client, world):
    client.force_login(world.staff)
    _post(client, world, "poradnik.pdf", PDF)
    dispatch = MaterialsDispatch.objects.get()
    client.force_login(world.staff)
    url = reverse("support:materials_file", args=[world.partnership_b.pk, dispatch.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("leader_a", 200),
        ("leader_b", 404),
        ("animator_a", 200),
        ("animator_b", 404),
        ("committee", 403),
        ("staff", 200),
    ],
)
def test_materials_file_access_by_persona(client, world, persona, expected):
    client.force_login(world.staff)
    _post(client, world, "poradnik.pdf", PDF)
    dispatch = MaterialsDispatch.objects.get()
    client.logout()
    if world.persona(persona):
        client.force_login(world.persona(persona))
    url = reverse("support:materials_file", args=[world.partnership_a.pk, dispatch.pk])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))
