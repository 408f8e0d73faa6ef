from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:year>/", views.national, name="national"),
    path("<int:year>/national.xlsx", views.national_download, name="national_xlsx"),
]
