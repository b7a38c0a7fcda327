"""How a message leaves: one sender per channel, each configured by its own setting (README,
"Settings"). A sender returns when the message was accepted and raises `SendFailed` otherwise;
the worker (tasks.py) records the attempt and tries again later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from .models import Channel

TIMEOUT_SECONDS = 10


class SendFailed(Exception):
    """The channel did not take the message; the text says why (shown to administrators)."""


def enabled() -> list[str]:
    """The channels the county has set up."""
    on = {
        Channel.EMAIL: bool(settings.ANJU_NOTIFY_EMAIL),
        Channel.SMS: bool(settings.ANJU_SMS_URL),
        Channel.WECOM: bool(settings.ANJU_WECOM_WEBHOOK),
        Channel.DINGTALK: bool(settings.ANJU_DINGTALK_WEBHOOK),
    }
    return [channel.value for channel, is_on in on.items() if is_on]


def configured() -> bool:
    return bool(enabled())


def post_json(url: str, body: dict, headers: dict | None = None) -> bytes:
    """POST `body` as JSON; the answer's body, or SendFailed for an HTTP error or no answer."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the county's own setting)
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return answer.read()
    except urllib.error.HTTPError as error:
        raise SendFailed(f"HTTP {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise SendFailed(str(getattr(error, "reason", error))[:200]) from error


def send_email(address: str, subject: str, text: str) -> None:
    if not address:
        raise SendFailed("no e-mail address")
    try:
        send_mail(subject, text, settings.ANJU_NOTIFY_EMAIL, [address])
    except OSError as error:
        raise SendFailed(str(error)[:200]) from error


def _fill(template, values: dict):
    """The gateway's body template with {phone} and {text} put in every string value, so the
    values are JSON-escaped however the template places them."""
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, values) for value in template]
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
    return template


def send_sms(phone: str, text: str) -> None:
    if not phone:
        raise SendFailed("no phone number")
    try:
        template = json.loads(settings.ANJU_SMS_BODY)
    except ValueError as error:
        raise SendFailed("ANJU_SMS_BODY is not JSON") from error
    headers = {"Authorization": settings.ANJU_SMS_AUTH} if settings.ANJU_SMS_AUTH else {}
    post_json(settings.ANJU_SMS_URL, _fill(template, {"phone": phone, "text": text}), headers)


def _robot_answer(raw: bytes) -> None:
    """Both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else is refused."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as error:
        raise SendFailed("the robot's answer is not JSON") from error
    if answer.get("errcode", 0) != 0:
        raise SendFailed(f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:150]}")


def send_wecom(text: str) -> None:
    """A WeCom group robot's text message (msgtype text)."""
    _robot_answer(post_json(settings.ANJU_WECOM_WEBHOOK, {"msgtype": "text", "text": {"content": text}}))


def dingtalk_signed(url: str, secret: str, now_ms: int | None = None) -> str:
    """A DingTalk robot with 加签: timestamp (ms) and sign = base64(HMAC-SHA256(secret,
    "timestamp\\nsecret")), URL-encoded, added to the webhook's query."""
    if not secret:
        return url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def send_dingtalk(text: str) -> None:
    url = dingtalk_signed(settings.ANJU_DINGTALK_WEBHOOK, settings.ANJU_DINGTALK_SECRET)
    _robot_answer(post_json(url, {"msgtype": "text", "text": {"content": text}}))
