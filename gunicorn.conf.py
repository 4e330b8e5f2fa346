"""The web process's settings: gunicorn reads this file from the working directory
(`gunicorn config.wsgi`). Every value can be set from the environment (.env.example).

The proxy contract (docs/operations.md): HTTPS ends at a reverse proxy on an address listed in
FORWARDED_ALLOW_IPS, which sets X-Forwarded-Proto and X-Forwarded-For, limits request bodies and
strips any header the client sent with those names. gunicorn trusts X-Forwarded-Proto from those
addresses only, and takes no SCRIPT_NAME or PATH_INFO from headers from anyone: the application
is served at the root of its host.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))

# Addresses of the reverse proxy; only it may say a request came over HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# No request header may set SCRIPT_NAME or PATH_INFO (gunicorn's default trusts both from the
# allowed addresses, which would let a client move the application under a prefix).
forwarder_headers = ""
# Headers whose names cannot be mapped unambiguously (underscores) are dropped.
header_map = "drop"

# Request line and headers stay small; request bodies are limited by the proxy and by
# REQUEST_MAX_BYTES in the application.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# The application is loaded once in the master and shared by the workers (copy-on-write): less
# memory per worker and a failed start shows before any worker forks. Database connections open
# lazily in each worker, never in the master.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
