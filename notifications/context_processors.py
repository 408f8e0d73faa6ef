from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def bell(request):
    """The unread count for the bell: one query, and only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(
                recipient=user, read_at__isnull=True
            ).count()
        )
    }
