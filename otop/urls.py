from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from notifications.forms import OutboxPasswordResetForm
from otop import views
from otop.api import api
from products import views as product_views
from products.urls import import_urlpatterns
from selection import views as selection_views

admin.site.site_header = _("OTOP Selection Portal")
admin.site.site_title = _("OTOP Selection Portal")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("officer/", selection_views.officer_home, name="officer_dashboard"),
    re_path(
        r"^officer/producers/export\.(?P<fmt>csv|xlsx)$",
        product_views.producer_export,
        name="producer_export",
    ),
    path("officer/producers/", include("communities.urls")),
    path("officer/imports/", include((import_urlpatterns, "imports"))),
    path("officer/products/", include("products.urls")),
    path("officer/nominations/", include("selection.urls")),
    path("committees/", include("committees.urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("plans/", include("support.urls")),
    path("inbox/", include("notifications.urls")),
    path("registry/", include("registry.urls")),
    path("rounds/", include("selection.round_urls")),
    path("reports/", include("reports.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
