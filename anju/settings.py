"""The one settings module. Every deployment knob is an ANJU_* environment variable, read through
typed helpers that stop the start with a message naming the variable when a value does not parse."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value.strip()


def env_str(name: str, default: str) -> str:
    return _raw(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use true/false, yes/no, on/off or 1/0.")


def env_int(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ImproperlyConfigured(f"{name}={value!r} must be at least {minimum}{upper}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_tile_template(name: str) -> str:
    """An XYZ tile address: http(s), a host (whose first label may be {s}) and {z}, {x} and {y}."""
    template = _raw(name) or ""
    if not template:
        return ""
    parts = urlparse(template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImproperlyConfigured(f"{name}={template!r} is not an http(s) address.")
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in template]
    if missing:
        raise ImproperlyConfigured(
            f"{name}={template!r} lacks {', '.join(missing)} (…/{{z}}/{{x}}/{{y}}.png)."
        )
    if "{" in parts.netloc and not (parts.netloc.startswith("{s}.") and "{" not in parts.netloc[4:]):
        raise ImproperlyConfigured(f"{name}={template!r}: only the host's first label may be {{s}}.")
    return template


def database_from_url(name: str, url: str) -> dict:
    """sqlite:///relative/or//absolute/path and postgres://user:password@host:port/dbname."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("/"):
            path = path[1:]
        if not path:
            raise ImproperlyConfigured(f"{name}={url!r} names no SQLite file (sqlite:///var/anju.sqlite3).")
        # sqlite:////abs/path keeps its leading slash after the one stripped above.
        file = Path(path) if Path(path).is_absolute() else Path.cwd() / path
        file.parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            "OPTIONS": {
                # WAL lets the web process read while the worker writes; IMMEDIATE avoids
                # "database is locked" upgrades mid-transaction; case-sensitive LIKE lets SQLite use
                # the code index for subtree (prefix) queries.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA case_sensitive_like=ON;"
                    " PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        if not parsed.path.strip("/"):
            raise ImproperlyConfigured(f"{name}={url!r} names no database (postgres://user@host:5432/anju).")
        try:
            port = parsed.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={url!r} has a port that is not a number.") from None
        options: dict[str, object] = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # Server-side binding for every query is off unless asked for (`?server_side_binding=on`):
        # a query bound on the server may carry at most 65,535 parameters, which Django 5.2 does not
        # split for (a cascade delete or a prefetch over 100,000 cases failed).
        options["server_side_binding"] = _switch(name, options, "server_side_binding", "off")
        # The busiest paths' fixed statements are prepared (`anju.core.rows.cursor`) unless
        # `?prepared=off`, for a pooler that cannot keep prepared statements (PgBouncer before 1.21
        # in transaction mode). Django leaves psycopg's preparing off unless a threshold is given.
        options["prepare_threshold"] = 2 if _switch(name, options, "prepared", "on") else None
        options.pop("prepared", None)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.strip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"{name}={url!r}: only sqlite:///path and postgres://user:password@host:port/name are supported."
    )


def _switch(name: str, options: dict, option: str, default: str) -> bool:
    value = str(options.get(option, default)).lower()
    if value not in {"on", "off", "true", "false", "1", "0", "yes", "no"}:
        raise ImproperlyConfigured(f"{name}: {option}={value!r} is not on or off.")
    return value in {"on", "true", "1", "yes"}


VAR_DIR = Path(env_str("ANJU_VAR_DIR", str(Path.cwd() / "var"))).resolve()
DEBUG = env_bool("ANJU_DEBUG", False)


# Management commands a developer runs on a fresh clone that read and write the code and never sign
# anything (sessions, tokens, links): they need no key, whether started as `anju makemigrations`,
# `django-admin makemigrations` or `python -m django makemigrations`.
CODE_ONLY_COMMANDS = frozenset(
    {"makemigrations", "makemessages", "compilemessages", "showmigrations", "sqlmigrate", "workflow_graph"}
)


def _running_code_only_command() -> bool:
    """A command that reads only the code: it needs no secret key. So is asking for help, with
    `anju` alone, `anju --help` or any command's `--help`, before anything is set up."""
    arguments = sys.argv[1:]
    if "-h" in arguments or "--help" in arguments:
        return True
    words = [arg for arg in arguments if not arg.startswith("-")]
    # `anju` alone prints the help (also started as `python -m anju.cli`).
    if not words and Path(sys.argv[0]).name in {"anju", "cli.py"}:
        return True
    return bool(words) and (words[0] == "help" or words[0].replace("-", "_") in CODE_ONLY_COMMANDS)


