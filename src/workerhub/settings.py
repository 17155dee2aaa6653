"""WorkerHub settings: one module, the environment decides.

WORKERHUB_ENV selects the mode: ``development`` (default: SQLite, DEBUG, generated dev keys),
``test`` (used by pytest) or ``production`` (every secret from the environment; refuses to start
without them). See docs/deployment.md for the full list of variables.
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("WORKERHUB_VAR_DIR", REPO_DIR / "var"))

ENV = os.environ.get("WORKERHUB_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"WORKERHUB_ENV must be development, test or production, not {ENV!r}")
PRODUCTION = ENV == "production"


def _dev_certificate_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def _dev_secrets() -> dict:
    """Keys for development and tests: generated once into var/ (missing ones added), never used in production."""
    from cryptography.fernet import Fernet

    makers = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "WORKERHUB_FIELD_KEYS": lambda: Fernet.generate_key().decode(),
        "WORKERHUB_LOOKUP_KEY": lambda: secrets.token_urlsafe(32),
        "WORKERHUB_CERT_SIGNING_KEY": _dev_certificate_key,
    }
    path = VAR_DIR / "dev-secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: make() for name, make in makers.items() if name not in values}
    if missing:
        values.update(missing)
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))
        path.chmod(0o600)
    return values


def _secret(name: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in the environment when WORKERHUB_ENV=production")
    return _dev_secrets()[name]


SECRET_KEY = _secret("SECRET_KEY")
# Fernet keys for personal data at rest, newest first (comma-separated): rotation = prepend a key, re-save.
FIELD_KEYS = [k.strip() for k in _secret("WORKERHUB_FIELD_KEYS").split(",") if k.strip()]
# HMAC key for the look-up hashes of ID numbers and phones; separate from SECRET_KEY on purpose.
LOOKUP_KEY = _secret("WORKERHUB_LOOKUP_KEY").encode()
# Ed25519 private key (PKCS#8 PEM) that signs certificate QR tokens; its public half is published at
# /api/v1/certificates/public-key (docs/skills.md: generating, rotating and verifying offline).
CERT_SIGNING_KEY = _secret("WORKERHUB_CERT_SIGNING_KEY")
# Public verification requests per client IP and minute (SPEC §3.6: rate-limited per client).
CERT_VERIFY_RATE = int(os.environ.get("WORKERHUB_VERIFY_RATE", "30"))
# The address printed in certificate QR codes and PDFs (the public verification page lives under it).
PUBLIC_URL = os.environ.get("WORKERHUB_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

DEBUG = ENV == "development" and os.environ.get("WORKERHUB_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "django_tasks_db",
    "workerhub.core",
    "workerhub.housing",
    "workerhub.stations",
    "workerhub.skills",
    "workerhub.talent",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "workerhub.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "workerhub.core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workerhub.urls"
WSGI_APPLICATION = "workerhub.wsgi.application"
AUTH_USER_MODEL = "core.User"

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
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "workerhub.core.context.navigation",
            ],
            "builtins": ["workerhub.core.templatetags.workerhub"],
        },
    }
]

# --- Database: SQLite (embedded default, WAL) or DATABASE_URL (PostgreSQL in production) ---
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DATABASE_URL must be set when WORKERHUB_ENV=production")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("WORKERHUB_SQLITE", VAR_DIR / "workerhub.sqlite3"),
            "OPTIONS": {
                # WAL lets readers work while the task worker writes; IMMEDIATE avoids lock upgrades.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: refuses locked-out clients
    "workerhub.core.auth.UsernameOrMobileBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENV == "test":
    # Tests create many users; a slow hash there buys nothing.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = int(os.environ.get("WORKERHUB_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("WORKERHUB_PROXY_COUNT", "0")) or None
AXES_ENABLED = os.environ.get("WORKERHUB_AXES", "1") == "1"

# --- i18n: zh-Hans first, English second ---
LANGUAGE_CODE = "zh-hans"
# ISO dates first in input formats, so that <input type="date"> fields show their value (formats/zh_Hans).
FORMAT_MODULE_PATH = ["workerhub.formats"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: npm packages copied into static/vendor at setup, served by WhiteNoise ---
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("WORKERHUB_STATIC_ROOT", REPO_DIR / "staticfiles"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION  # development and tests serve straight from STATICFILES_DIRS
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION or os.environ.get("WORKERHUB_MANIFEST") == "1"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Cache: per-process memory (dashboard aggregates, large list counts); tests cache nothing unless
# WORKERHUB_CACHE=locmem (the benchmarks measure with the cache a server would have) ---
_CACHE = os.environ.get("WORKERHUB_CACHE", "dummy" if ENV == "test" else "locmem")
CACHES = {"default": {"BACKEND": {"dummy": "django.core.cache.backends.dummy.DummyCache",
                                  "locmem": "django.core.cache.backends.locmem.LocMemCache"}[_CACHE]}}
# Request counters of core/ratelimit.py, per process even in tests (with N workers the limit is per worker).
CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
if os.environ.get("WORKERHUB_RATELIMIT_REDIS"):  # one count shared by every worker (needs `pip install redis`)
    CACHES["ratelimit"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                           "LOCATION": os.environ["WORKERHUB_RATELIMIT_REDIS"]}

# --- Background tasks (imports, certificate issue, interest settlement) ---
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if ENV == "test"
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- Security ---
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Map tiles (stations finder): GaoDe by default, see stations/conf.py; WORKERHUB_TILE_HOSTS replaces the list.
    "img-src": [CSP.SELF, "data:", *os.environ.get("WORKERHUB_TILE_HOSTS", "https://*.is.autonavi.com").split()],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("WORKERHUB_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("WORKERHUB_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WORKERHUB_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200
WORKERHUB = {
    "PAGE_SIZE": 50,
    "IMPORT_BATCH": 2000,
    "SITE_NAME": _("职工之家 WorkerHub"),
}
