"""Forms fuzzed with Hypothesis: whatever a browser can send, the answer is never a 500 and no
rule of docs/design.md breaks (nothing half-saved, no person without consent, no partner twice)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerships.enums import Sector
from partnerships.models import Application, Institution, Partner, Person
from tests.factories import ApplicationCallFactory

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANSWERS = {200, 302, 400}

# What a form field can receive: text of any kind, huge values, or a plausible value.
text = st.one_of(
    st.text(max_size=60),
    st.text(min_size=300, max_size=400),
    st.sampled_from(["", " ", "0", "-1", "2026-02-30", "x" * 256, "<script>", "ąęł"]),
)


def _field(plausible):
    return st.one_of(text, st.sampled_from(plausible))


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "institution-name": _field(["Piekarnia"]),
            "institution-sector": _field(list(Sector.values)),
            "institution-kind": _field(["company", "ngo"]),
            "institution-commune": _field(["Wąchock"]),
            "institution-voivodeship": _field(["swietokrzyskie"]),
            "institution-website": _field(["bibl.pl", "http://x.pl"]),
            "partner-contribution": text,
            "partner-benefit": text,
            "partner-joined_on": _field(["2026-11-02", "1899-01-01"]),
        }
    )
)
def test_partner_add_never_fails_and_never_half_saves(client, world, data):
    client.force_login(world.leader_a)
    institutions, partners = Institution.objects.count(), Partner.objects.count()
    response = client.post(reverse("partner_add", args=[world.partnership_a.pk]), data)
    assert response.status_code in ANSWERS
    added = (Institution.objects.count() - institutions, Partner.objects.count() - partners)
    assert added == ((1, 1) if response.status_code == 302 else (0, 0))


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "first_name": _field(["Ala"]),
            "last_name": _field(["Kot"]),
            "institution": _field(["1", "99999"]),
            "email": _field(["ala@example.org", "zly-adres"]),
            "phone": text,
            "consent": st.sampled_from(["on", "", "off"]),
        }
    )
)
def test_person_add_never_fails_and_needs_consent(client, world, data):
    client.force_login(world.leader_a)
    data = {**data}
    if data["institution"] == "1":
        data["institution"] = str(world.partnership_a.lead_library_id)
    response = client.post(reverse("person_add", args=[world.partnership_a.pk]), data)
    assert response.status_code in ANSWERS
    assert not Person.objects.filter(consent_given_at__isnull=True).exists()
    if data["consent"] != "on":
        assert response.status_code != 302


@pytest.fixture
def call(db):
    return ApplicationCallFactory()


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "library_name": _field(["Biblioteka"]),
            "contact_email": _field(["a@example.org"]),
            "library_voivodeship": _field(["mazowieckie"]),
            "common_goal": text,
            "consent": st.sampled_from(["on", ""]),
        }
    ),
    submit=st.booleans(),
)
def test_application_start_never_fails(client, call, data, submit):
    before = Application.objects.count()
    post = {**data, **({"submit": "1"} if submit else {"save": "1"})}
    response = client.post(reverse("application_start", args=[call.pk]), post)
    assert response.status_code in ANSWERS
    assert Application.objects.count() - before == (1 if response.status_code == 302 else 0)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "round", "status", "coverage", "voivodeship", "animator", "page"]),
        text,
        max_size=4,
    )
)
def test_partnership_list_filters_never_fail(client, world, params):
    client.force_login(world.staff)
    response = client.get(reverse("partnership_list"), params)
    # A NUL byte is refused with a message (portal.middleware); anything else is a filter.
    has_nul = any("\x00" in value for value in params.values())
    assert response.status_code == (400 if has_nul else 200)
