import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import reminders


class Command(BaseCommand):
    help = (
        "Run every reminder scan now and send what is due (each reminder once). "
        "--dry-run lists what would be sent and claims nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List, claim and send nothing.")
        parser.add_argument(
            "--stats", action="store_true", help="Print JSON: counts per kind, time, queries."
        )
        parser.add_argument("--kind", action="append", help="Only this kind (repeatable).")

    def handle(self, *args, dry_run=False, stats=False, kind=None, **options):
        registry = reminders.registered()
        kinds = sorted(kind or registry)
        unknown = [k for k in kinds if k not in registry]
        if unknown:
            raise CommandError(
                f"Unknown reminder kind: {', '.join(unknown)}. Known: {', '.join(sorted(registry))}"
            )
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            results = {k: reminders.run(k, dry_run=dry_run) for k in kinds}
        seconds = time.perf_counter() - started
        if stats:
            self.stdout.write(
                json.dumps(
                    {
                        "dry_run": dry_run,
                        "seconds": round(seconds, 3),
                        "queries": len(queries),
                        "due": sum(r.due for r in results.values()),
                        "sent": sum(r.sent for r in results.values()),
                        "kinds": {k: r.as_dict() for k, r in results.items()},
                    },
                    indent=2,
                )
            )
            return
        for k, result in results.items():
            if dry_run:
                self.stdout.write(f"{k}: {result.due} would be sent")
                for line in result.listed:
                    self.stdout.write(f"  {line}")
            else:
                self.stdout.write(
                    f"{k}: {result.sent} sent, {result.failed} failed, "
                    f"{result.opted_out} switched off"
                )
