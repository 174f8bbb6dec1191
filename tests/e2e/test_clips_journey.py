import pytest

from clips.models import Score
from portal.enums import Role
from support.models import Meeting1Record, Meeting2Record
from tests.clips.conftest import _past, attend
from tests.e2e.conftest import log_in
from tests.factories import (
    PASSWORD,
    ClipCallFactory,
    EventFactory,
    PartnershipFactory,
    SeminarFactory,
    SupportSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _eligible(name, visit, seminar, *, planned_actions):
    """A partnership meeting every criterion of §2.4.1, with both meetings' records."""
    animator = UserFactory(role=Role.ANIMATOR)
    partnership = PartnershipFactory(name=name, animator=animator)
    meeting_1 = SupportSessionFactory(
        partnership=partnership, animator=animator, kind="meeting_1", channel="in_person"
    )
    Meeting1Record.objects.create(
        session=meeting_1, experience_assessment="Dobre.", planned_actions=planned_actions
    )
    meeting_2 = SupportSessionFactory(
        partnership=partnership, animator=animator, kind="meeting_2", channel="in_person"
    )
    Meeting2Record.objects.create(session=meeting_2, progress="Postępy.", training_topic="team")
    attend(visit, partnership)
    attend(seminar, partnership)
    return partnership


def test_committee_member_scores_every_candidate_with_the_evidence_in_view(page, page_loads):
    """Issue 16, the committee's week: from the start page straight into the first candidate,
    its evidence beside the form, "save and next" through the rest: one page load per
    candidate, no return to the list in between."""
    member = UserFactory(role=Role.COMMITTEE, email="komisja@example.org")
    visit, seminar = _past(EventFactory), _past(SeminarFactory)
    first = _eligible("Biblioteka i Sąsiedzi", visit, seminar, planned_actions="Kino plenerowe.")
    second = _eligible("Czytamy Razem", visit, seminar, planned_actions="Klub gier planszowych.")
    call = ClipCallFactory(title="Klip 2026", committee=[member])

    log_in(page, "komisja@example.org", PASSWORD)
    page.get_by_role("link", name="Zacznij ocenianie").click()

    assert page.get_by_role("heading", name="Biblioteka i Sąsiedzi", level=1).is_visible()
    assert page.get_by_text("Kino plenerowe.").is_visible()  # meeting 1's record
    assert page.get_by_text("Ocenione: 0 z 2").is_visible()
    assert page.get_by_role("rowheader", name="9–10").is_visible()  # what the points mean
    page.get_by_label("Postępy").fill("7")
    page.get_by_label("Kreatywność w planowaniu").fill("8")
    page.get_by_role("button", name="Zapisz i dalej").click()

    assert page.get_by_role("heading", name="Czytamy Razem", level=1).is_visible()
    assert page.get_by_text("Klub gier planszowych.").is_visible()
    assert page.get_by_text("Ocenione: 1 z 2").is_visible()
    page.get_by_label("Postępy").fill("5")
    page.get_by_label("Kreatywność w planowaniu").fill("6")
    page.get_by_role("button", name="Zapisz i dalej").click()

    assert page.get_by_text("Oceniono wszystkich kandydatów w tym naborze.").is_visible()
    loads = page_loads.since_login()
    assert len(loads) <= 2 + 2, loads  # the start page, each candidate, the list at the end
    scores = dict(
        Score.objects.filter(call=call, member=member).values_list("partnership", "progress")
    )
    assert scores == {first.pk: 7, second.pk: 5}
