"""gunicorn settings for the web process; every value can be overridden from the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes the service down.
max_requests = 2000
max_requests_jitter = 200
# Import the application (and the URLconf, see mentorship/wsgi.py) once in the master: a worker
# started or recycled is forked warm instead of spending its first request importing, which
# showed as multi-second p99 spikes under load. A code change needs a restart, not a HUP.
preload_app = True
accesslog = "-"
# gunicorn's default line and the request id (mentorship/core/request_id.py), as the app logs it.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
