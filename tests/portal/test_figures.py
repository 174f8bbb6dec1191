"""portal.figures: a kept figure is reused until the data changes, and never shown after a
committed change, whichever way the change was made."""

import pytest
from django.contrib.sessions.models import Session
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import PartnershipStatus, Sector
from partnerships.models import Institution, Partnership
from portal import figures
from portal.models import ReminderSent
from tests.factories import InstitutionFactory, PartnershipFactory, UserFactory

# The version goes up only when a transaction commits: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


class Counter:
    """A figure: how many partnerships there are, and how often it was computed."""

    def __init__(self):
        self.runs = 0

    def __call__(self):
        self.runs += 1
        return Partnership.objects.count()


def test_figure_is_computed_once_per_version():
    PartnershipFactory()
    count = Counter()
    assert figures.cached(("count",), count) == 1
    assert figures.cached(("count",), count) == 1
    assert count.runs == 1


def test_committed_save_shows_the_new_figure():
    count = Counter()
    assert figures.cached(("count",), count) == 0
    before = figures.version()
    PartnershipFactory()
    assert figures.version() > before
    assert figures.cached(("count",), count) == 1


def test_queryset_update_through_changed_shows_the_new_figure():
    partnership = PartnershipFactory(round=1)

    def round_one():
        return Partnership.objects.filter(round=1).count()

    assert figures.cached(("round one",), round_one) == 1
    with transaction.atomic():
        Partnership.objects.filter(pk=partnership.pk).update(round=2)  # no signal
        figures.changed()
    assert figures.cached(("round one",), round_one) == 0


def test_transaction_reads_its_own_uncommitted_change():
    count = Counter()
    assert figures.cached(("count",), count) == 0
    with transaction.atomic():
        PartnershipFactory()
        assert figures.cached(("count",), count) == 1  # computed, not the kept 0
    assert figures.cached(("count",), count) == 1
    assert count.runs == 3  # once before, once inside, once for the new version


def test_rolled_back_change_keeps_the_figure():
    count = Counter()
    figures.cached(("count",), count)
    before = figures.version()
    with pytest.raises(RuntimeError), transaction.atomic():
        PartnershipFactory()
        raise RuntimeError
    assert figures.version() == before
    assert figures.cached(("count",), count) == 0 and count.runs == 1


def test_bookkeeping_and_logins_do_not_change_the_version():
    user = UserFactory()
    before = figures.version()
    ReminderSent.objects.create(key="k", kind="x", email="a@example.org", claim_token="t")
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])  # as django.contrib.auth does on each login
    assert figures.version() == before


def test_admin_change_shows_the_new_figure(client):
    """The admin saves an institution itself, not through a service."""
    institution = InstitutionFactory(sector=Sector.PUBLIC)

    def public():
        return Institution.objects.filter(sector=Sector.PUBLIC).count()

    assert figures.cached(("public",), public) == 1
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:partnerships_institution_change", args=[institution.pk]),
        {
            "name": institution.name,
            "sector": Sector.SOCIAL,
            "kind": institution.kind,
            "commune": institution.commune,
            "voivodeship": institution.voivodeship,
        },
    )
    assert response.status_code == 302
    assert figures.cached(("public",), public) == 0


def test_version_is_read_once_per_request(django_assert_num_queries):
    PartnershipFactory()
    request_started.send(sender=None)
    try:
        with django_assert_num_queries(1):
            assert figures.version() == figures.version() > 0
    finally:
        request_finished.send(sender=None)
    with django_assert_num_queries(2):  # outside a request (a worker): read each time
        figures.version()
        figures.version()


def test_tally_counts_every_combination_in_one_query(django_assert_num_queries):
    PartnershipFactory(round=1, status=PartnershipStatus.IN_SUPPORT)
    PartnershipFactory(round=1, status=PartnershipStatus.COMPLETED)
    PartnershipFactory(round=2, status=PartnershipStatus.IN_SUPPORT)
    PartnershipFactory(round=2, status=PartnershipStatus.WITHDRAWN)
    conditions = {"first": Q(round=1), "in_support": Q(status=PartnershipStatus.IN_SUPPORT)}
    with django_assert_num_queries(1):
        tallied = figures.tally(Partnership.objects.all(), conditions)
    assert tallied == {
        frozenset({"first", "in_support"}): 1,
        frozenset({"first"}): 1,
        frozenset({"in_support"}): 1,
        frozenset(): 1,
    }
    assert figures.count_where(tallied) == 4
    assert figures.count_where(tallied, "first") == 2
    assert figures.count_where(tallied, "first", "in_support") == 1


def test_only_the_portals_models_are_watched():
    """A delete receiver costs a model Django's fast delete (the sessions are cleared in bulk)."""
    assert post_delete.has_listeners(Partnership)
    assert post_delete.has_listeners(Partnership.history.model) is False
    assert not post_delete.has_listeners(Session)
    assert not post_save.has_listeners(ReminderSent)  # the platform's bookkeeping
