"""Issue 17: the staff menu shows only what the role may open (a clerk got 403 on 统计, a supervisor on
新收件); the answer comes from each view's own guard."""

import pytest
from django.urls import reverse

MENU = {"cases:intake": "新收件", "stats:dashboard": "统计", "ratings:board": "效能监察"}


def _menu(page: str) -> str:
    return page.split('class="staff-nav"')[1].split("</nav>")[0]


@pytest.mark.parametrize("role", ["clerk", "chief", "reviewer", "leader", "supervisor"])
def test_menu_links_open_for_the_role(request, login, role):
    client = login(request.getfixturevalue(role))
    menu = _menu(client.get(reverse("cases:queue")).content.decode())
    for name in MENU:
        shown = f'href="{reverse(name)}"' in menu
        assert shown == (client.get(reverse(name)).status_code == 200), (role, name)


def test_clerk_and_supervisor_menus(login, clerk, supervisor):
    clerk_menu = _menu(login(clerk).get(reverse("cases:queue")).content.decode())
    supervisor_menu = _menu(login(supervisor).get(reverse("cases:queue")).content.decode())
    assert reverse("stats:dashboard") not in clerk_menu and reverse("cases:intake") in clerk_menu
    assert reverse("cases:intake") not in supervisor_menu and reverse("stats:dashboard") in supervisor_menu
