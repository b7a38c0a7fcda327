from django.core.management.base import BaseCommand, CommandError

from anju.accounts.models import User
from anju.accounts.tokens import create_token
from anju.core.scoping import SYSTEM


class Command(BaseCommand):
    help = "Make an API token for a device (printed once; only its hash is kept)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--device", default="device", help="a name for the device, e.g. a phone's number")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active account {options['username']}")
        self.stdout.write(create_token(SYSTEM, user, options["device"]))
