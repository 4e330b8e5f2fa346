"""Settings shared by every environment; each value comes from the environment (.env.example)."""

from __future__ import annotations

import json
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Applications --------------------------------------------------------------------------
# Our apps come first so that their templates override Wagtail's and allauth's.
INSTALLED_APPS = [
    "core",
    "accounts",
    "network",
    "onboarding",
    "reports",
    "cms",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.sitemaps",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Text responses compressed when the client accepts gzip (cached public pages are stored
    # compressed and skip this); see docs/operations.md for the proxy's part.
    "core.middleware.CompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, except that only public pages take their language from the URL.
    "cms.middleware.LocaleMiddleware",
    # Oversized bodies are refused from their declared length, before anything reads them.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Responses to signed-in users are never stored by browsers or caches (no-store).
    "core.middleware.PrivateResponsesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.CspNonceMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, so that a cached public page still goes through every middleware above.
    "cms.caching.PageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.site_chrome",
            ],
        },
    },
]
# Widgets render through the same template engine, so our overrides of Wagtail's widget
# templates (which add the CSP nonce to their inline scripts) take effect.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database, cache, tasks -------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server read while the other writes; IMMEDIATE takes the
    # write lock at the start of a transaction (no deadlock between two upgrading readers); a writer
    # waits up to `timeout` seconds (SQLite's busy timeout) for another's write to finish. The
    # worker also retries on "database is locked" (core/management/commands/db_worker.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = env_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            # Django's Redis backend, reusing one client per connection pool (core/cache.py).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hotline"),
        }
    }
else:
    # Shared between processes (web servers and workers) without extra services.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "core_cache",
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "hotline"),
        }
    }
