"""Filters for the PDF templates (notices, decisions)."""

from django import template

from onewindow.core.pdf import chinese_date

register = template.Library()
register.filter("cn_date", chinese_date)
