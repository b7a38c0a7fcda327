"""The Open311 door: the keys its clients hold, and what each request posted through it brought
that the event itself does not keep (the client's token, the reporter's e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.events.choices import Channel
from anju.events.models import Event


class ApiKey(models.Model):
    """A client's key: shown once when made, stored as its SHA-256. Its reports enter as `account`
    (who must hold a role that reports events where they arise) on `channel`."""

    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.RESIDENT)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reports as"),
        help_text=_("The account the requests are entered as; its role decides where they may be reported."),
    )
    prefix = models.CharField(_("key begins"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    posts_per_minute = models.PositiveSmallIntegerField(_("requests per minute"), default=30)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    # The rate limit's current minute and how many requests it has seen.
    window_start = models.DateTimeField(null=True, blank=True, editable=False)
    window_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceRequest(models.Model):
    """An event that came through Open311: the token the client may ask about, the key it came
    with, and the reporter's e-mail (personal: never in an answer)."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="open311")
    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=32, unique=True)
    email = models.EmailField(blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return self.token
