import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otop.settings.production")

application = get_wsgi_application()

# Thai word segmentation (the thai_wrap filter) needs a dictionary that takes
# seconds to build: build it now rather than in the first visitor's request.
from core.thai_text import warm_up  # noqa: E402 (needs the settings above)

warm_up()
