from django.urls import path

from selection import round_views

app_name = "rounds"

urlpatterns = [
    path("", round_views.round_list, name="list"),
    path("<int:year>/", round_views.round_detail, name="detail"),
    path(
        "<int:year>/documents/<int:pk>/",
        round_views.document_download,
        name="document",
    ),
]
