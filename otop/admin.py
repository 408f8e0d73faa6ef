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
    """An object outside the user's queryset is a 404, not the admin's usual
    redirect with "does not exist", so every id-bearing URL answers alike."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            object_id is not None
            and not self.get_queryset(request).filter(pk=object_id).exists()
        ):
            raise Http404
        return super().changeform_view(request, object_id, form_url, extra_context)