def _secret_key() -> str:
    key = _raw("ANJU_SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("ANJU_SECRET_KEY is shorter than 32 characters.")
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    if _running_code_only_command():
        return secrets.token_urlsafe(50)
    if not DEBUG:
        raise ImproperlyConfigured(
            "ANJU_SECRET_KEY is not set and DEBUG is off: set ANJU_SECRET_KEY, or run `anju demo` once,"
            f" which generates one into {key_file}."
        )
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ANJU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("ANJU_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": database_from_url(
        "ANJU_DATABASE_URL",
        env_str("ANJU_DATABASE_URL", f"sqlite:///{VAR_DIR / 'anju.sqlite3'}"),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "anju.core",
    "anju.regions",
    "anju.accounts",
    "anju.audit",
    "anju.worktime",
    "anju.notify",
    "anju.workflow",
    "anju.disputes",
    "anju.tips",
    "anju.tasks",
    "anju.events",
    "anju.open311",
    "anju.reports",
    "anju.site",
    "anju.demo",
    "anju.core.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "anju.core.middleware.RequestContextMiddleware",
    "anju.core.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "anju.core.inputs.ControlCharacterMiddleware",
    "anju.core.middleware.ApiErrorBodyMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anju.accounts.middleware.IdleTimeoutMiddleware",
    "anju.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "anju.urls"
WSGI_APPLICATION = "anju.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anju.site.context_processors.platform",
                "anju.site.shell.shell",
            ],
        },
    },
]

# Every form is drawn by the site's templates: two columns, required marks, errors beside fields.
FORM_RENDERER = "anju.site.forms.SiteFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["anju.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("ANJU_PASSWORD_MIN_LENGTH", 10, minimum=8, maximum=128)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "anju.accounts.passwords.CharacterClassValidator"},
]

