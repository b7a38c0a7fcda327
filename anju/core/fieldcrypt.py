"""Fields encrypted at rest with keys kept outside the database (ANJU_FIELD_KEYS or
ANJU_FIELD_KEY_FILE): a database dump, a backup or a raw SELECT shows only Fernet tokens.

Fernet (AES-128-CBC with an HMAC-SHA256, from PyCA's `cryptography`) authenticates every value, so
a token changed in the database fails to decrypt rather than reading as something else. The keys
form a MultiFernet: the first encrypts, every one decrypts, so a new key is put first and
`anju rotate-field-key` re-encrypts the rows under it before the old key is dropped."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class MissingFieldKeys(ImproperlyConfigured):
    pass


def configured_keys() -> list[str]:
    """The keys as configured, first one first; [] when none is."""
    keys = list(getattr(settings, "ANJU_FIELD_KEYS", []) or [])
    path = getattr(settings, "ANJU_FIELD_KEY_FILE", "")
    if not keys and path:
        try:
            text = Path(path).read_text()
        except OSError as error:
            raise MissingFieldKeys(f"ANJU_FIELD_KEY_FILE {path}: {error.strerror}") from None
        keys = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return keys


def development_key() -> str:
    """A key derived from the secret key, for a developer's machine (DEBUG) only."""
    return base64.urlsafe_b64encode(
        hashlib.sha256(b"anju-field-key:" + settings.SECRET_KEY.encode()).digest()
    ).decode()


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise MissingFieldKeys(f"ANJU_FIELD_KEYS holds a key that is not a Fernet key: {error}") from None


def keys() -> tuple[str, ...]:
    found = configured_keys()
    if not found:
        if not settings.DEBUG:
            raise MissingFieldKeys(
                "No key for encrypted fields: set ANJU_FIELD_KEYS (or ANJU_FIELD_KEY_FILE); "
                "make one with `anju rotate-field-key --new-key`."
            )
        found = [development_key()]
    return tuple(found)


def fernet() -> MultiFernet:
    return _fernet(keys())


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise ImproperlyConfigured(
            "An encrypted field cannot be decrypted with the configured keys (ANJU_FIELD_KEYS): "
            "a key was dropped before `anju rotate-field-key` ran, or the value was changed."
        ) from None


def under_first_key(token: str) -> bool:
    """Is this token encrypted under the first key already (nothing for a rotation to do)?"""
    try:
        Fernet(keys()[0]).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class EncryptedTextField(models.TextField):
    """Text that is stored as a Fernet token and read back as text. An empty value stays empty (an
    anonymous tip has no informant); it cannot be searched or ordered by, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Only "is it empty" makes sense on a ciphertext; anything else would compare a token.
        if lookup_name not in {"isnull", "exact"}:
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields() -> list[tuple[type, list[str]]]:
    """Every model with encrypted fields, and their names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


@checks.register(checks.Tags.security, deploy=False)
def check_field_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        found = configured_keys()
        if found:
            _fernet(tuple(found))
    except MissingFieldKeys as error:
        return [checks.Error(str(error), id="anju.E020")]
    if not found and not settings.DEBUG and not getattr(settings, "ANJU_CODE_ONLY_COMMAND", False):
        return [
            checks.Error(
                "No key for encrypted fields (informants of tips): set ANJU_FIELD_KEYS or "
                "ANJU_FIELD_KEY_FILE, kept outside the database.",
                hint="Make one with `anju rotate-field-key --new-key`.",
                id="anju.E020",
            )
        ]
    return []
