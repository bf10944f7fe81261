from django.conf import settings


def site(request):
    user = getattr(request, "user", None)
    return {
        "department_name": settings.ONEWINDOW_DEPARTMENT_NAME,
        "elder_mode": request.COOKIES.get("elder") == "1",
        # Lazily: only pages that show the staff menu ask for the roles (one cached query).
        "staff_roles": (lambda: user.role_codes()) if getattr(user, "is_staff_member", False) else frozenset,
    }
