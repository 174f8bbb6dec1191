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
    caches["fragments"].clear()


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


@pytest.fixture
def english(client, settings):
    """The test client has chosen English with the language switch: the portal is Polish
    first and does not follow the browser's Accept-Language."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def deliver_earlier_mail(mailoutbox):
    """A test's setup queues mail in transactions that never commit, so no worker was asked
    to send it; the first commit of the test would send it along with its own. Call this
    before the action under test: it delivers what is waiting, as the worker would have, and
    empties ``mail.outbox``, so what the test then finds there is what its action sent."""
    from portal import outbox

    def deliver():
        outbox.deliver()
        mailoutbox.clear()

    return deliver


@pytest.fixture
def broker(settings):
    """``broker(url, options)`` points the Celery app at a broker, not eager, for one test
    (a closed Redis port stands for a broker that is down)."""
    from config.celery import app

    saved = {
        key: app.conf[key]
        for key in ("broker_url", "task_always_eager", "broker_transport_options")
    }

    def use(url, options=None):
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        app.conf.broker_transport_options = dict(options or settings.REDIS_TRANSPORT_OPTIONS)
        app._pool = None
        app.amqp._producer_pool = None

    yield use
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server for one test (``tests/smtp.py``), and the portal sending to it."""
    from tests.smtp import FlakySMTP

    server = FlakySMTP()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()
