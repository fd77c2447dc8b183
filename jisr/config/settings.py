"""Django settings for Jisr. Everything environment-dependent comes from `jisr.config.env`."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.contrib.messages import constants as message_constants
from django.utils.translation import gettext_lazy as _

from jisr.config import env

# Lets generic Django classes be subscripted at run time (ModelAdmin[Model]) for the type checker.
django_stubs_ext.monkeypatch()

CONFIG = env.load(os.environ)
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = CONFIG.data_dir

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
EMBEDDED_DATABASE = CONFIG.embedded

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "jisr.core",
    "jisr.accounts",
    "jisr.geo",
    "jisr.registry",
    "jisr.programmes",
    "jisr.payments",
    "jisr.workforce",
    "jisr.partners",
    "jisr.casework",
    "jisr.dci",
    "jisr.web",
]

MIDDLEWARE = [
    "jisr.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "jisr.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jisr.web.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jisr.web.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "jisr.config.urls"
WSGI_APPLICATION = "jisr.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jisr.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded demo database: WAL lets gunicorn workers read while another writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "jisr.accounts.backends.LockoutModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Pages show messages as Bootstrap alerts (`alert-<tag>`): Bootstrap calls an error "danger".
MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# Lockout: this many failed logins within the window lock the account for the lock period.
JISR_LOCKOUT_THRESHOLD = 5
JISR_LOCKOUT_WINDOW_SECONDS = 15 * 60
JISR_LOCKOUT_SECONDS = 15 * 60

# The account payment orders are drawn on (docs/payments.md).
JISR_PAYMENT_DEBTOR = CONFIG.payment_debtor
# Case notes are encrypted at rest with these (docs/casework.md); never in the repository.
JISR_CASE_NOTES_KEYS = CONFIG.case_notes_keys

# DCI interoperability (docs/dci.md), read through jisr.dci.conf.
JISR_DCI_RECEIVER_ID = CONFIG.dci.receiver_id
JISR_DCI_MAX_PAGE_SIZE = CONFIG.dci.max_page_size
JISR_DCI_MAX_BATCH = CONFIG.dci.max_batch
JISR_DCI_CALLBACK_TIMEOUT = CONFIG.dci.callback_timeout
JISR_DCI_SIGNATURE_MAX_AGE = CONFIG.dci.signature_max_age
JISR_DCI_SIGNING_KEY_PEM = CONFIG.dci.signing_key_pem
JISR_DCI_SIGNING_KEY_ID = CONFIG.dci.signing_key_id

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Africa/Casablanca"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Sessions: short idle timeout, closed with the browser, never readable from JavaScript.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not CONFIG.insecure_http
CSRF_COOKIE_SECURE = not CONFIG.insecure_http
LANGUAGE_COOKIE_SECURE = not CONFIG.insecure_http
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not CONFIG.insecure_http:
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything is served from our own origin: vendored assets, no inline script, no framing.
JISR_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
}
