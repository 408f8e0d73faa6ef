from django.urls import path, re_path

from products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    re_path(
        r"^export\.(?P<fmt>csv|xlsx)$", views.product_export, name="product_export"
    ),
    path("new/", views.product_create_view, name="product_create"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/edit/", views.product_edit_view, name="product_edit"),
]

# Mounted at /officer/imports/ under the "imports" namespace: a file may hold
# producers or products.
import_urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    re_path(
        r"^template/(?P<kind>producers|products)\.csv$",
        views.import_template,
        name="import_template",
    ),
]