# Which file holds an image at a given size (Wagtail's renditions), kept in each process: Wagtail reads
# and writes the entry each time a page shows an image, two round trips to the shared cache. A
# rendition's key names its image's file hash and focal point, so a replaced image is never shown stale.
CACHES["renditions"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "wagtail-renditions",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task that could run but has waited longer than this means the worker is stopped: the admin and
# /healthz say so (core/task_health.py).
TASKS_STALE_AFTER_MINUTES = env_int("TASKS_STALE_AFTER_MINUTES", 5)

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.RoleModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "accounts.adapter.InviteOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Hotline network] "
# An address is changed by verifying the new one (it replaces the old only once confirmed), and the
# user is told by email whenever their password or address changes.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# The client's address (rate limits, the record of a user's sessions) as allauth reads it. Off by
# default: REMOTE_ADDR. Behind the reverse proxy every request comes from the proxy's address, so set
# TRUSTED_PROXY_COUNT to the number of proxies you run (the client is that many entries from the
# right of X-Forwarded-For, which the client cannot forge past them), or TRUSTED_CLIENT_IP_HEADER to
# a header your proxy sets and overwrites (e.g. X-Real-IP). Never both, never more than you run.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env_str("TRUSTED_CLIENT_IP_HEADER") or None
# Failed logins: at most 5 per account every 5 minutes and 10 a minute from one address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("ACCOUNT_LOGIN_FAILED_RATE", "10/m/ip,5/300s/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    # The public report verification page (reports.donor.views.verify): checks per client address.
    "donors_verify": env_str("DONORS_VERIFY_RATE", "10/m/ip,60/h/ip"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Hotline network toolkit")
MFA_RECOVERY_CODE_COUNT = 10

# Staff must have set up MFA before they reach /admin/ (on in production, off for the local demo).
ACCOUNTS_REQUIRE_STAFF_MFA = env_bool("ACCOUNTS_REQUIRE_STAFF_MFA", False)
# How long an invitation link stays valid.
ACCOUNTS_INVITATION_DAYS = env_int("ACCOUNTS_INVITATION_DAYS", 14)
# Models a non-staff user may be affiliated to (the scope of what they see).
ACCOUNTS_AFFILIATION_TARGETS = ["network.Organisation", "reports.Donor"]

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
# Staff are signed out after this long without a request (seconds).
ACCOUNTS_STAFF_IDLE_TIMEOUT = env_int("ACCOUNTS_STAFF_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One way to show a date in every language (config/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files, media and private files ------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js, served from the plotly package itself (never a CDN).
    "cms.staticfinders.PlotlyFinder",
]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Documents about organisations (evidence, minutes, agreements, report PDFs) live here, outside
# MEDIA_ROOT, and are only ever served by views that check access.
PRIVATE_ROOT = Path(env_str("DJANGO_PRIVATE_ROOT", str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Largest accepted upload of an office document, in bytes.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Largest request body of any kind (an upload plus its form), refused with 413 before it is read
# (core.middleware.RequestSizeLimitMiddleware); set the proxy's limit to the same value.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", UPLOAD_MAX_BYTES + 1024 * 1024)
# Largest body without files (forms, JSON) Django keeps in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

# --- Email -----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hotline network <no-reply@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Every email goes through the outbox (core.mail): the default mailer records it, the task worker
# delivers it through "delivery" and retries when the mail server fails.
MAILERS = {
    "default": {"BACKEND": "core.mail.OutboxBackend"},
    "delivery": {
        "BACKEND": env_str("EMAIL_BACKEND_PATH", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    },
}

# --- Security headers (hardened further in production) ------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # No inline scripts: ours and Wagtail's inline widget scripts carry a per-request nonce.
    "script-src": [CSP.SELF, CSP.NONCE],
    # Wagtail's admin sets style attributes from its scripts.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- Wagtail -----------------------------------------------------------------------------------
# Public pages in English (at /), French (/fr/) and Spanish (/es/): one page tree per locale.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Hotline network")
# The association's legal name: the beneficiary and author of donor reports.
ASSOCIATION_NAME = env_str("ASSOCIATION_NAME", "International Association of Internet Hotlines")
# The association's logo (a static file path): the admin's sidebar, sign-in and error pages, and its favicon.
ASSOCIATION_LOGO = env_str("ASSOCIATION_LOGO", "cms/favicon.svg")
# Quality-assurance review cycle, in months: a full member's next review after its last one (or after
# becoming a full member); a provisional member's next review after its last one, and a member's first
# review after joining (QA_FIRST_REVIEW_MONTHS) when none is on record.
QA_REVIEW_CYCLE_MONTHS = env_int("QA_REVIEW_CYCLE_MONTHS", 36)
# Donor reports: a period's spending that differs from its plan by more than this share (per cent)
# needs a written justification; the publishable summary's length limit (characters).
DONOR_REPORT_VARIANCE_THRESHOLD = env_int("DONOR_REPORT_VARIANCE_THRESHOLD", 15)
DONOR_REPORT_SUMMARY_MAX_CHARS = env_int("DONOR_REPORT_SUMMARY_MAX_CHARS", 2000)
# Reminders (`manage.py send_reminders`, core/reminders.py): per kind of dated obligation, the days
# before its date, whether on the day, and the days after it that a reminder goes out (each moment
# once; docs/operations.md lists the kinds). DJANGO_REMINDER_OFFSETS (JSON, same shape) overrides
# some kinds, e.g. {"checklist_item": {"before": [14, 3], "at": true, "after": [1]}}.
REMINDER_OFFSETS: dict[str, dict] = {
    "action_item": {"before": [7], "at": True, "after": [1]},
    "agreement_expiry": {"before": [90, 30], "at": True, "after": []},
    "on_hold_review": {"before": [], "at": True, "after": [14]},
    "evidence_expiry": {"before": [30, 7], "at": True, "after": []},
    "corrective_action": {"before": [14], "at": True, "after": [1, 14]},
    "checklist_item": {"before": [7], "at": True, "after": [1, 7]},
    "statistics_return": {"before": [30], "at": True, "after": [1, 30]},
    "certificate_expiry": {"before": [90, 30], "at": True, "after": []},
    "grant_deadline": {"before": [14], "at": True, "after": [1]},
    "renewal_pack": {"before": [30, 7], "at": True, "after": [1, 14]},
    "qa_review": {"before": [60, 14], "at": True, "after": [1, 30]},
    "self_assessment": {"before": [14, 3], "at": True, "after": [1, 7]},
}
REMINDER_OFFSETS.update(json.loads(env_str("DJANGO_REMINDER_OFFSETS", "{}")))
# A member's statistics return for a calendar year is due on this day (month, day) of the next year.
STATISTICS_RETURN_DUE_MONTH = env_int("STATISTICS_RETURN_DUE_MONTH", 3)
STATISTICS_RETURN_DUE_DAY = env_int("STATISTICS_RETURN_DUE_DAY", 31)
QA_FIRST_REVIEW_MONTHS = env_int("QA_FIRST_REVIEW_MONTHS", 12)
# The membership decision: the outcomes ("admit", "reject") the General Assembly must adopt after the
# Board decided (the statutes say; none by default: the Board's decision takes effect), and the days a
# candidate has to appeal once the decision letter is sent.
GENERAL_ASSEMBLY_ADOPTS = tuple(
    part.strip() for part in env_str("GENERAL_ASSEMBLY_ADOPTS", "").split(",") if part.strip()
)
DECISION_APPEAL_DAYS = env_int("DECISION_APPEAL_DAYS", 30)
# The member cycle (onboarding.models.membership). Annual renewal: a member's pack for a year is due on
# this month-day of the year ("MM-DD"; a year's packs can be opened only until then), then has this many
# days of grace before it lapses; a lapsed pack
# warns the member and staff, and this many days after the warning (still incomplete) staff get a
# proposal to suspend (never an automatic suspension). A passed quality-assurance review earns a
# certificate valid this many months (default: the review cycle). Their reminders' moments are the
# "renewal_pack" and "qa_review" entries of REMINDER_OFFSETS.
RENEWAL_DUE_MONTH_DAY = env_str("RENEWAL_DUE_MONTH_DAY", "03-31")
RENEWAL_GRACE_DAYS = env_int("RENEWAL_GRACE_DAYS", 30)
RENEWAL_PROPOSAL_AFTER_WARNING_DAYS = env_int("RENEWAL_PROPOSAL_AFTER_WARNING_DAYS", 14)
QA_CERTIFICATE_VALIDITY_MONTHS = env_int("QA_CERTIFICATE_VALIDITY_MONTHS", 36)
# A member's self-assessment before a quality-assurance review is due, by default, this many days before
# the review starts (staff may choose another date when they ask for it); reminded at the
# "self_assessment" entry of REMINDER_OFFSETS.
QA_SELF_ASSESSMENT_DAYS_BEFORE = env_int("QA_SELF_ASSESSMENT_DAYS_BEFORE", 30)
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
# The admin's date choosers write ISO dates; typed dates are read by core.forms (core/dates.py).
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# The admin's account page changes neither the email address nor the password: both go through
# allauth (verification of the new address, rate limits, notification), linked from that page.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAIL_USAGE_COUNT_ENABLED = False
# No third-party avatar service: it would leak staff email hashes and break the CSP.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- Benchmarks ------------------------------------------------------------------------------
# Serve /_bench/bare (an empty view behind the whole middleware stack) as the load benchmark's
# ceiling. Never on in a deployment.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW", False)
# Let a request with the header `X-Bench-Cache: miss` skip the public page cache's lookup (the page
# is rendered and stored as on any miss), so the load benchmark can measure uncached pages. Never on
# in a deployment: it would let anyone make every page cost a render.
BENCH_PAGE_CACHE_MISS = env_bool("BENCH_PAGE_CACHE_MISS", False)

# --- Logging -----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}
