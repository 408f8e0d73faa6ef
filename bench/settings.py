"""Production settings for load benchmarks: served over plain HTTP on 127.0.0.1.

Everything production runs (DEBUG off, the middleware, persistent database
connections, the manifest static storage) except the HTTPS redirect, which
would answer every benchmark request with a 301. Static files are collected
into a temporary folder, so the project's ``staticfiles`` is left alone.
"""

import os
import tempfile
from pathlib import Path

# Production reads these without defaults; a benchmark has no real secret.
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from otop.settings.production import *  # noqa: F403

SECURE_SSL_REDIRECT = False
ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(tempfile.gettempdir()) / "otop-bench-static"
