import time

from django.core.management.base import BaseCommand
from django.db import connection

from bench import dataset


class Command(BaseCommand):
    help = (
        "Generate data set L of docs/design.md, or XL (ten times L), reproducible from --seed, "
        "unless it is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--size", choices=sorted(dataset.SIZES), default="L")
        parser.add_argument("--force", action="store_true", help="generate even if present")

    def handle(self, *args, seed, size, force, **options):
        if dataset.exists(dataset.SIZES[size]) and not force:
            self.stdout.write(f"Data set {size} is already in the database.")
            return
        started = time.perf_counter()
        counts = dataset.generate(seed=seed, size=dataset.SIZES[size])
        self.stdout.write(
            f"Data set {size} generated on {connection.vendor} "
            f"in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
