from django.urls import path

from communities import views

app_name = "communities"

urlpatterns = [
    path("", views.producer_list, name="producer_list"),
    path("new/", views.producer_create_view, name="producer_create"),
    path("<int:pk>/edit/", views.producer_edit_view, name="producer_edit"),
]
