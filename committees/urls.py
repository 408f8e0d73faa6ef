from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("", views.my_committees, name="my_committees"),
    path("<int:pk>/", views.committee_detail, name="committee_detail"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/declare/", views.conflict_create, name="conflict_create"),
]
