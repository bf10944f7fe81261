from django import template
from django.utils.translation import gettext as _

from onewindow.catalog.models import Channel, LimitUnit, OrgKind, ServiceObject
from onewindow.core.choices import choice_labels

register = template.Library()
ENUMS = {"service_object": ServiceObject, "channel": Channel, "org_kind": OrgKind}


@register.filter
def limit(version, which: str) -> str:
    """"5 working days" or "on the spot" for the statutory or promised limit."""
    value, unit = getattr(version, f"{which}_limit"), getattr(version, f"{which}_limit_unit")
    if unit == LimitUnit.ON_THE_SPOT:
        return str(LimitUnit(unit).label)
    if which == "statutory" and not value:  # filing items: no law sets a limit
        return str(_("not set by law"))
    return f"{value} {LimitUnit(unit).label}"


@register.filter
def labels(values, enum: str) -> str:
    """Display labels of a JSON list of enum values, joined by "、"."""
    labels = choice_labels(ENUMS[enum])
    return "、".join(str(labels.get(v, v)) for v in values or [])


@register.filter
def yesno_zh(value) -> str:
    return _("Yes") if value else _("No")
