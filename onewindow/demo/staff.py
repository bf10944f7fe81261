"""Demo staff for `onewindow demo setup`: one account per role (the demo applicant is the portal's).

Idempotent: running it twice changes nothing. Never run when DEBUG is off unless asked for.
"""

from django.db import transaction

from onewindow.accounts.models import AuthorityGrant, Department, Hall, Role, User, Window
from onewindow.accounts.services import authority_set, staff_upsert
from onewindow.catalog.models import Item, Route

DEMO_PASSWORD = "onewindow-demo"

DEMO_STAFF = [
    # username, full name, roles
    ("clerk", "窗口受理员 李敏", [Role.CLERK]),
    ("chief", "首席审批员 王建国", [Role.CHIEF_APPROVER, Role.CLERK]),
    ("reviewer", "处室审核员 张丽", [Role.REVIEWER]),
    ("leader", "审批决定人 陈志强", [Role.DECISION_MAKER]),
    ("supervisor", "效能监察 刘洋", [Role.SUPERVISOR]),
    ("admin", "系统管理员 周涛", [Role.ADMINISTRATOR]),
]

# The default authority list: who may do what on each route.
DEFAULT_AUTHORITY = {
    Route.ON_SITE: {
        AuthorityGrant.Action.ACCEPT: [Role.CLERK, Role.CHIEF_APPROVER],
        AuthorityGrant.Action.DECIDE: [Role.CHIEF_APPROVER],
        AuthorityGrant.Action.ISSUE: [Role.CLERK, Role.CHIEF_APPROVER],
    },
    Route.BACK_OFFICE: {
        AuthorityGrant.Action.ACCEPT: [Role.CLERK, Role.CHIEF_APPROVER],
        AuthorityGrant.Action.REVIEW: [Role.REVIEWER],
        AuthorityGrant.Action.DECIDE: [Role.DECISION_MAKER],
        AuthorityGrant.Action.ISSUE: [Role.CLERK, Role.CHIEF_APPROVER],
    },
}


@transaction.atomic
def demo_people_setup() -> list[str]:
    """Create the demo hall, window, division and staff accounts; return their usernames."""
    dept, _ = Department.objects.get_or_create(name="湖南省民政厅", defaults={"credit_code": "11430000006122340X"})
    division, _ = Department.objects.get_or_create(name="社会组织管理局", defaults={"parent": dept})
    hall, _ = Hall.objects.get_or_create(name="湖南省政府政务服务大厅", defaults={"address": "长沙市"})
    window, _ = Window.objects.get_or_create(hall=hall, number="A12",
                                             defaults={"name": "省民政厅窗口", "department": dept})
    names = []
    for username, full_name, roles in DEMO_STAFF:
        existing = User.objects.filter(username=username).first()
        staff_upsert(username=username, full_name=full_name, roles=[str(r) for r in roles],
                     department=division if username == "reviewer" else dept,
                     window=window if Role.CLERK in roles else None,
                     password=None if existing else DEMO_PASSWORD)
        names.append(username)
    return names


@transaction.atomic
def demo_authority_setup() -> int:
    """Grant the default authority list for every item by its published route; return the grant count."""
    for item in Item.objects.select_related("current_version").filter(current_version__isnull=False):
        for action, roles in DEFAULT_AUTHORITY[item.current_version.route].items():
            authority_set(item=item, action=action, roles=[str(r) for r in roles])
    return AuthorityGrant.objects.count()
