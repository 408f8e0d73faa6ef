"""Settings for the test suite: fast hashing, in-memory email and media."""

import tempfile

from .local import *  # noqa: F403
from .local import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="otop-test-media-")
# Shared with the Celery worker in CI (.ci/run sets it for both).
PRIVATE_MEDIA_ROOT = env.path(
    "DJANGO_PRIVATE_MEDIA_ROOT", default=tempfile.mkdtemp(prefix="otop-test-private-")
)
