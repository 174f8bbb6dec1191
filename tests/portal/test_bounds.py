"""What the portal takes in is bounded: dates within the programme's years, no NUL bytes, no
numbers past what the database holds, request bodies capped, only the methods it uses, and
nothing personal kept by a cache. Every refusal is a 4xx with a Polish message; nothing
changes."""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from portal.forms import DateInput, PortalForm
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
RANGE_MESSAGE = "Podaj datę z lat 2000–2100."


def _event_data(**changes):
    now = timezone.localtime()
    data = {
        "kind": "study_visit",
        "title": "Wizyta",
        "programme": "Program",
        "place": "Kraków",
        "starts_on": "2027-06-14",
        "capacity": "12",
        "registration_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "registration_closes_at": (now + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    "field, value",
    [
        ("registration_opens_at", "0001-01-01T00:00"),  # before year 1 in UTC: broke every page
        ("starts_on", "9999-12-31"),  # its day after overflowed
        ("starts_on", "1999-12-31"),
        ("starts_on", "2101-01-01"),
    ],
)
def test_event_form_refuses_dates_outside_the_programme_years(client, world, field, value):
    client.force_login(world.staff)
    response = client.post(reverse("events:event_create"), _event_data(**{field: value}))
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()
    assert not Event.objects.exists()
    # Pages that list events still work for everyone.
    assert client.get(reverse("events:event_list")).status_code == 200


def test_every_portal_form_date_field_is_bounded_and_says_so_in_the_widget():
    from django import forms

    class Dates(PortalForm):
        day = forms.DateField(widget=DateInput())
        moment = forms.DateTimeField()

    form = Dates({"day": "2100-12-31", "moment": "2000-01-01 00:00"})
    assert form.is_valid(), form.errors
    form = Dates({"day": "2101-01-01", "moment": "1999-12-31 23:59"})
    assert not form.is_valid()
    assert form.errors == {"day": [RANGE_MESSAGE], "moment": [RANGE_MESSAGE]}
    assert (
        Dates().fields["day"].widget.attrs["min"],
        Dates().fields["day"].widget.attrs["max"],
    ) == (
        "2000-01-01",
        "2100-12-31",
    )


def test_admin_date_fields_are_bounded_too(client, world):
    event = EventFactory()
    client.force_login(world.staff)
    world.staff.is_superuser = True
    world.staff.save()
    url = reverse("admin:events_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    assert any(
        getattr(v, "__name__", "") == "validate_programme_date"
        for v in form.fields["starts_on"].validators
    )


@pytest.mark.parametrize(
    "path",
    ["/zgloszenia/?q=%00", "/kalendarz/%00.ics", "/wydarzenia/?rodzaj=%00", "/klip/%00/"],
)
def test_nul_byte_in_the_address_is_400_with_a_message(client, world, path):
    client.force_login(world.staff)
    response = client.get(path)
    assert response.status_code == 400
    assert "niedozwolony znak" in response.content.decode()


def test_nul_byte_in_a_form_is_400_and_changes_nothing(client, world):
    client.force_login(world.staff)
    response = client.post(reverse("events:event_create"), _event_data(title="Wiz\x00yta"))
    assert response.status_code == 400
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "name, kwargs",
    [("events:event_detail", {"pk": 10**30}), ("partnership_detail", {"pk": 2**63})],
)
def test_overflowing_number_in_the_address_is_4xx(client, world, name, kwargs):
    client.force_login(world.staff)
    assert client.get(reverse(name, kwargs=kwargs)).status_code in (400, 404)


def test_overflowing_number_in_a_form_is_400(client, world):
    client.force_login(world.staff)
    response = client.post(reverse("events:event_create"), _event_data(capacity=str(10**30)))
    assert response.status_code == 400
    assert not Event.objects.exists()


def test_large_body_is_refused_before_it_is_read(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    form = urlencode({"username": "a@example.org", "password": "x" * (2 * 1024 * 1024)})
    response = client.post(reverse("login"), form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response.content.decode() == (
        "Przesłane dane są za duże (najwyżej 1 MB). Niczego nie zmieniono."
    )
    multipart = {"username": "a@example.org", "password": "x" * (4 * 1024 * 1024)}
    response = client.post(reverse("login"), multipart)
    assert response.status_code == 413
    assert "najwyżej 3 MB" in response.content.decode()


def test_upload_keeps_its_own_larger_limit(client, settings):
    from portal.middleware import body_limit

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    assert body_limit("application/x-www-form-urlencoded") == 1024 * 1024
    assert body_limit("multipart/form-data; boundary=x") == 11 * 1024 * 1024


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "CONNECT"])
def test_methods_the_portal_does_not_use_answer_405(client, method):
    for url in (reverse("login"), reverse("home"), reverse("calendar_feed", args=["x"])):
        response = client.generic(method, url)
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD, POST, OPTIONS"


def test_personal_pages_and_downloads_are_not_kept_by_caches(client, world, cast_event):
    client.force_login(world.staff)
    for url in (
        reverse("events:event_list"),
        reverse("partnership_detail", args=[world.partnership_a.pk]),
        reverse("events:participant_pdf", args=[cast_event.pk]),
        reverse("events:event_ics", args=[cast_event.pk]),
        reverse("reports:export", args=["sessions", "csv"]),
        reverse("reports:person_data", args=[cast_event.person_pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


@pytest.fixture
def cast_event(world):
    from tests.factories import PersonFactory

    event = EventFactory()
    event.person_pk = PersonFactory(partnership=world.partnership_a).pk
    return event


def test_overflow_raised_by_a_view_is_400_with_a_message(rf):
    from portal.middleware import RequestBoundsMiddleware

    def view(request):
        return datetime.date.max + datetime.timedelta(days=1)

    middleware = RequestBoundsMiddleware(view)
    request = rf.get("/")
    try:
        view(request)
    except OverflowError as exc:
        response = middleware.process_exception(request, exc)
    assert response.status_code == 400
    assert "wykracza poza dopuszczalny zakres" in response.content.decode()
    assert middleware.process_exception(request, KeyError("x")) is None
