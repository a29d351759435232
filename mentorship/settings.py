"""Django settings, read from the environment (12-factor).

With nothing set the service runs on an embedded default: DEBUG on, a SQLite file and a Celery
broker on the local filesystem, so web, worker and beat need no server. `DATABASE_URL` switches to
PostgreSQL and `REDIS_URL` to Redis (Celery broker and cache). `DJANGO_ENV=production` turns on the
hardened settings and refuses to start without a real `DJANGO_SECRET_KEY` and `ALLOWED_HOSTS`.
Every variable is listed in README.md.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from mentorship.matching.components import (
    COMPONENTS,
    DEFAULT_MIN_SCORE,
    DEFAULT_TIE_BAND,
    DEFAULT_WEIGHTS,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))

# Local state: the embedded default's SQLite file, broker and cache, and the collected static files.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

_DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-never-used-in-production"  # noqa: S105
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts this service answers for.")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "health_check",
    "django_celery_beat",
    "auditlog",
    "mentorship.core",
    "mentorship.accounts",
    "mentorship.notifications",
    "mentorship.taxonomy",
    "mentorship.profiles",
    "mentorship.matching",
    "mentorship.mentorships",
    "mentorship.applications",
    "mentorship.progress",
    "mentorship.stats",
]

MIDDLEWARE = [
    # Outermost: the request id is set before anything logs, and every answer under /api/ that is
    # an error, from whichever layer (Django's DEBUG pages included), is one in the JSON shape.
    "mentorship.core.request_id.RequestIdMiddleware",
    # It marks every response (also those of the middlewares below, the JSON errors included)
    # and reads the user after the view, once DRF has authenticated the token. Nothing personal
    # is cacheable.
    "api.caching.PrivateResponsesMiddleware",
    "api.middleware.JSONErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: whoever is signed in (admin session or, once DRF has read it, bearer
    # token) is the actor of the audit entries the request writes.
    "mentorship.core.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"
ASGI_APPLICATION = "mentorship.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite in WAL mode with IMMEDIATE transactions lets web, worker and beat share the file: readers
# never wait, and a transaction takes the one write lock at BEGIN, so it never fails halfway on a
# lock another connection took after it read. A writer waits up to `timeout` seconds for the lock
# (then "database is locked", a 503), so no transaction may hold it for long: sign-up and login
# hash the password before theirs. Connections are kept (`DB_CONN_MAX_AGE`), as on PostgreSQL.
_SQLITE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=_SQLITE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES:
    # Django's backend with a health check that skips the round trip on an idle, quiet socket.
    DATABASES["default"]["ENGINE"] = "mentorship.core.postgresql"
    # JIT compilation costs more than it saves on this workload's queries (0.5 s of compiling
    # on a one-million-row scan of matches, measured).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mentorship.core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mentorship",
            # A Redis that accepts connections but never answers must not hold a request:
            # the cache fails fast and its callers fail open.
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mentorship.accounts.passwords.NotOnlyWhitespaceValidator"},
]
# Seconds a password reset link works (Django's token generator reads it); used once at most.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# Hours an email verification (or address change) link works; used once at most.
ACCOUNTS_EMAIL_TOKEN_TTL_HOURS = env.int("ACCOUNTS_EMAIL_TOKEN_TTL_HOURS", default=72)
# Off: a deployment whose sign-ups are trusted (an invitation list, single sign-on) lets
# unverified mentees send requests and unverified mentors be approved, and keeps them.
ACCOUNTS_REQUIRE_VERIFIED_EMAIL = env.bool("ACCOUNTS_REQUIRE_VERIFIED_EMAIL", default=True)
ACCOUNTS_UNVERIFIED_TTL_DAYS = env.int("ACCOUNTS_UNVERIFIED_TTL_DAYS", default=30)
# Lockout (`mentorship.accounts.lockout`): this many failures for one account from one client
# address within the window lock that pair out for the cool-down.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_MINUTES = env.int("LOGIN_FAILURE_WINDOW_MINUTES", default=15)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# Where emailed links point: `<FRONTEND_URL>/<page>?token=<token>` (reset-password,
# verify-email, unsubscribe); the front end posts the token to the API.
FRONTEND_URL = env.str("FRONTEND_URL", default="http://127.0.0.1:3000").rstrip("/")
# The API as mail clients reach it: the one-click `List-Unsubscribe` header (RFC 8058) posts here.
PUBLIC_API_URL = env.str("PUBLIC_API_URL", default="http://127.0.0.1:8000").rstrip("/")

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("AUTH_TOKEN_TTL_HOURS", default=10)),
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_LIMIT_PER_USER": env.int("AUTH_TOKEN_LIMIT_PER_USER", default=20),
    "AUTO_REFRESH": False,
}

# --- Django REST framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=20),
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON_RATE", default="120/minute"),
        "user": env.str("THROTTLE_USER_RATE", default="2000/minute"),
        "register": env.str("THROTTLE_REGISTER_RATE", default="10/hour"),
        "login": env.str("THROTTLE_LOGIN_RATE", default="10/minute"),
        "chart": env.str("THROTTLE_CHART_RATE", default="60/minute"),
        "matching_run": env.str("THROTTLE_MATCHING_RUN_RATE", default="12/hour"),
        "mentor_profile": env.str("THROTTLE_MENTOR_PROFILE_RATE", default="30/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET_RATE", default="5/hour"),
        "password_check": env.str("THROTTLE_PASSWORD_CHECK_RATE", default="10/hour"),
        "verify_email_resend": env.str("THROTTLE_VERIFY_EMAIL_RESEND_RATE", default="5/hour"),
        "export": env.str("THROTTLE_EXPORT_RATE", default="5/hour"),
        "stats": env.str("THROTTLE_STATS_RATE", default="30/minute"),
    },
    # Clients are told apart by REMOTE_ADDR unless trusted proxies in front set X-Forwarded-For.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)
# Arrays and objects a JSON body may nest (api/parsers.py); no endpoint needs more than 4.
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)

SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship matching API",
    "DESCRIPTION": (
        "Mentees breaking into data science and machine learning are matched with mentors who "
        "have done the job. Authenticate with `Authorization: Bearer <token>` from "
        "`POST /api/v1/auth/login`. Every error has the shape "
        '`{"detail": str, "code": str, "fields": {field: [messages]}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "MentorshipRequestStatusEnum": "mentorship.mentorships.models.MentorshipRequest.Status",
        "MentorshipStatusEnum": "mentorship.mentorships.models.Mentorship.Status",
        "MentorshipOutcomeEnum": "mentorship.mentorships.models.Mentorship.Outcome",
        "FeedbackStageEnum": "mentorship.mentorships.models.MentorshipFeedback.Stage",
        "FeedbackRoleEnum": "mentorship.mentorships.models.MentorshipFeedback.Role",
        "MentorshipRequestDeclineCodeEnum": (
            "mentorship.mentorships.models.MentorshipRequest.DeclineCode"
        ),
        "DeclineCodeEnum": "mentorship.mentorships.services.DECLINE_CODES",
        "EndCodeEnum": "mentorship.mentorships.services.END_CODES",
        "MatchRunStatusEnum": "mentorship.matching.models.MatchRun.Status",
        "MilestoneStatusEnum": "mentorship.progress.models.Milestone.Status",
        "CheckInStatusEnum": "mentorship.progress.models.CheckIn.Status",
        "ApplicationStatusEnum": "mentorship.applications.models.Status",
        "ApplicationEventKindEnum": "mentorship.applications.models.ApplicationEvent.Kind",
        "InterviewKindEnum": "mentorship.applications.models.ApplicationEvent.InterviewKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# --- Celery ---------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, so a real worker and beat run with no server.
# A message is a file, written whole (mentorship/core/embedded_broker.py); a consumer lists the
# folder when it polls, and sleeps `polling_interval` when the folder is empty or it holds its
# prefetch limit. With kombu's defaults (1 s, one message per worker process) a worker took about
# two messages a second; 50 ms and eight per process drain a backlog as fast as the tasks run
# (`python -m bench embedded`) for about 1 % of a core when idle.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT = "mentorship.core.embedded_broker:Transport"
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        "polling_interval": env.float("CELERY_BROKER_POLLING_INTERVAL", default=0.05),
    }
else:
    # Late acknowledgement: a task whose worker died (SIGKILL, OOM, a lost machine) goes back to
    # the queue once this many seconds have passed without its acknowledgement, when a worker
    # next restores unacknowledged messages (at its start, and every couple of minutes). It must
    # exceed the longest task's hard time limit (CELERY_TASK_TIME_LIMIT), or a slow task still
    # running would be delivered twice; short, so that work on a dead worker does not wait long.
    # Socket timeouts: kombu passes none by default, so a Redis that accepts connections but
    # never answers would hang every publish (and the health check) instead of failing. 2 s is
    # well above any answer of a live Redis on the network and above the 1 s that a worker's
    # BRPOP waits, and keeps a sign-up that enqueues an email under a few seconds when it hangs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Sending a task while the broker is down must not hold a web request for long: two quick
# retries, then the caller logs it and a recovery sweep re-enqueues it (mentorship/core/queueing).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Tasks are idempotent, so a task that dies with its worker is redelivered rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process on Redis, where a long task must not hold others back; the
# embedded broker takes a few at each poll, or a worker would wait a poll for every message.
CELERY_WORKER_PREFETCH_MULTIPLIER = env.int(
    "CELERY_WORKER_PREFETCH_MULTIPLIER", default=1 if REDIS_URL else 8
)
if not USING_POSTGRES:
    # Celery closes Django's connections around every task unless told to reuse them: a new
    # SQLite connection (its pragmas, the schema read) cost more than delivering one email.
    CELERY_DB_REUSE_MAX = 100
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# Queues, by task name (the only place tasks are routed). A matching run (planning, then its
# chunks) is CPU-heavy and must never wait behind bulk work: its own queue, served by a worker
# process of its own (the `matching` line of deploy/Procfile, `matching-worker` in compose).
# Everything else, emails, sweeps and the re-scoring that follows a profile change included,
# goes to the default queue, so a burst of sign-ups and profile edits never delays a run.
CELERY_TASK_DEFAULT_QUEUE = "celery"
MATCHING_RUN_QUEUE = "matching"
CELERY_TASK_ROUTES = {
    "mentorship.matching.tasks.match_run_execute": {"queue": MATCHING_RUN_QUEUE},
    "mentorship.matching.tasks.match_chunk_score": {"queue": MATCHING_RUN_QUEUE},
    "mentorship.matching.tasks.matches_refresh_mentee": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "mentorship.matching.tasks.matches_refresh_mentor": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "mentorship.matching.tasks.match_run_start_nightly": {"queue": CELERY_TASK_DEFAULT_QUEUE},
    "mentorship.matching.tasks.match_runs_redispatch_stuck": {"queue": CELERY_TASK_DEFAULT_QUEUE},
}
WORKER_QUEUES = f"{CELERY_TASK_DEFAULT_QUEUE},{MATCHING_RUN_QUEUE}"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Hourly, so every time zone's Monday starts on time; the sweep is idempotent.
    "progress-weekly-checkins": {
        "task": "mentorship.progress.tasks.sweep_weekly_checkins",
        "schedule": crontab(minute=5),
    },
    # Hourly too: requests expire and mentors are reminded, come back from away on their own
    # date, are paused; staff get the day's digest. Idempotent like the check-in sweep.
    "mentorships-responsiveness-sweep": {
        "task": "mentorship.mentorships.tasks.sweep_responsiveness",
        "schedule": crontab(minute=15),
    },
    # Everyone is re-scored every night: incremental refreshes lost to a broker outage, or to a
    # taxonomy edit, are caught up within a day.
    "matching-nightly-run": {
        "task": "mentorship.matching.tasks.match_run_start_nightly",
        "schedule": crontab(hour=3, minute=0),
    },
    "matching-redispatch-stuck-runs": {
        "task": "mentorship.matching.tasks.match_runs_redispatch_stuck",
        "schedule": timedelta(minutes=10),
    },
    "notifications-deliver-pending": {
        "task": "mentorship.notifications.tasks.deliver_pending_notifications",
        "schedule": timedelta(minutes=5),
    },
    "accounts-delete-unverified": {
        "task": "mentorship.accounts.tasks.delete_unverified_accounts",
        "schedule": crontab(hour=4, minute=30),
    },
    "accounts-purge-login-failures": {
        "task": "mentorship.accounts.tasks.purge_login_failures",
        "schedule": timedelta(hours=1),
    },
}

# --- Matching -------------------------------------------------------------------------------
# Component weights of the pair score (formula: mentorship/matching/engine/__init__.py), one
# `MATCHING_WEIGHT_<COMPONENT>` variable each; names and defaults: mentorship/matching/components.
MATCHING_WEIGHTS = {
    name: env.float(f"MATCHING_WEIGHT_{name.upper()}", default=DEFAULT_WEIGHTS[name])
    for name in COMPONENTS
}
MATCHING_TOP_K = env.int("MATCHING_TOP_K", default=10)
# Acceptable pairs score at least this (and share a working hour unless the mentee allows none).
MATCHING_MIN_SCORE = env.float("MATCHING_MIN_SCORE", default=DEFAULT_MIN_SCORE)
# Scores this close are near-ties, ordered so that list slots follow free seats.
MATCHING_TIE_BAND = env.float("MATCHING_TIE_BAND", default=DEFAULT_TIE_BAND)
# How a full run suggests: "stable" (deferred acceptance, then fill rounds) or "max_placements".
MATCHING_ASSIGNMENT_MODE = env.str("MATCHING_ASSIGNMENT_MODE", default="stable")
if MATCHING_ASSIGNMENT_MODE not in ("stable", "max_placements"):
    raise ImproperlyConfigured("MATCHING_ASSIGNMENT_MODE must be 'stable' or 'max_placements'.")
MATCHING_CHUNK_SIZE = env.int("MATCHING_CHUNK_SIZE", default=5000)
MATCHING_BATCH_SIZE = env.int("MATCHING_BATCH_SIZE", default=500)
MATCHING_WRITE_CONNECTIONS = env.int("MATCHING_WRITE_CONNECTIONS", default=2)

# --- Feedback on mentorships (mentorship/mentorships/feedback.py) -----------------------------
# Each side rates a mentorship this many days in (and at its end); the sweep's email about the
# first rating goes out when the recipient's clock reads between the two hours (24h, local).
FEEDBACK_AFTER_DAYS = env.int("FEEDBACK_AFTER_DAYS", default=14)
FEEDBACK_PROMPT_FROM_HOUR = env.int("FEEDBACK_PROMPT_FROM_HOUR", default=9)
FEEDBACK_PROMPT_UNTIL_HOUR = env.int("FEEDBACK_PROMPT_UNTIL_HOUR", default=21)
if not 0 <= FEEDBACK_PROMPT_FROM_HOUR < FEEDBACK_PROMPT_UNTIL_HOUR <= 24:
    raise ImproperlyConfigured(
        "FEEDBACK_PROMPT_FROM_HOUR and FEEDBACK_PROMPT_UNTIL_HOUR: 0 <= from < until <= 24."
    )
if FEEDBACK_AFTER_DAYS < 1:
    raise ImproperlyConfigured("FEEDBACK_AFTER_DAYS must be at least 1.")
# --- Responsiveness (mentors who answer) ------------------------------------------------------
# A pending request expires this many days after it was sent; the mentor is reminded half-way.
REQUEST_RESPONSE_DAYS = env.int("REQUEST_RESPONSE_DAYS", default=5)
# A mentor who lets this many requests expire within MENTOR_PAUSE_WINDOW_DAYS is paused from
# matching (and new requests) until staff lift the pause in the admin.
MENTOR_PAUSE_AFTER_EXPIRIES = env.int("MENTOR_PAUSE_AFTER_EXPIRIES", default=3)
MENTOR_PAUSE_WINDOW_DAYS = env.int("MENTOR_PAUSE_WINDOW_DAYS", default=30)
# How far ahead a mentor may set `away_until`.
MENTOR_AWAY_MAX_DAYS = env.int("MENTOR_AWAY_MAX_DAYS", default=365)
if REQUEST_RESPONSE_DAYS < 1 or MENTOR_PAUSE_AFTER_EXPIRIES < 1 or MENTOR_AWAY_MAX_DAYS < 1:
    raise ImproperlyConfigured(
        "REQUEST_RESPONSE_DAYS, MENTOR_PAUSE_AFTER_EXPIRIES and MENTOR_AWAY_MAX_DAYS must be >= 1."
    )

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    # `filemail:///some/dir` is the absolute /some/dir (django-environ drops the leading slash);
    # `filemail://var/mail` is var/mail under the project. One file per message sent.
    _mail_url = urlparse(env.str("EMAIL_URL"))
    EMAIL_CONFIG["EMAIL_FILE_PATH"] = (
        str(BASE_DIR / _mail_url.netloc / _mail_url.path.lstrip("/"))
        if _mail_url.netloc
        else _mail_url.path
    )
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentorship <noreply@localhost>")
# The outbox: a failed delivery is tried again after NOTIFICATION_RETRY_SECONDS, doubling each
# time (at most 6 hours apart); after NOTIFICATION_MAX_ATTEMPTS failures the email is marked
# failed, shown in the admin, and re-sent only when staff ask.
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)

# --- Audit trail (django-auditlog) -----------------------------------------------------------
# The models staff change (in the admin or through the staff endpoints), with the fields worth a
# before/after; `mentorship.core.audit` keeps only the entries whose actor is staff.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    # Every model the admin edits (tests/core/test_audit.py checks none is missing), inlines too,
    # but matches: runs replace them by the thousand, and a tracked model loses Django's fast
    # delete (each row would be loaded and signalled); their admin edits are in Django's own
    # admin history (who, when, which fields), and the next run recomputes them.
    {"model": "accounts.user", "exclude_fields": ["password", "last_login"]},
    "auth.group",
    {"model": "knox.authtoken", "include_fields": ["user", "expiry"]},
    "profiles.menteeprofile",
    "profiles.menteeskill",
    {"model": "profiles.mentorprofile", "m2m_fields": ["roles"]},
    "profiles.mentorskill",
    "profiles.jobdescription",
    {"model": "matching.matchrun", "include_fields": ["status", "started_by"]},
    "mentorships.mentorshiprequest",
    "mentorships.mentorship",
    "mentorships.mentorshipfeedback",
    "progress.project",
    "progress.milestone",
    "progress.projectcomment",
    "progress.experiment",
    "progress.checkin",
    "progress.checkinfeedback",
    "progress.stallflag",
    "progress.followupreminder",
    "applications.jobapplication",
    "applications.applicationevent",
    "taxonomy",  # every model of the app: roles, skills, aliases, requirements, templates, ...
    "notifications.notification",
    "notifications.notificationpreferences",
    "django_celery_beat",
)
AUDITLOG_STORE_JSON_CHANGES = True
# An entry's correlation id is the id of the request that wrote it (mentorship/core/request_id).
AUDITLOG_CID_GETTER = "mentorship.core.request_id.current_request_id"
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security -------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=256 * 1024)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# A bare view at /bench/bare for the load test's baseline (never in production).
BENCH_VIEWS = env.bool("BENCH_VIEWS", default=False) and not PRODUCTION

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names the request it belongs to (`-` outside one): the id a 500 answers with.
    "filters": {"request_id": {"()": "mentorship.core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "health_check": {"level": "ERROR"},
    },
}

# The embedded default keeps its state under VAR_DIR (var/ by default, git-ignored).
if not REDIS_URL:
    for _directory in ("cache", "celery/broker", "celery/control"):
        (VAR_DIR / _directory).mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
