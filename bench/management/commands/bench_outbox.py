"""Measure the outbox: queue 1,000 e-mails (render and store, as services do) and send them to a
local SMTP sink (aiosmtpd, in a thread of this process), as the worker does. Prints JSON, for
``make bench``. The bench's messages are deleted afterwards."""

import json
import socket
import threading
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from portal import mail, outbox
from portal.models import OutboxMessage

TEMPLATE = "password_reset"  # short, like most of the portal's mail


class _Sink:
    def __init__(self):
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Command(BaseCommand):
    help = "Queue N e-mails and send them to a local SMTP sink; print JSON."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)

    def handle(self, *args, count=1000, **options):
        # aiosmtpd is a dev dependency, imported only when the bench runs.
        from aiosmtpd.controller import Controller  # noqa: PLC0415 -- dev dependency

        sink = _Sink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            report = self._measure(count, port, sink)
        finally:
            controller.stop()
        self.stdout.write(json.dumps(report, indent=2))

    def _measure(self, count: int, port: int, sink: _Sink) -> dict:
        OutboxMessage.objects.filter(template=TEMPLATE, to__startswith="bench-").delete()
        started = time.perf_counter()
        with transaction.atomic(), mail.batch() as queued:  # the worker is not asked: timed here
            for n in range(count):
                mail.queue_templated_mail(
                    TEMPLATE,
                    to=f"bench-{n}@example.org",
                    context={"url": f"http://127.0.0.1:8000/konto/haslo/reset/{n}/"},
                )
        queue_seconds = time.perf_counter() - started
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
        }
        with override_settings(**smtp), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = outbox.deliver(queued.ids)
            send_seconds = time.perf_counter() - started
        OutboxMessage.objects.filter(pk__in=queued.ids).delete()
        return {
            "messages": count,
            "queue_seconds": round(queue_seconds, 2),
            "send_seconds": round(send_seconds, 2),
            "sent": result.sent,
            "received_by_sink": sink.count,
            "per_second": round(result.sent / send_seconds, 1) if send_seconds else None,
            "queries": len(queries),
            "batch_size": outbox.BATCH_SIZE,
        }
