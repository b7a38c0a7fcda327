from django.conf import settings

from anju.accounts.choices import Perm
from anju.core.scoping import has_perm_anywhere


def platform(request):
    user = getattr(request, "user", None)
    can = {}
    if user is not None and user.is_authenticated:
        can = {p.name.lower(): has_perm_anywhere(user, p.value) for p in Perm}
    return {"LANGUAGES": settings.LANGUAGES, "can": can}
