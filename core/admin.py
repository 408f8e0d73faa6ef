"""Admin pieces shared by the apps (nothing is registered here)."""

from django.http import Http404


class ReadOnlyAdminMixin:
    """Shown in the admin, never written from it: these rows are written by
    the services behind the portal's own pages, imports and tasks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotFoundOutsideQuerysetMixin:
    """An object outside the user's queryset (or no object at all) is a 404,
    not the admin's usual redirect to its index with "does not exist": the
    change, delete and history pages (and any custom page that asks
    ``get_object``) answer alike, and alike to every id-bearing URL of the
    portal. Objects inside the queryset still meet the admin's permission
    checks (403)."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj
