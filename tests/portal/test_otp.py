import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.enums import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client, email):
    return client.post(reverse("login"), {"username": email, "password": PASSWORD})


@pytest.fixture
def staff_with_device():
    staff = UserFactory(role=Role.STAFF, email="staff@example.org")
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    return staff, device


def test_staff_with_second_factor_is_sent_to_the_code_page(client, staff_with_device):
    _login(client, "staff@example.org")
    response = client.get(reverse("staff_home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_verify"))
    assert client.get(reverse("admin:index")).url.startswith(reverse("otp_verify"))


def test_wrong_code_is_refused_with_message(client, staff_with_device):
    _login(client, "staff@example.org")
    response = client.post(reverse("otp_verify"), {"token": "000000"})
    assert response.status_code == 400
    assert response.context["form"].errors["token"]
    assert client.get(reverse("staff_home")).status_code == 302


def test_right_code_opens_the_portal(client, staff_with_device):
    _, device = staff_with_device
    _login(client, "staff@example.org")
    response = client.post(
        reverse("otp_verify") + "?next=" + reverse("staff_home"), {"token": _code(device)}
    )
    assert response.url == reverse("staff_home")
    assert client.get(reverse("staff_home")).status_code == 200


def test_staff_without_second_factor_logs_in_with_password_alone(client):
    UserFactory(role=Role.STAFF, email="staff@example.org")
    _login(client, "staff@example.org")
    assert client.get(reverse("staff_home")).status_code == 200


def test_setup_shows_a_qr_code_then_confirms_with_a_code(client):
    staff = UserFactory(role=Role.STAFF)
    client.force_login(staff)
    response = client.get(reverse("otp_setup"))
    assert "<svg" in response.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert client.get(reverse("otp_setup")).context["secret"] == response.context["secret"]
    client.post(reverse("otp_setup"), {"token": _code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("staff_home")).status_code == 200  # this session is verified


def test_setup_with_wrong_code_leaves_it_off(client):
    staff = UserFactory(role=Role.STAFF)
    client.force_login(staff)
    client.get(reverse("otp_setup"))
    response = client.post(reverse("otp_setup"), {"token": "123"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def test_remove_needs_the_current_code(client, staff_with_device):
    staff, device = staff_with_device
    client.force_login(staff)
    client.post(reverse("otp_verify"), {"token": _code(device)})
    response = client.post(reverse("otp_remove"), {"token": "000000"})
    assert response.status_code == 400 and TOTPDevice.objects.filter(user=staff).exists()
    device.refresh_from_db()
    # A code is good once per time step, and a wrong one throttles the device for a while:
    # start again from a clean device state, as a minute later would.
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    client.post(reverse("otp_remove"), {"token": _code(device)})
    assert not TOTPDevice.objects.filter(user=staff).exists()
