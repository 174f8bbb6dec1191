from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Development tooling: the data sets and ``make bench``. It sits above every app (it
    generates their data and measures their pages) and nothing imports it."""

    name = "bench"
    verbose_name = "Bench"
