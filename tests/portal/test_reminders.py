"""The reminder machinery: the sent log's claims, opt-outs, the command, the admin, the
preferences page, queuing with the broker down and a scan through a real Celery worker."""

import datetime
import json
import threading
import time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app, beat_schedule
from portal import hooks, reminders
from portal.models import ReminderOptOut, ReminderSent
from support.enums import SessionKind
from tests.factories import SupportSessionFactory

FAKE = "tests.fake"


@pytest.fixture
def fake(world):
    """A throwaway reminder kind whose scan yields one reminder per user in ``state.users``."""

    class State:
        users = [world.animator_a, world.animator_b]
        fail_for: set = set()
        essential = False
        after_send = None

    State.sent = []
    State.yielded = 0
    State.yielded_at_send = []

    def send(user):
        if user.pk in State.fail_for:
            raise ConnectionError("mail server down")
        State.sent.append(user.email)
        State.yielded_at_send.append(State.yielded)
        if State.after_send:
            State.after_send()

    def scan(now, partnership_id=None):
        for user in State.users:
            State.yielded += 1
            yield reminders.Due(
                occasion="o1",
                email=user.email,
                user_id=user.pk,
                send=lambda user=user: send(user),
            )

    spec = reminders.Reminder(FAKE, "fake", "fake", State.essential, ("animator",), scan, FAKE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(hooks._reminders, FAKE, spec)
        yield State


def test_run_sends_each_reminder_once(fake):
    assert reminders.run(FAKE).sent == 2
    assert reminders.run(FAKE).sent == 0
    assert fake.sent == ["animator.a@example.org", "animator.b@example.org"]
    assert ReminderSent.objects.filter(kind=FAKE, sent_at__isnull=False).count() == 2


def test_run_skips_a_key_claimed_by_another_run(fake, world):
    key = reminders.Due("o1", world.animator_a.email, None, world.animator_a.pk).key(FAKE)
    ReminderSent.objects.create(key=key, kind=FAKE, email=world.animator_a.email)
    assert reminders.run(FAKE).sent == 1
    assert fake.sent == ["animator.b@example.org"]


def test_stale_unsent_claim_is_retried_after_30_minutes(fake, world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
    key = reminders.Due("o1", world.animator_a.email, None, world.animator_a.pk).key(FAKE)
    ReminderSent.objects.create(key=key, kind=FAKE, email=world.animator_a.email)
    fake.users = [world.animator_a]

    time_machine.shift(datetime.timedelta(minutes=29))
    assert reminders.run(FAKE).sent == 0
    time_machine.shift(datetime.timedelta(minutes=2))
    assert reminders.run(FAKE).sent == 1
    assert reminders.run(FAKE).sent == 0
    assert fake.sent == ["animator.a@example.org"]


def test_reminder_that_cannot_be_queued_keeps_the_claim_and_is_retried_later(
    fake, world, time_machine
):
    """A send that raises (a template error, a row gone) queues nothing and leaves the claim
    unsent. A mail server that refuses is the outbox's business: tests/portal/test_mail.py."""
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
    fake.fail_for = {world.animator_a.pk}
    result = reminders.run(FAKE)
    assert (result.sent, result.failed) == (1, 1)
    assert ReminderSent.objects.get(email=world.animator_a.email).sent_at is None

    fake.fail_for = set()
    assert reminders.run(FAKE).sent == 0
    time_machine.shift(datetime.timedelta(minutes=31))
    assert reminders.run(FAKE).sent == 1
    assert sorted(fake.sent) == ["animator.a@example.org", "animator.b@example.org"]


def test_dry_run_lists_and_claims_nothing(fake):
    result = reminders.run(FAKE, dry_run=True)
    assert result.due == 2 and len(result.listed) == 2
    assert not ReminderSent.objects.exists() and fake.sent == []


def test_switched_off_reminder_is_not_sent(fake, world):
    ReminderOptOut.objects.create(user=world.animator_a, kind=FAKE)
    result = reminders.run(FAKE)
    assert (result.sent, result.opted_out) == (1, 1)
    assert fake.sent == ["animator.b@example.org"]


# --- batches: a run reads its scan BATCH reminders at a time -------------------------------


@pytest.fixture
def five(fake, world, monkeypatch):
    """The fake kind with five recipients, read two at a time: batches of 2, 2 and 1."""
    monkeypatch.setattr(reminders, "BATCH", 2)
    fake.users = [world.staff, world.animator_a, world.animator_b, world.leader_a, world.leader_b]
    return fake


EMAILS = [
    "staff@example.org",
    "animator.a@example.org",
    "animator.b@example.org",
    "leader.a@example.org",
    "leader.b@example.org",
]


def _key(user) -> str:
    return reminders.Due("o1", user.email, None, user.pk).key(FAKE)


def test_run_in_batches_sends_each_reminder_once(five):
    result = reminders.run(FAKE)
    assert (result.due, result.sent, result.failed) == (5, 5, 0)
    assert five.sent == EMAILS
    assert ReminderSent.objects.filter(kind=FAKE, sent_at__isnull=False).count() == 5
    assert reminders.run(FAKE).sent == 0
    assert five.sent == EMAILS


def test_run_reads_the_scan_no_further_than_the_batch_it_queues(five):
    """A batch is claimed and queued before the scan yields the next, so a run holds one batch
    however many reminders are due."""
    assert reminders.run(FAKE).sent == 5
    # How many the scan had yielded when each was sent: batches of 2, 2 and 1.
    assert five.yielded_at_send == [2, 2, 4, 4, 5]


def test_stale_claims_are_retaken_in_every_batch(five, world, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False)
    # A run that died: claims in the first and the last batch, never queued.
    for user in (world.animator_a, world.leader_b):
        ReminderSent.objects.create(key=_key(user), kind=FAKE, email=user.email)
    time_machine.shift(datetime.timedelta(minutes=31))
    # A run still at work: its claim in the middle batch is fresh, left alone.
    ReminderSent.objects.create(key=_key(world.animator_b), kind=FAKE, email="b")

    result = reminders.run(FAKE)
    assert (result.due, result.sent) == (4, 4)
    assert sorted(five.sent) == sorted(e for e in EMAILS if e != "animator.b@example.org")
    assert not ReminderSent.objects.filter(sent_at=None).exclude(email="b").exists()
    assert reminders.run(FAKE).sent == 0


def test_claims_of_a_long_run_carry_the_time_of_their_batch(five, time_machine):
    """A run queuing tens of thousands of e-mails can outlast STALE_CLAIM: stamped with the
    run's start, its last claims would look stale to the next run before being queued."""
    start = datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC)
    time_machine.move_to(start, tick=False)
    five.after_send = lambda: time_machine.shift(datetime.timedelta(minutes=20))
    assert reminders.run(FAKE).sent == 5
    claimed = ReminderSent.objects.order_by("pk").values_list("claimed_at", flat=True)
    minutes = [int((at - start).total_seconds()) // 60 for at in claimed]
    assert minutes == [0, 0, 40, 40, 80]


def test_dry_run_counts_and_lists_every_batch_and_keeps_a_sample(five, world, monkeypatch):
    monkeypatch.setattr(reminders, "LISTED_SAMPLE", 3)
    ReminderSent.objects.create(
        key=_key(world.leader_a), kind=FAKE, email=world.leader_a.email, sent_at=timezone.now()
    )
    lines = []
    result = reminders.run(FAKE, dry_run=True, listing=lines.append)
    assert result.due == 4
    assert lines == [f"{u.email}: {_key(u)}" for u in five.users if u != world.leader_a]
    assert result.listed == lines[:3]
    assert ReminderSent.objects.count() == 1 and five.sent == []


def test_switched_off_recipients_are_dropped_in_every_batch(five, world):
    for user in (world.staff, world.leader_b):
        ReminderOptOut.objects.create(user=user, kind=FAKE)
    result = reminders.run(FAKE)
    assert (result.sent, result.opted_out) == (3, 2)
    assert five.sent == EMAILS[1:4]


@pytest.mark.parametrize("n", [1, 2, 5])
def test_run_queries_are_constant_per_batch(five, world, n, django_assert_num_queries):
    """Batches of 2: 1, 1 and 3 of them."""
    five.users = five.users[:n]
    batches = (n + 1) // 2
    # Once per run: the opt-outs of the kind. Per batch: the sent log looked up by key.
    with django_assert_num_queries(1 + batches):
        assert reminders.run(FAKE, dry_run=True).due == n
    # Per batch besides: the claims (a savepoint, the insert, its release) and the claimed
    # rows read back; per chunk of QUEUE_CHUNK a transaction (begin, commit); per reminder a
    # savepoint, the sent mark and its release. The fake kind queues no e-mail, so nothing
    # is delivered.
    with django_assert_num_queries(1 + batches * (1 + 3 + 1 + 2) + n * 3):
        assert reminders.run(FAKE).sent == n
    # The second run: the opt-outs, then the lookup of each batch finds every key sent.
    with django_assert_num_queries(1 + batches):
        assert reminders.run(FAKE).sent == 0


def test_send_reminders_dry_run_prints_every_reminder_as_it_is_found(five, monkeypatch):
    monkeypatch.setattr(reminders, "LISTED_SAMPLE", 1)
    out = StringIO()
    call_command("send_reminders", "--dry-run", "--kind", FAKE, stdout=out)
    assert out.getvalue().splitlines() == [
        *(f"{FAKE}  {u.email}: {_key(u)}" for u in five.users),
        f"{FAKE}: 5 would be sent",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(fake):
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            reminders.run(FAKE)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(fake.sent) == ["animator.a@example.org", "animator.b@example.org"]


def test_every_reminder_is_in_the_beat_schedule():
    registry = reminders.registered()
    scheduled = {entry["task"] for entry in beat_schedule().values()}
    names = {f"{r.scan.__module__}.{r.scan.__name__}" for r in registry.values()}
    assert names <= scheduled
    assert "events.tasks.expire_seat_offers" in scheduled
    assert scheduled - names == {
        "events.tasks.expire_seat_offers",
        "portal.tasks.heartbeat",
        "portal.tasks.outbox_deliver",  # the outbox's sweep
    }
    # The eleven reminders of docs/design.md, the unanswered personal link and the
    # evaluation's two (issue 20), each registered once by the app that owns it.
    assert len(registry) == 14


def test_beat_schedule_is_set_when_beat_starts(monkeypatch):
    monkeypatch.setitem(app.conf, "beat_schedule", {})
    app.loader.import_default_modules()  # what ``celery beat`` and the worker do at start
    assert app.conf.beat_schedule == beat_schedule()
    assert "reminder-support.no_diagnosis" in app.conf.beat_schedule


def _due_no_diagnosis(world):
    world.partnership_a.animator_assigned_on = timezone.localdate() - datetime.timedelta(days=20)
    world.partnership_a.save()


def test_send_reminders_command_dry_run_then_send_then_nothing(world):
    _due_no_diagnosis(world)
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    assert "support.no_diagnosis: 1 would be sent" in out.getvalue()
    assert "animator.a@example.org: Partnerstwo A" in out.getvalue()
    assert mail.outbox == [] and not ReminderSent.objects.exists()

    call_command("send_reminders", stdout=StringIO())
    assert [m.to for m in mail.outbox if "diagnozy" in m.subject] == [["animator.a@example.org"]]
    out = StringIO()
    call_command("send_reminders", "--stats", stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["sent"] == 0 and stats["queries"] > 0


def test_admin_sent_log_is_read_only_and_searchable(client, world):
    _due_no_diagnosis(world)
    reminders.run("support.no_diagnosis")
    client.force_login(world.staff)
    url = reverse("admin:portal_remindersent_changelist")
    response = client.get(url, {"q": "animator.a", "kind": "support.no_diagnosis"})
    assert response.status_code == 200
    assert b"support.no_diagnosis:" in response.content
    row = ReminderSent.objects.get()
    assert client.get(reverse("admin:portal_remindersent_add")).status_code == 403
    delete = reverse("admin:portal_remindersent_delete", args=[row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:portal_remindersent_change", args=[row.pk])
    client.post(change, {"email": "x@example.org"})
    row.refresh_from_db()
    assert row.email == "animator.a@example.org"


def test_reminder_page_lists_essential_and_switches_optional_off(client, world):
    client.force_login(world.animator_a)
    response = client.get(reverse("reminder_settings"))
    content = response.content.decode()
    assert "Zawsze wysyłane" in content
    assert "Zaplanowane spotkanie partnerstwa za 2 dni" in content
    assert 'name="support__no_diagnosis"' in content
    assert 'name="support__planned_meeting"' not in content
    assert "events__event_soon" not in content  # not an animator's

    response = client.post(reverse("reminder_settings"), {"support__hour_budget": "on"})
    assert response.status_code == 302
    off = set(world.animator_a.reminder_opt_outs.values_list("kind", flat=True))
    assert off == {
        "support.no_diagnosis",
        "support.meeting_2_overdue",
        "support.no_agreed_plan",
        "clips.scoring_closes_soon",  # animators sit on clip committees
    }

    client.post(reverse("reminder_settings"), {"support__planned_meeting": ""})
    off = set(world.animator_a.reminder_opt_outs.values_list("kind", flat=True))
    assert "support.planned_meeting" not in off
    assert off == {
        "support.no_diagnosis",
        "support.meeting_2_overdue",
        "support.hour_budget",
        "support.no_agreed_plan",
        "clips.scoring_closes_soon",
    }


def test_switched_off_reminder_of_a_real_kind_is_not_sent(client, world):
    _due_no_diagnosis(world)
    client.force_login(world.animator_a)
    client.post(reverse("reminder_settings"), {})
    assert reminders.run("support.no_diagnosis").sent == 0
    assert mail.outbox == []


# --- the broker ----------------------------------------------------------------------------


def test_page_that_queues_work_answers_fast_with_broker_down_and_scan_sends_later(
    client, world, broker, settings, django_capture_on_commit_callbacks
):
    broker("redis://127.0.0.1:1/0", settings.REDIS_TRANSPORT_OPTIONS)  # a closed port
    SupportSessionFactory(partnership=world.partnership_a, kind=SessionKind.DIAGNOSIS)
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=600)
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, "zdalne"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "session-channel": "phone",
                "session-held_on": timezone.localdate().isoformat(),
                "session-duration_minutes": "120",
            },
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:2000]
    assert elapsed < 2
    assert world.partnership_a.support_sessions.count() == 3
    assert mail.outbox == []  # the queued check never reached a worker

    assert reminders.run("support.hour_budget").sent == 2  # the periodic scan
    assert sorted(m.to[0] for m in mail.outbox) == ["animator.a@example.org", "staff@example.org"]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_scan_through_a_real_celery_worker_over_redis_sends_once(world, broker):
    import os

    from celery.contrib.testing.worker import start_worker

    from support.tasks import no_diagnosis

    _due_no_diagnosis(world)
    broker(os.environ["REDIS_URL"])
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        no_diagnosis.delay()
        no_diagnosis.delay()  # a second beat, or the same message replayed
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (
            len(mail.outbox) < 1 or ReminderSent.objects.filter(sent_at=None).exists()
        ):
            time.sleep(0.1)
        time.sleep(1)  # let the second message be handled too
    assert [m.to for m in mail.outbox] == [["animator.a@example.org"]]
    assert mail.outbox[0].subject == "Brak diagnozy: Partnerstwo A"
    assert ReminderSent.objects.filter(sent_at__isnull=False).count() == 1


@pytest.mark.parametrize("n", [1, 3])
def test_all_scans_run_a_constant_number_of_queries(world, n, django_assert_num_queries):
    from tests.factories import PartnershipFactory, PlannedMeetingFactory

    for _ in range(n):
        partnership = PartnershipFactory(
            leader=world.leader_a,
            animator=world.animator_a,
            animator_assigned_on=timezone.localdate() - datetime.timedelta(days=40),
        )
        PlannedMeetingFactory(
            planned_by_session__partnership=partnership,
            planned_on=timezone.localdate() + datetime.timedelta(days=1),
        )
        SupportSessionFactory(partnership=partnership, duration_minutes=900)
    # 24, + 1: events.answer_missing (the unanswered places), + 2: the evaluation's scans.
    # Every kind's reminders fit in one batch here; each further batch of reminders.BATCH adds
    # one query (its lookup in the sent log), test_run_queries_are_constant_per_batch. The
    # staff digest's sections are one query each, their first rows and a window count.
    with django_assert_num_queries(27):
        results = reminders.run_all(dry_run=True)
    assert results["support.planned_meeting"].due == 2 * n
    assert results["support.hour_budget"].due == 2 * n
    assert results["partnerships.staff_digest"].due == 1
