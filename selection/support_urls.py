from django.urls import path, re_path

from selection import support_views

app_name = "support"

urlpatterns = [
    path("", support_views.budget, name="budget"),
    re_path(
        r"^budget/export\.(?P<fmt>csv|xlsx)$",
        support_views.budget_export,
        name="budget_export",
    ),
    path(
        "<int:year>/<int:committee_id>/",
        support_views.plan_print,
        name="plan",
    ),
]
