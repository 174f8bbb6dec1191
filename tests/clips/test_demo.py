import pytest
from django.core.management import call_command

from clips import selectors
from clips.models import ClipCall, EligibilityOverride, Score
from events.models import Participant
from support.models import SupportSession

pytestmark = pytest.mark.django_db


def _counts():
    return (
        ClipCall.objects.count(),
        Score.objects.count(),
        EligibilityOverride.objects.count(),
        SupportSession.objects.count(),
        Participant.objects.count(),
    )


def test_load_demo_gives_an_open_call_with_eligible_partnerships_once():
    call_command("load_demo", stdout=None)
    first = _counts()
    call_command("load_demo")
    assert _counts() == first
    call = ClipCall.objects.get()
    assert call.status == "open"
    emails = set(call.committee.values_list("email", flat=True))
    assert {"komisja@demo.prb.pl", "koordynatorka@demo.prb.pl"} <= emails
    eligible = {p.name for p in selectors.eligible_partnerships(call)}
    assert {"Razem dla Gminy Wąchock", "Partnerstwo Nad Bugiem"} <= eligible
    assert "Sieć Aktywnych Bibliotek Łąck" not in eligible
    committee = call.committee.get(email="komisja@demo.prb.pl")
    assert selectors.candidates_for_member(call, committee).count() == 3
    assert not Score.objects.filter(member=committee).exists()
