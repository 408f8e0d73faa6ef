"""The site's URLs plus a bare view, the baseline of ``bench/registry.py``.

The bare view goes through the same middleware as every page, so the ratio of
a page's throughput to it is the share left after Django's fixed costs.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from otop.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
