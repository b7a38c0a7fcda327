from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from anju.audit.grants import ROLE_NAME, site_grants


class Command(BaseCommand):
    help = "Print the GRANT statements for the database role the site and workers run as (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the site's role, e.g. anju_site")
        parser.add_argument(
            "--apply",
            action="store_true",
            help="run them too, as the role this command connects as (the owner)",
        )

    def handle(self, *args, **options):
        role = options["role"]
        if connection.vendor != "postgresql":
            raise CommandError(
                _("Database roles are a PostgreSQL feature; SQLite has none (and no TRUNCATE to refuse).")
            )
        if not ROLE_NAME.match(role):
            raise CommandError(
                _("Not a role name (a lower-case letter, then letters, digits, underscores): %(role)s")
                % {"role": role}
            )
        statements = site_grants(role)
        self.stdout.write(
            "-- "
            + _(
                "Grants for %(role)s, from the installed models: run them as the owner after every "
                "anju migrate. PostgreSQL 14 and older also let every role create tables in schema "
                "public; there, also run REVOKE CREATE ON SCHEMA public FROM PUBLIC (as its owner)."
            )
            % {"role": role}
        )
        for statement in statements:
            self.stdout.write(statement)
        if options["apply"]:
            with transaction.atomic(), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            self.stdout.write("-- " + _("Applied."))
