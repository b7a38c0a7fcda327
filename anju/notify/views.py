"""A person's own notification settings: which channels reach them."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anju.audit.actions import record
from anju.core.personal import mask_phone
from anju.core.views import signed_in

from . import channels
from .models import PERSONAL, Channel, Mute


@signed_in
def mine(request):
    """GET shows each channel: whether the county set it up, where it reaches this person, and a
    box to keep it on; POST saves the boxes (an audit row when something changed)."""
    user = request.user
    muted = set(Mute.objects.filter(user=user).values_list("channel", flat=True))
    if request.method == "POST":
        wanted_off = {c.value for c in PERSONAL if request.POST.get(c.value) != "on"}
        if wanted_off != muted:
            with transaction.atomic():
                Mute.objects.filter(user=user).exclude(channel__in=wanted_off).delete()
                for channel in wanted_off - muted:
                    Mute.objects.get_or_create(user=user, channel=channel)
                record(
                    user,
                    "notify.mute",
                    user,
                    before={"muted": sorted(muted)},
                    after={"muted": sorted(wanted_off)},
                )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notify:mine")
    on = set(channels.enabled())
    rows = []
    for channel in PERSONAL:
        address = user.email if channel == Channel.EMAIL else mask_phone(user.phone)
        rows.append(
            {
                "channel": channel.value,
                "label": channel.label,
                "configured": channel.value in on,
                "address": address,
                "muted": channel.value in muted,
            }
        )
    robots = [c.label for c in (Channel.WECOM, Channel.DINGTALK) if c.value in on]
    return render(request, "notify/mine.html", {"rows": rows, "robots": robots})
