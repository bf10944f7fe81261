from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from onewindow.core.admin import secret_state

from .models import ApiToken, AuthorityGrant, Department, Hall, RoleMembership, User, Window
from .signin import AdminSignInForm

admin.site.login_form = AdminSignInForm  # throttled per account and address (accounts/signin.py)


class RoleMembershipInline(admin.TabularInline):
    model = RoleMembership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "department", "window", "is_active"]
    list_filter = ["kind", "is_active", "department"]
    search_fields = ["username", "full_name", "mobile"]
    inlines = [RoleMembershipInline]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("OneWindow"), {"fields": ["kind", "full_name", "mobile", "department", "window"]}),
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "parent"]
    search_fields = ["name"]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["name", "address"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["hall", "number", "name", "department"]
    list_select_related = ["hall", "department"]


@admin.register(AuthorityGrant)
class AuthorityGrantAdmin(admin.ModelAdmin):
    list_display = ["item", "action", "role"]
    list_filter = ["action", "role"]
    list_select_related = ["item__current_version"]
    search_fields = ["item__code"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    readonly_fields = ["prefix", "key_state", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False  # `onewindow token create` makes tokens and shows the key once

    @admin.display(description=_("token secret"))
    def key_state(self, obj):
        return secret_state(obj.key_hash)
