import pytest

from evaluations import demo as evaluations_demo
from evaluations import selectors
from evaluations.models import Invitation, Response
from events import demo as events_demo
from events.models import Event
from partnerships import demo as partnerships_demo

pytestmark = pytest.mark.django_db


def test_demo_load_adds_an_ended_visit_with_a_few_answers_once():
    users = partnerships_demo.load()
    events_demo.load(users)
    evaluations_demo.load(users)
    evaluations_demo.load(users)
    event = Event.objects.get(title=evaluations_demo.PAST_VISIT)
    assert selectors.is_open(event)
    invited = Invitation.objects.filter(event=event).count()
    responses = Response.objects.filter(event=event).count()
    assert invited >= 2 and responses == min(invited - 1, len(evaluations_demo.ANSWERS))
    results = selectors.results_for_event(event)
    assert all(row.count == responses for row in results.ratings)
