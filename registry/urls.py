from django.urls import path, re_path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.entry_list, name="list"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.entry_export, name="export"),
    path("<str:number>/", views.entry_detail, name="detail"),
    path(
        "<str:number>/certificate/",
        views.entry_certificate,
        name="certificate",
    ),
]
