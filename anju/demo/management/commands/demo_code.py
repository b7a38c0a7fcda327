import pyotp
from django.core.management.base import BaseCommand

from anju.demo.seeding import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo's administrators, centre operators and auditors."

    def handle(self, *args, **options):
        self.stdout.write(pyotp.TOTP(DEMO_TOTP_SECRET).now())