# Lockout and idle timeout: 等保 level 3 asks for both; the numbers are local policy.
ANJU_LOCKOUT_ATTEMPTS = env_int("ANJU_LOCKOUT_ATTEMPTS", 5, minimum=1, maximum=100)
ANJU_LOCKOUT_MINUTES = env_int("ANJU_LOCKOUT_MINUTES", 15, minimum=1, maximum=24 * 60)
ANJU_SESSION_IDLE_MINUTES = env_int("ANJU_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
# Office hours for deadlines counted in working hours (grid events): comma-separated periods.
ANJU_WORKING_HOURS = env_str("ANJU_WORKING_HOURS", "08:30-12:00,14:00-17:30")
ANJU_TRUST_X_FORWARDED_FOR = env_bool("ANJU_TRUST_X_FORWARDED_FOR", False)
# A device token works this many days from when it is made; a lost phone stops working by itself.
ANJU_TOKEN_DAYS = env_int("ANJU_TOKEN_DAYS", 180, minimum=1, maximum=3650)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ANJU_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind HTTPS, browsers are told to use nothing else for this long (Strict-Transport-Security);
# 0 sends no header, the right value while the site is still reached over plain HTTP.
SECURE_HSTS_SECONDS = env_int("ANJU_HSTS_SECONDS", 0, minimum=0, maximum=2 * 365 * 24 * 3600)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("ANJU_TIME_ZONE", "Asia/Shanghai")
# The county's name in every page's header (e.g. 安居县); without it the header shows the platform's.
ANJU_COUNTY_NAME = env_str("ANJU_COUNTY_NAME", "")
# The map's base layer (docs/ui.md, "The map"): the county's own tile server as an XYZ template
# (https://tiles.example.cn/{z}/{x}/{y}.png, {s} allowed as the host's first label), or else 天地图
# with the key the county applied for. With neither, boundaries and points are drawn on a plain
# background. The Content-Security-Policy admits images from the configured tile host only.
ANJU_MAP_TILES = env_tile_template("ANJU_MAP_TILES")
ANJU_MAP_ATTRIBUTION = env_str("ANJU_MAP_ATTRIBUTION", "")
ANJU_MAP_SUBDOMAINS = env_str("ANJU_MAP_SUBDOMAINS", "abc")
ANJU_TIANDITU_KEY = env_str("ANJU_TIANDITU_KEY", "")
if ANJU_TIANDITU_KEY and not ANJU_TIANDITU_KEY.isalnum():
    raise ImproperlyConfigured("ANJU_TIANDITU_KEY is not a 天地图 key (letters and digits only).")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

MEDIA_ROOT = VAR_DIR / "media"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Duplicate searches at registration compare parties' phones and ID numbers with the cases on file:
# each can confirm whose a number is, so a person may make only so many an hour (issue 11).
ANJU_DUPLICATE_SEARCHES_PER_HOUR = env_int("ANJU_DUPLICATE_SEARCHES_PER_HOUR", 60, minimum=1, maximum=10_000)
# Grid events: a report of the same minor class this close, this recent, is shown as a possible
# duplicate before saving, with the choice to join it (issue 12).
ANJU_EVENT_DUPLICATE_METRES = env_int("ANJU_EVENT_DUPLICATE_METRES", 200, minimum=1, maximum=100_000)
ANJU_EVENT_DUPLICATE_DAYS = env_int("ANJU_EVENT_DUPLICATE_DAYS", 7, minimum=1, maximum=365)
ANJU_ATTACHMENT_MAX_BYTES = env_int("ANJU_ATTACHMENT_MAX_MB", 10, minimum=1, maximum=100) * 1024 * 1024
ANJU_IMPORT_MAX_BYTES = env_int("ANJU_IMPORT_MAX_MB", 50, minimum=1, maximum=1024) * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notifications (anju.notify): each channel is off until its setting is made (README, "Settings").
# Links in messages start with the site's address as people reach it.
ANJU_SITE_URL = env_str("ANJU_SITE_URL", "").rstrip("/")
# E-mail through Django's mail: the sender's address turns it on; the SMTP server below.
ANJU_NOTIFY_EMAIL = env_str("ANJU_NOTIFY_EMAIL", "")
DEFAULT_FROM_EMAIL = ANJU_NOTIFY_EMAIL or "webmaster@localhost"
EMAIL_HOST = env_str("ANJU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ANJU_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("ANJU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ANJU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ANJU_EMAIL_TLS", False)
# An SMS gateway: the URL it takes a JSON POST at, the body with {phone} and {text} where they go,
# and the Authorization header's value.
ANJU_SMS_URL = env_str("ANJU_SMS_URL", "")
ANJU_SMS_BODY = env_str("ANJU_SMS_BODY", '{"phone": "{phone}", "text": "{text}"}')
ANJU_SMS_AUTH = env_str("ANJU_SMS_AUTH", "")
# Group robots: a WeCom (企业微信) robot's webhook; a DingTalk robot's webhook and, when the robot
# signs, its secret.
ANJU_WECOM_WEBHOOK = env_str("ANJU_WECOM_WEBHOOK", "")
ANJU_DINGTALK_WEBHOOK = env_str("ANJU_DINGTALK_WEBHOOK", "")
ANJU_DINGTALK_SECRET = env_str("ANJU_DINGTALK_SECRET", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Each 4xx is one line without a traceback (anju/core/logs.py): on the logger for the record
    # every handler sees, and on the handler for django.security's children (a refused Host).
    "filters": {"refusals": {"()": "anju.core.logs.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "loggers": {"django.request": {"filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("ANJU_LOG_LEVEL", "WARNING")},
}

# Keys for fields encrypted at rest (a tip's informant and reported subject): Fernet keys, comma
# separated, the first encrypting and every one decrypting (add the new key first, then run
# `anju rotate-field-key`, then drop the old one). Or ANJU_FIELD_KEY_FILE: a file with one key per
# line. Kept outside the database, so a dump alone does not reveal what they protect. With neither
# set, the system check anju.E020 stops the site unless DEBUG is on (development keys are derived
# from the secret key then, and said to be unfit for production).
ANJU_FIELD_KEYS = env_list("ANJU_FIELD_KEYS", [])
ANJU_FIELD_KEY_FILE = env_str("ANJU_FIELD_KEY_FILE", "")
# A command that reads only the code (makemigrations on a fresh clone) needs no field key either.
ANJU_CODE_ONLY_COMMAND = _running_code_only_command()
