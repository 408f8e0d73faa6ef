from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models import EMAIL_ONLY, EmailOptOut, EventType, Notification
from notifications.services import (
    email_preferences_set,
    notification_mark_read,
    notifications_mark_all_read,
)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to the item it is about."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification=notification)
    safe = url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    )
    return redirect(notification.link if notification.link and safe else "inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(
        request, _("%(count)s notifications marked as read.") % {"count": count}
    )
    return redirect("inbox")


@login_required
def email_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        email_preferences_set(
            user=request.user,
            email_on=[
                e for e in request.POST.getlist("email") if e in EventType.values
            ],
        )
        messages.success(request, _("Your email settings are saved."))
        return redirect("notification_settings")
    off = set(
        EmailOptOut.objects.filter(user=request.user).values_list(
            "event_type", flat=True
        )
    )
    choices = [
        (value, label, value not in off)
        for value, label in EventType.choices
        if value not in EMAIL_ONLY
    ]
    return render(request, "notifications/settings.html", {"choices": choices})
