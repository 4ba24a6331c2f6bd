"""Coopdesk settings.

One file, driven by environment variables. With nothing set, the embedded default
runs on a bare machine: SQLite, the in-memory channel layer, console e-mail, and the
production security settings: DEBUG is off unless set (`make run` sets DEBUG=true).
Every variable is listed in README.md.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env(name)
    return [item.strip() for item in raw.split(",") if item.strip()] if raw else default


SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "notifications",
    "coopdesk",
    "coopdesk.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "anymail",
    "helpdesk",
    "journeys",
    "kb",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "coopdesk.security.NoStoreMiddleware",
    "coopdesk.security.MethodMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "coopdesk.accounts.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "coopdesk.conflicts.ConflictMiddleware",
]

ROOT_URLCONF = "coopdesk.urls"
ASGI_APPLICATION = "coopdesk.asgi.application"
WSGI_APPLICATION = "coopdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Database: SQLite by default, DATABASE_URL (postgres://...) in production and CI.
# SQLite, whichever way it is named: the web process and the worker write to one file, so
# writers wait for each other (timeout), take the lock up front (IMMEDIATE, no deadlock on
# upgrade) and readers do not block them (WAL).
SQLITE_OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI every request would otherwise open its own connection: use psycopg 3's
        # pool (README, "Performance decisions").
        DATABASES["default"]["OPTIONS"] = {"pool": env_bool("DATABASE_POOL", True)}
        if env_bool("DATABASE_PREPARED_STATEMENTS", True):
            # Parameters sent apart from the SQL, and each query prepared after five uses on
            # a connection (psycopg's own default, which Django turns off for the sake of
            # transaction poolers): PostgreSQL then plans it once per connection instead of
            # on every page view (README, "Performance decisions"). Where one plan cannot
            # suit every value, see coopdesk.db.custom_plans. Behind PgBouncer in
            # transaction mode, set DATABASE_PREPARED_STATEMENTS=false.
            DATABASES["default"]["OPTIONS"] |= {
                "server_side_binding": True, "prepare_threshold": 5,
            }
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME") or None}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env("SQLITE_NAME", "db.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS | DATABASES["default"].get("OPTIONS", {})
    # The covering indexes (Index(include=...)) are a PostgreSQL optimisation: SQLite builds
    # them without their INCLUDE columns, which serves it as well, so its warning that it
    # ignores them (models.W040) says nothing to act on.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Channels: in-memory layer by default (tests, make run), Redis with REDIS_URL.
REDIS_URL = env("REDIS_URL")


def redis_layer(url: str, *, socket_timeout: float) -> dict:
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 caps its pool at 100 connections and times sockets out after 5 s,
            # racing channels-redis' 5 s blocking read (see DESIGN.md).
            "hosts": [{"address": url, "max_connections": 2000,
                       "socket_timeout": socket_timeout,
                       "socket_connect_timeout": min(socket_timeout, 3)}],
            "capacity": 1500,
            "expiry": 30,
        },
    }


if REDIS_URL:
    CHANNEL_LAYERS = {
        # The consumers' blocking read needs a timeout longer than its own 5 s.
        "default": redis_layer(REDIS_URL, socket_timeout=30),
        # The push after a commit runs inside the request (coopdesk/notify/push.py): a Redis
        # that hangs must not hold every state change for 30 s. Same Redis, same keys: what
        # it sends reaches the consumers of "default".
        "push": redis_layer(REDIS_URL, socket_timeout=1),
    }
else:
    # No "push" alias: a second in-memory layer would be a separate, unheard memory.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Accounts (django-allauth): login by e-mail, reset and change of password, verification of
# the addresses people sign up with, TOTP two-factor, active sessions. See README "Accounts".
ACCOUNT_ADAPTER = "coopdesk.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    name: f"coopdesk.accounts.forms.{form}" for name, form in [
        ("login", "LoginForm"), ("change_password", "ChangePasswordForm"),
        ("reset_password", "ResetPasswordForm"),
        ("reset_password_from_key", "ResetPasswordKeyForm"),
        ("reauthenticate", "ReauthenticateForm"),
    ]
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
# One login address per account; a new one replaces it once verified.
ACCOUNT_CHANGE_EMAIL = True
# Only the public sign-up records an unverified address (coopdesk/accounts/addresses.py).
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Once her address is verified, a prospect logs in and lands on her path.
ACCOUNT_EMAIL_CONFIRMATION_ANONYMOUS_REDIRECT_URL = "journeys:journey-mine"
# The reset and the sign-up answer the same way whether an address has an account or not.
ACCOUNT_PREVENT_ENUMERATION = True
# No link or code sent by e-mail logs anyone in or confirms who they are (it would skip
# two-factor).
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Coopdesk – "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Counted in the cache (so across workers: Redis in production). Failed logins are counted
# per address and client, and 30 wrong passwords leave the right one refused for a while.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Coopdesk"
# Agents, leads, advisors and admins set up TOTP at their first login (README "Two-factor").
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)
# Sessions are recorded at login; not touched on every request (a write per page).
USERSESSIONS_TRACK_ACTIVITY = False
# Behind reverse proxies, the client address for rate limits is the one the nearest
# TRUSTED_PROXY_COUNT proxies appended to X-Forwarded-For; with 0 (the default) the header is
# ignored and the address is the connection's. TRUSTED_CLIENT_IP_HEADER names a header set by
# a trusted proxy instead (e.g. X-Real-IP). See README "Trusted proxies".
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER") or None

# The cache holds rate-limit counters: shared by every worker through Redis in production.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A database of its own is best (README): clearing the cache there cannot empty
            # the channel layer's groups, and every open socket with them.
            "LOCATION": env("REDIS_CACHE_URL") or REDIS_URL,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")
USE_I18N = True
# English dates as the cooperative reads them (coopdesk/formats/en/formats.py).
FORMAT_MODULE_PATH = ["coopdesk.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = None  # attachments are served only through permission-checked views

# Attachments: size and type limits.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_FILES = env_int("ATTACHMENT_MAX_FILES", 20)  # per message: 200 MB at most
ATTACHMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# E-mail: console by default; EMAIL_HOST set means SMTP.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Coopdesk <coopdesk@localhost>")
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # A mail server that stops answering must not hold a worker's batch past its lease.
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    # One line per message, so that the demo logins printed by `make run` stay on screen;
    # EMAIL_CONSOLE_BODIES=true prints whole messages, as Django's console backend does.
    EMAIL_BACKEND = "coopdesk.mail.ConsoleEmailBackend"
    EMAIL_CONSOLE_BODIES = env_bool("EMAIL_CONSOLE_BODIES", False)
# Any backend by its dotted path (a provider's API, or the test suite's recording one).
EMAIL_BACKEND = env("EMAIL_BACKEND", EMAIL_BACKEND)

# Answering by e-mail (helpdesk/inbound.py, README "Answering by e-mail"). REPLY_DOMAIN set:
# e-mails about a request carry a reply address reply+<token>@REPLY_DOMAIN per reader.
REPLY_DOMAIN = env("REPLY_DOMAIN").lower()
INBOUND_MAX_BYTES = env_int("INBOUND_MAX_BYTES", 25 * 1024 * 1024)
INBOUND_MAX_PER_HOUR = env_int("INBOUND_MAX_PER_HOUR", 30)  # per sender address
# The authserv-id of the mail server or provider the cooperative trusts to check SPF, DKIM
# and DMARC (the first word of the Authentication-Results header it adds). Set: a new
# request (team address), or the answer to an unknown sender, needs its verdict.
INBOUND_TRUSTED_AUTHSERV_ID = env("INBOUND_TRUSTED_AUTHSERV_ID").strip().lower()
# At most this many "unknown sender" answers a day, all senders together (backscatter).
INBOUND_UNKNOWN_ANSWERS_PER_DAY = env_int("INBOUND_UNKNOWN_ANSWERS_PER_DAY", 200)
# An e-mail service provider's inbound webhook (anymail's name: mailgun, postmark, sendgrid,
# brevo, amazon_ses...) at /email/entrant/; its secrets go in ANYMAIL_* variables.
INBOUND_ESP = env("INBOUND_ESP").lower()
# Every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"], e.g. ANYMAIL_WEBHOOK_SECRET
# ("user:password", the basic authentication most providers use) or
# ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}
# A mailbox read by the worker: IMAP_HOST set turns the job on.
IMAP_HOST = env("IMAP_HOST")
IMAP_PORT = env_int("IMAP_PORT", 993)
IMAP_SSL = env_bool("IMAP_SSL", True)
IMAP_USER = env("IMAP_USER")
IMAP_PASSWORD = env("IMAP_PASSWORD")
IMAP_FOLDER = env("IMAP_FOLDER", "INBOX")
IMAP_DONE_FOLDER = env("IMAP_DONE_FOLDER", "Coopdesk-done")
IMAP_REFUSED_FOLDER = env("IMAP_REFUSED_FOLDER", "Coopdesk-refused")
IMAP_POLL_SECONDS = env_int("IMAP_POLL_SECONDS", 60)

# Helpdesk rules.
TICKET_AUTO_CLOSE_DAYS = env_int("TICKET_AUTO_CLOSE_DAYS", 7)
# A request waiting for the member's answer: she is reminded after this many days, and it
# closes by itself after that many (helpdesk.actions.remind_waiting, close_unanswered).
TICKET_WAITING_REMIND_DAYS = env_int("TICKET_WAITING_REMIND_DAYS", 7)
TICKET_WAITING_CLOSE_DAYS = env_int("TICKET_WAITING_CLOSE_DAYS", 14)

# django-notifications-community
DJANGO_NOTIFICATIONS_CONFIG = {"USE_JSONFIELD": True, "SOFT_DELETE": False}
# The library's model is swappable; naming it lets our outbox point a foreign key at it.
NOTIFICATIONS_NOTIFICATION_MODEL = "notifications.Notification"

# Notifications by e-mail: the daily summary goes out from this hour (local time), and
# links in e-mails start with SITE_URL.
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
# How long a worker holds the e-mails it claimed. A worker that dies keeps them that long,
# then another one sends them; a worker sends only within the first half of its lease.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)

# Security. With DEBUG off, HTTPS only: redirect, HSTS and secure cookies, each of which
# can be relaxed by its variable (e.g. behind a proxy that redirects to HTTPS itself).
# README.md, "Security".
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is hard to undo (browsers ship the list): a choice left to whoever runs
    # the domain, so `check --deploy` reports it (security.W021).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
# Trusting X-Forwarded-Proto is only safe behind a proxy that always sets it; otherwise
# anyone could claim HTTPS. The header's name, e.g. X-Forwarded-Proto; empty: no proxy.
_proxy_ssl_header = env("SECURE_PROXY_SSL_HEADER")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

# Content-Security-Policy (django-csp), in DEBUG too so that the browser tests prove the
# pages work under it: our own scripts, styles, images and fonts only; nothing inline. The
# live updates' websocket is named with its scheme, as 'self' covers ws:/wss: only in
# recent browsers.
_site = urlsplit(SITE_URL)
_websocket = f"{'wss' if _site.scheme == 'https' else 'ws'}://{_site.netloc}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: images cannot run code nor reach a third party; django-allauth shows the
        # two-factor set-up's QR code as one.
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", _websocket],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
# CSP_REPORT_ONLY=true: browsers report breaches (to CSP_REPORT_URI, if set) but block nothing.
if env("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env("CSP_REPORT_URI")]
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY
    CONTENT_SECURITY_POLICY = None
# A form refused by the CSRF check, in the site's words and look.
CSRF_FAILURE_VIEW = "coopdesk.security.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal": {"()": "coopdesk.log_filters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["refusal"]},  # a 403 on one line, no traceback
    },
}

# Static files are served by WhiteNoise, from the finders while developing.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
