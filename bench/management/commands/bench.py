import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from bench import dataset
from bench import measure as bench


class Command(BaseCommand):
    help = (
        "Measure docs/design.md's targets on data set L (and with --size XL on XL too, in a "
        "database of its own, side by side); print a table and write var/bench.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(dataset.SIZES), default="L")
        parser.add_argument(
            "--small-counts",
            action="store_true",
            help="(internal) print the query counts of every page on a 10-partnership data set",
        )
        parser.add_argument(
            "--measure-size",
            choices=sorted(dataset.SIZES),
            help="(internal) measure this data set in this database and print JSON",
        )

    def handle(self, *args, size, small_counts, measure_size, **options):
        if small_counts:
            if not dataset.exists(dataset.SMALL):
                dataset.generate(size=dataset.SMALL)
            self.stdout.write(json.dumps(bench.small_counts()))
            return
        if measure_size:
            self.stdout.write(json.dumps(bench.measure_size(measure_size)))
            return
        report = bench.run(size)
        out = Path(settings.BASE_DIR) / "var" / "bench.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        self.stdout.write(bench.format_report(report))
        self.stdout.write(f"\nSaved to {out}")
