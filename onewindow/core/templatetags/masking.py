from django import template

from onewindow.core import masking

register = template.Library()


@register.filter
def mask_id(value):
    return masking.mask_id_number(value)


@register.filter
def mask_mobile(value):
    return masking.mask_mobile(value)
