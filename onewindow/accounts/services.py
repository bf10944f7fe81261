"""Writes to people, roles and the authority list. Each change is audited."""

from django.db import transaction

from onewindow.audit.services import audit_log

from .models import AuthorityGrant, Department, RoleMembership, User, Window


@transaction.atomic
def staff_upsert(*, username: str, full_name: str, roles: list[str], department: Department | None = None,
                 window: Window | None = None, password: str | None = None, actor=None) -> User:
    """Create or update a staff account and set its roles exactly to `roles`."""
    user, created = User.objects.select_for_update().get_or_create(
        username=username, defaults={"kind": User.Kind.STAFF, "full_name": full_name})
    before = {"full_name": user.full_name, "roles": sorted(user.role_memberships.values_list("role", flat=True)),
              "department": user.department_id, "window": user.window_id}
    user.kind = User.Kind.STAFF
    user.full_name = full_name
    user.department = department
    user.window = window
    user.is_staff = "administrator" in roles  # Django admin access follows the administrator role
    user.is_superuser = "administrator" in roles
    if password:
        user.set_password(password)
    user.save()
    RoleMembership.objects.filter(user=user).exclude(role__in=roles).delete()
    for role in roles:
        RoleMembership.objects.get_or_create(user=user, role=role)
    after = {"full_name": full_name, "roles": sorted(roles), "department": getattr(department, "pk", None),
             "window": getattr(window, "pk", None)}
    if created or before != after:
        audit_log(action="accounts.staff_created" if created else "accounts.staff_updated", actor=actor, obj=user,
                  changes={k: [before[k], after[k]] for k in after if before[k] != after[k] or created})
    return user


@transaction.atomic
def authority_set(*, item, action: str, roles: list[str], actor=None) -> None:
    """Set which roles may perform `action` on `item` (授权清单)."""
    current = set(AuthorityGrant.objects.filter(item=item, action=action).values_list("role", flat=True))
    wanted = set(roles)
    if current == wanted:
        return
    AuthorityGrant.objects.filter(item=item, action=action, role__in=current - wanted).delete()
    AuthorityGrant.objects.bulk_create([AuthorityGrant(item=item, action=action, role=r) for r in wanted - current])
    audit_log(action="accounts.authority_changed", actor=actor, obj=item,
              changes={"action": action, "roles": [sorted(current), sorted(wanted)]})


def may_act(user, item, action: str) -> bool:
    """Does `user` hold a role granted `action` on `item`? The one check every case action uses."""
    if not getattr(user, "is_staff_member", False):
        return False
    roles = user.role_codes()
    if not roles:
        return False
    return AuthorityGrant.objects.filter(item=item, action=action, role__in=roles).exists()
