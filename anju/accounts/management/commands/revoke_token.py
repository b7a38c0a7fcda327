from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from anju.accounts.models import ApiToken
from anju.accounts.tokens import revoke_token
from anju.core.scoping import SYSTEM


class Command(BaseCommand):
    help = "Revoke a device's API token, by its number or by account and device name (for a lost phone)."

    def add_arguments(self, parser):
        parser.add_argument(
            "token_id", nargs="?", type=int, help="the token's number, as the Staff devices page shows"
        )
        parser.add_argument("--user", help="the account the device signs in as")
        parser.add_argument("--device", help="the device's name, as given to create-token")

    def handle(self, *args, **options):
        token = self._find(options["token_id"], options["user"], options["device"])
        if revoke_token(SYSTEM, token):
            self.stdout.write(
                _("Revoked the token of %(device)s (%(user)s, number %(id)d).")
                % {"device": token.name, "user": token.user.username, "id": token.pk}
            )
        else:
            self.stdout.write(
                _("The token of %(device)s (%(user)s, number %(id)d) was already revoked.")
                % {"device": token.name, "user": token.user.username, "id": token.pk}
            )

    def _find(self, token_id: int | None, username: str | None, device: str | None) -> ApiToken:
        if token_id is not None:
            if username or device:
                raise CommandError(
                    _("Name the token either by its number or by --user and --device, not both.")
                )
            token = ApiToken.objects.select_related("user").filter(pk=token_id).first()
            if token is None:
                raise CommandError(_("No device token has the number %(id)d.") % {"id": token_id})
            return token
        if not (username and device):
            raise CommandError(_("Name the token by its number, or by --user USERNAME and --device NAME."))
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No account is named %(name)s.") % {"name": username})
        named = list(user.api_tokens.filter(name=device.strip()).select_related("user"))
        if not named:
            raise CommandError(
                _("%(user)s has no device named %(device)s.") % {"user": username, "device": device}
            )
        # Revoked or expired tokens with the same name are left as they are; the one in use is meant.
        usable = [token for token in named if token.is_usable]
        if len(usable) > 1:
            raise CommandError(
                _(
                    "%(user)s has %(count)d devices named %(device)s in use (numbers %(ids)s); "
                    "name one by its number."
                )
                % {
                    "user": username,
                    "count": len(usable),
                    "device": device,
                    "ids": ", ".join(str(token.pk) for token in usable),
                }
            )
        return (usable or named)[0]
