import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import reminders


class Command(BaseCommand):
    help = (
        "Run every reminder scan now and send what is due (each reminder once). "
        "--dry-run lists what would be sent (a line per reminder, led by its kind, then the "
        "kind's count) and claims nothing."
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
            results = {k: self._run(k, dry_run=dry_run, listing=not stats) for k in kinds}
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
        if not dry_run:
            for k, result in results.items():
                self.stdout.write(
                    f"{k}: {result.sent} sent, {result.failed} failed, "
                    f"{result.opted_out} switched off"
                )

    def _run(self, kind: str, *, dry_run: bool, listing: bool) -> reminders.Result:
        """A dry run prints each reminder as the scan finds it (tens of thousands at data set
        XL, so none is kept), each line led by its kind, then the kind's count."""
        if not (dry_run and listing):
            return reminders.run(kind, dry_run=dry_run)
        result = reminders.run(
            kind, dry_run=True, listing=lambda line: self.stdout.write(f"{kind}  {line}")
        )
        self.stdout.write(f"{kind}: {result.due} would be sent")
        return result
