from django.core.management.base import BaseCommand
from django.db import transaction

from portal import hooks
from portal.demo import DEMO_PASSWORD
from portal.enums import Role
from portal.roles import user_roles


class Command(BaseCommand):
    help = "Load the demo data (idempotent): one account per role and a few partnerships."

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app registers its loader from its hooks.py, in the order of INSTALLED_APPS:
        # partnerships fills ``users`` with the demo accounts, the others build on them.
        users: dict = {}
        for load in hooks.demo_loaders():
            load(users)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Demo logins (password: {DEMO_PASSWORD}):")
        )
        for user in users.values():
            roles = ", ".join(str(Role(role).label) for role in sorted(user_roles(user)))
            self.stdout.write(f"  {roles:<20} {user.email}")
