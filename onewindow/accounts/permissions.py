"""Who may use a view. Every staff view states its roles with `staff_required`."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from onewindow.core.errors import PermissionDenied as ServicePermissionDenied


def staff_required(*roles: str):
    """Signed-in staff holding any of `roles` (any staff member when none are given)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_staff_member or (roles and not user.has_role(*roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def require_staff_api(user, *roles: str) -> None:
    """The API's counterpart: raise a structured 403 unless `user` is staff with one of `roles`."""
    if not getattr(user, "is_staff_member", False) or (roles and not user.has_role(*roles)):
        raise ServicePermissionDenied()
