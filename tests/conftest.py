"""Personas used across the suite: two partnerships, each with its leader and animator, plus
staff and a committee member (healthchecks' owner / member / outsider, widened)."""

from dataclasses import dataclass

import pytest
from django.core.cache import caches
from django.db import connection
from django.template.backends.django import Template as DjangoTemplate
from django.test.utils import CaptureQueriesContext

from partnerships.enums import Sector
from portal.enums import Role
from tests.factories import InstitutionFactory, PartnerFactory, PartnershipFactory, UserFactory


@dataclass
class World:
    staff: object
    animator_a: object
    animator_b: object
    leader_a: object
    leader_b: object
    committee: object
    partnership_a: object
    partnership_b: object

    def persona(self, name):
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db):
    staff = UserFactory(role=Role.STAFF, email="staff@example.org")
    animator_a = UserFactory(role=Role.ANIMATOR, email="animator.a@example.org")
    animator_b = UserFactory(role=Role.ANIMATOR, email="animator.b@example.org")
    leader_a = UserFactory(role=Role.LEADER, email="leader.a@example.org")
    leader_b = UserFactory(role=Role.LEADER, email="leader.b@example.org")
    committee = UserFactory(role=Role.COMMITTEE, email="committee@example.org")
    partnership_a = PartnershipFactory(name="Partnerstwo A", leader=leader_a, animator=animator_a)
    partnership_b = PartnershipFactory(name="Partnerstwo B", leader=leader_b, animator=animator_b)
    PartnerFactory(
        partnership=partnership_a, institution=InstitutionFactory(sector=Sector.SOCIAL, kind="ngo")
    )
    return World(
        staff, animator_a, animator_b, leader_a, leader_b, committee, partnership_a, partnership_b
    )


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Each test starts with no kept figures: the database is emptied between tests, so the
    data version starts again and a figure kept by an earlier test would match it."""
    caches["figures"].clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def template_queries(monkeypatch):
    """The SQL run while templates render (a lazy queryset evaluated by the template): a list
    page should read its rows in the view, so the template runs at most the navigation's
    roles query."""
    captured = []
    render = DjangoTemplate.render

    def capturing_render(self, context=None, request=None):
        with CaptureQueriesContext(connection) as queries:
            html = render(self, context, request)
        captured.extend(query["sql"] for query in queries.captured_queries)
        return html

    monkeypatch.setattr(DjangoTemplate, "render", capturing_render)
    return captured
