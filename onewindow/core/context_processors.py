from django.conf import settings


def site(request):
    return {
        "department_name": settings.ONEWINDOW_DEPARTMENT_NAME,
        "elder_mode": request.COOKIES.get("elder") == "1",
    }
