import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.models import User


class Command(BaseCommand):
    help = "Create a coach account (prompts for the password unless --password is given)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", help="The password (otherwise you are asked).")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, email, password, first_name, last_name, **options):
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not a valid email address.") from error
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"An account with the email {email} already exists.")
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("A password is required.")
        coach = User.objects.create_coach(
            email, password, first_name=first_name, last_name=last_name
        )
        self.stdout.write(self.style.SUCCESS(f"Coach {coach.email} created."))
