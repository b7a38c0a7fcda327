from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from anju.accounts.tokens import create_token
from anju.core.commands import acting_user
from anju.core.scoping import SYSTEM


class Command(BaseCommand):
    help = "Make an API token for a device (printed once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--device", default="device", help="a name for the device, e.g. a phone's number")
        parser.add_argument(
            "--code",
            default="",
            help="a current code from the person's authenticator app (or a recovery code): required for "
            "administrators, centre operators and auditors, whose sign-in needs a second factor",
        )

    def handle(self, *args, **options):
        user = acting_user(options["username"], system_allowed=False)
        try:
            token = create_token(SYSTEM, user, options["device"], second_factor_code=options["code"])
        except PermissionDenied as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(token)
