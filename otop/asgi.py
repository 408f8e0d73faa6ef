import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.production")

application = get_asgi_application()

# As in wsgi.py: the Thai segmentation dictionary is built now, not in a request.
from core.thai_text import warm_up  # noqa: E402 (needs the settings above)

warm_up()
