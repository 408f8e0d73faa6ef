from django.urls import path

from selection import views

app_name = "selection"

urlpatterns = [
    path("", views.nomination_list, name="nomination_list"),
    path("new/", views.nomination_new, name="nomination_new"),
    path("forum/<str:tambon_code>/", views.forum_edit, name="forum_edit"),
    path("<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("<int:pk>/submit/", views.nomination_submit_view, name="nomination_submit"),
    path(
        "<int:pk>/resubmit/", views.nomination_resubmit_view, name="nomination_resubmit"
    ),
    path(
        "<int:pk>/withdraw/", views.nomination_withdraw_view, name="nomination_withdraw"
    ),
]
