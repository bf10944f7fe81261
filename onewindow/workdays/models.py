"""The working-day calendar: administrator overrides, confirmed years and warning policies.

Only `services.py` writes these tables; every write bumps `CalendarState.version` so that every
process drops its in-memory copy of the calendar.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """One date whose status differs from (or confirms) the package: a holiday or a make-up working day."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date.isoformat()} {_('working day') if self.is_working else _('day off')} {self.note}"


class NoticeYear(models.Model):
    """A year whose State Council notice has been entered: its days are no longer provisional."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("confirmed year")
        verbose_name_plural = _("confirmed years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarState(models.Model):
    """Singleton (pk=1): the version stamp every cache compares against. Calendar writes lock this row, so
    they run one at a time."""

    version = models.CharField(_("version"), max_length=32)

    class Meta:
        verbose_name = _("calendar state")
        verbose_name_plural = _("calendar state")

    def __str__(self):
        return self.version


class WarningKind(models.TextChoices):
    CASE = "case", _("Case time limit")
    CORRECTION_NOTICE = "correction_notice", _("Correction notice (Art. 32)")  # 补正告知
    DEFICIENCY = "deficiency", _("Missing-material supplement")  # 容缺补齐
    DELIVERY = "delivery", _("Delivery of the decision (Art. 44)")  # 送达
    RECTIFICATION = "rectification", _("Bad-review rectification")  # 差评整改


class WarningPolicy(models.Model):
    """When a deadline of one kind turns yellow: fewer than `yellow_days` working days left, or fewer
    than `yellow_share` of the limit left. Red always means overdue."""

    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices, unique=True)
    yellow_share = models.DecimalField(_("yellow below share of the limit"), max_digits=3, decimal_places=2,
                                       validators=[MinValueValidator(0), MaxValueValidator(1)])
    yellow_days = models.PositiveSmallIntegerField(_("yellow below working days left"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("warning policy")
        verbose_name_plural = _("warning policies")
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()
