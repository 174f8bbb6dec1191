import importlib
import importlib.util

from django.core.management.base import BaseCommand
from django.db import transaction

from partnerships.demo import ACCOUNTS, DEMO_PASSWORD
from partnerships.services import PROJECT_APPS


class Command(BaseCommand):
    help = "Load the demo data (idempotent): one account per role and a few partnerships."

    @transaction.atomic
    def handle(self, *args, **options):
        from partnerships import demo

        users = demo.load()
        # Other apps add their demo data in their own demo.py, with load(users).
        for app in PROJECT_APPS[1:]:
            if importlib.util.find_spec(f"{app}.demo") is not None:
                importlib.import_module(f"{app}.demo").load(users)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo logins (password: {DEMO_PASSWORD}):")
        )
        for _key, email, _first, _last, role in ACCOUNTS:
            self.stdout.write(f"  {role.label:<20} {email}")
