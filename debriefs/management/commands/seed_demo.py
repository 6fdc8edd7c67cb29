from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, seed_invitation, seed_users
from contacts.demo import seed_contacts
from debriefs.demo import seed_coaching, seed_meetings, seed_package


class Command(BaseCommand):
    help = "Create the demo accounts and their data (idempotent: running it twice changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app seeds its own data, from the bottom up: accounts, contacts, debriefs.
        users = seed_users()
        seed_invitation(users["coach"])
        seed_contacts(users["client"])
        seed_meetings(users["client"])
        seed_package(users["client"])
        seed_coaching(users["coach"], users["client"], users["second"])
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for label, user in users.items():
            self.stdout.write(f"  {label:<8} {user.email}")
