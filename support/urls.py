from django.urls import path, re_path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.budget, name="budget"),
    re_path(
        r"^budget/export\.(?P<fmt>csv|xlsx)$",
        views.budget_export,
        name="budget_export",
    ),
    path(
        "<int:year>/<int:committee_id>/",
        views.plan_print,
        name="plan",
    ),
]
