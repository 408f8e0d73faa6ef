"""Who sees the ladder's committee work in the admin."""

from selection.selectors import is_central_staff, member_committees


def is_member(request) -> bool:
    if not hasattr(request, "_selection_is_member"):
        request._selection_is_member = member_committees(request.user).exists()
    return request._selection_is_member


def sees_committee_work(request) -> bool:
    return is_central_staff(request.user) or is_member(request)
