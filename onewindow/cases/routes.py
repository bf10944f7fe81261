"""The routes a case can take (办理流程), each declared once: its chain of steps, the actions only it has,
and what handing out the result does.

The route is the item version's `route` (`catalog.models.Route`). The actions' declarations
(`actions.py`) take from here which routes an action applies to: an action that no route claims as its own
applies to every route.
"""

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.models import Route


@dataclass(frozen=True)
class CaseRoute:
    route: Route
    # The actions that carry a case from filing to its result, in order (the service guide's flow).
    chain: tuple[str, ...]
    # Actions of this route only (refused on any other route, with that route's `elsewhere` message).
    own_actions: frozenset[str]
    # Why an action of another route is refused on a case of this route.
    elsewhere: Promise
    # Steps of the chain that an item version leaves out by a flag: action → the version field that must be true.
    optional: dict[str, str] = field(default_factory=dict)
    # Handing out the result (出件) completes the case at once.
    issue_completes: bool = False


ROUTES: dict[str, CaseRoute] = {route.route: route for route in (
    # 即办: accepted and decided at the window by a holder of decision authority.
    CaseRoute(Route.ON_SITE, chain=("submit", "accept", "decide", "issue"), own_actions=frozenset({"decide"}),
              elsewhere=_("This item is decided on the spot; it has no preliminary review."),
              issue_completes=True),
    # 后台审批: the front desk accepts, the division reviews (初审), the leader signs the opinion off (签发,
    # where the item's chain has the step), the case goes up (转报), the higher authority's decision is
    # recorded, the window hands the result out and completes the case.
    CaseRoute(Route.BACK_OFFICE,
              chain=("submit", "accept", "review", "sign_off", "forward", "record_external_decision", "issue",
                     "complete"),
              own_actions=frozenset({"review", "propose_refusal", "sign_off"}),
              elsewhere=_("The department only reviews this item; record the higher authority's decision."),
              optional={"sign_off": "sign_off_required"}),
)}


def routes_of(action: str) -> tuple[str, ...]:
    """The routes `action` applies to."""
    claimed = tuple(name for name, route in ROUTES.items() if action in route.own_actions)
    return claimed or tuple(ROUTES)
