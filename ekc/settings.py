"""EKC settings: one module, driven by the environment (django-environ).

Every variable is documented in README.md ("Configuration"). Outside DEBUG the
secrets have no default and every security setting starts production-safe.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-ekc-development-only-key")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    # No defaults: a production start without them must fail loudly.
    try:
        SECRET_KEY = env.str("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            f"{exc}. With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be set (see README.md)."
        ) from exc
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty; with DEBUG off it must name the hosts.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    # ekc before auditlog and axes: its commands and admin take precedence
    # (auditlogflush is refused in production; login records cannot be deleted).
    "ekc",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "django_tasks_db",
    "axes",
    # The second factor (ekc/second_factor.py): a TOTP app and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "referrals",
    "coordinators",
    "conferences",
    "plans",
    "research",
    # Retention, destruction and the family's rights over every app's data.
    "privacy",
    # On top: gathers every app (root URLs, home pages, interchange, demo data).
    "shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ekc.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ekc.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A role that needs a second factor reaches nothing else before giving it.
    "ekc.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # auditlog's own middleware, with the client address from ekc/request_origin.py.
    "ekc.middleware.AuditlogMiddleware",
    "ekc.middleware.NoStoreForPersonalDataMiddleware",
    # Must be last: it turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# With DEBUG on, Django answers an unknown address with its technical page that lists
# every URL pattern; the demo shows the Dutch 404 page unless a developer asks for it.
DEBUG_TECHNICAL_404 = env.bool("DEBUG_TECHNICAL_404", default=False)
if DEBUG and not DEBUG_TECHNICAL_404:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "ekc.middleware.PlainNotFoundMiddleware"
    )

# N+1 detection (django-zeal, a test tool): the test suite switches it on, so a
# related object loaded lazily inside a loop fails the test that reaches it.
if env.bool("DETECT_N_PLUS_ONE", default=False):
    INSTALLED_APPS.append("zeal")
    # First, so each request is checked on its own, session and user loading included.
    MIDDLEWARE.insert(0, "zeal.middleware.zeal_middleware")
    ZEAL_RAISE = True
    ZEAL_ALLOWLIST = [
        # The test client loads the session once per request and per login.
        {"model": "sessions.Session"},
        # A single .get() is an explicit lookup, not a lazy load: services lock
        # their one row with it, and a test calls several services in a row.
        # Lookups repeated in a loop show in the query counts pinned per page.
        {"model": "*", "field": "get()"},
    ]

ROOT_URLCONF = "shell.urls"
WSGI_APPLICATION = "ekc.wsgi.application"
ASGI_APPLICATION = "ekc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shell.context_processors.navigation",
            ],
            # Numbers, amounts and dates in the active language on every page
            # (|number, |percent, |amount, |day, |moment; see ekc/formatting.py).
            "builtins": ["ekc.templatetags.formatting"],
        },
    },
]

# Widgets render through the project's templates too (templates/ekc/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: embedded SQLite by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work during a write; IMMEDIATE takes the write lock at the
    # start of a transaction so concurrent writers queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

# A read replica for research queries (README: "Scaling out"); see ekc/db_routers.py.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"].setdefault("CONN_HEALTH_CHECKS", True)
    # Tests use the primary's test database for it.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["ekc.db_routers.ResearchReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Users log in by email.
AUTH_USER_MODEL = "ekc.User"
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failed logins (django-axes, database handler so that
# parallel requests cannot slip past the limit). ekc/lockout.py explains the counts.
AXES_HANDLER = "ekc.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=AXES_FAILURE_LIMIT)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=50)
if min(AXES_FAILURE_LIMIT, AXES_ACCOUNT_FAILURE_LIMIT, AXES_ADDRESS_FAILURE_LIMIT) < 1:
    raise ImproperlyConfigured("The AXES_*_FAILURE_LIMIT settings must be 1 or more.")
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# The parameters axes records and clears; the handler counts them with their limits.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "ekc.lockout.axes_username"
AXES_CLIENT_IP_CALLABLE = "ekc.request_origin.axes_client_address"
# Failed logins are kept as a login history beside the successful ones (read-only
# in the management site), up to 1,000 per account.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# The second factor (ekc/second_factor.py): the roles that must have one, as a comma
# list of role codes (administrator, researcher, regional_manager, coordinator,
# referrer, liaison), or "all" for everyone.
_MFA_ROLES = env.str("MFA_REQUIRED_ROLES", default="administrator,researcher,regional_manager")
if _MFA_ROLES.strip().lower() == "all":
    MFA_REQUIRED_ROLES = "all"
else:
    MFA_REQUIRED_ROLES = frozenset(r.strip() for r in _MFA_ROLES.split(",") if r.strip())
    _KNOWN_ROLES = {
        "administrator",
        "researcher",
        "regional_manager",
        "coordinator",
        "referrer",
        "liaison",
    }
    if MFA_REQUIRED_ROLES - _KNOWN_ROLES:
        raise ImproperlyConfigured(
            f"MFA_REQUIRED_ROLES names unknown roles: {sorted(MFA_REQUIRED_ROLES - _KNOWN_ROLES)}."
        )
# The access log and case-level exports ask for the code again after this long.
SECOND_FACTOR_STEP_UP_MINUTES = env.int("SECOND_FACTOR_STEP_UP_MINUTES", default=15)
# Wrong codes count towards the login lockout above (django-axes); django-otp's own
# growing delay between tries is off, so one rule holds for passwords and codes.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_TOTP_ISSUER = "EKC"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Codes typed at the second step are never kept in the failed-login records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Sessions: an idle timeout, renewed on every request.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Transport security: production-safe unless DEBUG. The documented deployment
# runs behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=not DEBUG)
if BEHIND_TLS_PROXY:
    # The proxy sets X-Forwarded-Proto and X-Forwarded-For; the app server must
    # only be reachable through it (see README, "Production").
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of our own stand before the app, each appending its peer to
# X-Forwarded-For (ekc/request_origin.py); 0 ignores the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_TLS_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (Django's own middleware): no inline script without a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Internationalisation: Dutch by default, English selectable.
# Cache: per process by default; with several app servers, a shared one (e.g.
# CACHE_URL=rediscache://127.0.0.1:6379/1, or dbcache://ekc_cache after createcachetable).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Background tasks (Django 6's tasks framework): the database backend and its worker
# (`manage.py db_worker`, started by `make run`; its own process in production).
# The Jeugdwet keeps a youth-care file 20 years after its last change; then
# `manage.py retention --apply` destroys it (privacy/), unless a legal hold stops it.
RETENTION_YEARS = env.int("RETENTION_YEARS", default=20)

# Where users report accessibility problems (the accessibility statement names it).
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")
# Who is responsible for the personal data in EKC (the controller, AVG) and where people
# send their requests (access, correction, destruction): named in the privacy statement
# (/privacyverklaring/). The defaults are plainly examples; set both for real use.
PRIVACY_CONTROLLER_NAME = env.str("PRIVACY_CONTROLLER_NAME", default="Voorbeeldorganisatie EKC")
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@ekc.example")
# The research dashboard recomputes a selection's figures at most this often.
DASHBOARD_REFRESH_MINUTES = env.int("DASHBOARD_REFRESH_MINUTES", default=5)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_TZ = True

# Static files: vendored assets under static/, served by whitenoise.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded case files (scans of plans): never served as static files; only through
# views that check who may see the case. Keep it outside any web root.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
# The destruction register as a file (JSON Lines): a restore of an older backup
# destroys again what it lists. So it lives outside the database and the private
# media, which are both in every backup.
DESTRUCTION_REGISTER_FILE = Path(
    env.path("DESTRUCTION_REGISTER_FILE", default=BASE_DIR / "var" / "destruction-register.jsonl")
)
if DESTRUCTION_REGISTER_FILE.resolve().is_relative_to(Path(PRIVATE_MEDIA_ROOT).resolve()):
    raise ImproperlyConfigured(
        "DESTRUCTION_REGISTER_FILE must be outside PRIVATE_MEDIA_ROOT: a backup holds that "
        "folder, and an older backup would bring back an older register."
    )
# The largest scan of a written plan that can be uploaded.
PLAN_SCAN_MAX_BYTES = env.int("PLAN_SCAN_MAX_BYTES", default=10 * 1024 * 1024)
# A scan that is a PDF has at most this many pages; one that is a photo at most this
# many pixels (Pillow itself refuses images of more than about 89 million pixels).
PLAN_SCAN_MAX_PAGES = env.int("PLAN_SCAN_MAX_PAGES", default=50)
PLAN_SCAN_MAX_PIXELS = env.int("PLAN_SCAN_MAX_PIXELS", default=40_000_000)
if PLAN_SCAN_MAX_PAGES < 1 or not 1 <= PLAN_SCAN_MAX_PIXELS <= 89_000_000:
    raise ImproperlyConfigured(
        "PLAN_SCAN_MAX_PAGES must be 1 or more, PLAN_SCAN_MAX_PIXELS from 1 to 89000000."
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Case files (scans of plans): outside the web root, served only through views
    # that check who may see the case.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# Email: console in DEBUG, else SMTP through EMAIL_URL (smtp+tls://user:pass@host:587),
# translated into Django 6.1's MAILERS.
# Production defaults to the machine's own mail relay; development prints mail.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=20),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {key: value for key, value in _email_options.items() if value not in (None, "")}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
# The key of the pseudonyms in research exports (a keyed hash of each reference).
# Keep it apart from the data; changing it changes every pseudonym. By default it is
# derived from SECRET_KEY.
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default="") or f"ekc-pseudonym:{SECRET_KEY}"

# Satisfaction surveys: how long a personal link works, and when the one reminder goes.
SURVEY_VALID_DAYS = env.int("SURVEY_VALID_DAYS", default=30)
SURVEY_REMINDER_DAYS = env.int("SURVEY_REMINDER_DAYS", default=10)

# The family portal (portal/): a family member's access ends this many days after
# the case is closed; a session there lasts at most FAMILY_SESSION_MINUTES, and
# FAMILY_CODE_ATTEMPTS wrong codes lock the access.
FAMILY_ACCESS_DAYS_AFTER_CLOSE = env.int("FAMILY_ACCESS_DAYS_AFTER_CLOSE", default=365)
FAMILY_SESSION_MINUTES = env.int("FAMILY_SESSION_MINUTES", default=30)
FAMILY_CODE_ATTEMPTS = 5

# The address users reach EKC at, for links in email (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EKC <noreply@ekc.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Audit (django-auditlog): JSON diffs, sensitive fields masked.
AUDITLOG_STORE_JSON_CHANGES = True
# Masked fields (mask_fields= at registration: safety notes, contact details) are
# hidden entirely; see ekc/audit.py.
AUDITLOG_MASK_CALLABLE = "ekc.audit.redact"
AUDITLOG_DISABLE_ON_RAW_SAVE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Failed logins are expected noise in tests and locked-out users are in the database.
        "axes": {"level": "WARNING"},
        # WeasyPrint and fontTools narrate every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
