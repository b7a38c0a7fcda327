from django.core.management.base import BaseCommand

from anju.accounts.tokens import create_token
from anju.core.commands import acting_user
from anju.core.scoping import SYSTEM


class Command(BaseCommand):
    help = "Make an API token for a device (printed once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--device", default="device", help="a name for the device, e.g. a phone's number")

    def handle(self, *args, **options):
        user = acting_user(options["username"], system_allowed=False)
        self.stdout.write(create_token(SYSTEM, user, options["device"]))
