from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("", views.producer_list, name="producer_list"),
    path("new/", views.producer_create_view, name="producer_create"),
    path("<int:pk>/edit/", views.producer_edit_view, name="producer_edit"),
    path("registrations/", views.registration_list, name="registration_list"),
    path(
        "<int:pk>/registration/<slug:move>/",
        views.registration_move,
        name="registration_move",
    ),
]
