"""A per-case fact row for statistics, kept in step with the case by `services.case_fact_refresh`.

Why: the figures need values that are expensive to derive at query time (working days between
acceptance and completion, the handling window and person from the steps, on-the-spot completion, visits).
Computing them once per transition turns every figure into an indexed aggregate over one narrow table.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseFact(models.Model):
    class Deficiency(models.TextChoices):
        NONE = "", _("None")
        PENDING = "pending", _("Outstanding")
        SUPPLIED = "supplied", _("Supplied")
        TERMINATED = "terminated", pgettext_lazy("count", "Terminated")

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="fact",
                                verbose_name=_("case"))
    item = models.ForeignKey("catalog.Item", models.CASCADE, related_name="+", verbose_name=_("item"))
    item_type = models.CharField(_("item type"), max_length=20)
    route = models.CharField(_("route"), max_length=12)
    channel = models.CharField(_("channel"), max_length=10)
    window = models.ForeignKey("accounts.Window", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("window"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("accepted by"))
    received_on = models.DateField(_("received on"), null=True)
    accepted_on = models.DateField(_("accepted on"), null=True)
    completed_on = models.DateField(_("completed on"), null=True)
    result_kind = models.CharField(_("result"), max_length=24, blank=True)
    counted = models.BooleanField(_("counts as completed"), default=False)  # 办结 (withdrawals do not count)
    on_time = models.BooleanField(_("completed on time"), null=True)
    on_the_spot = models.BooleanField(_("completed on the spot"), default=False)
    handling_days = models.PositiveIntegerField(_("handling time (working days)"), null=True)
    handling_minutes = models.PositiveIntegerField(_("handling time (minutes)"), null=True)
    steps = models.PositiveSmallIntegerField(pgettext_lazy("count", "handling steps"), default=0)
    visits = models.PositiveSmallIntegerField(_("visits"), default=0)
    deficiency = models.CharField(_("accepted with deficiency"), max_length=10, choices=Deficiency.choices,
                                  blank=True)

    class Meta:
        verbose_name = _("case fact")
        verbose_name_plural = _("case facts")
        indexes = [
            models.Index(fields=["completed_on", "counted"], name="fact_completed"),
            models.Index(fields=["received_on"], name="fact_received"),
            models.Index(fields=["accepted_on"], name="fact_accepted"),
            models.Index(fields=["item", "completed_on"], name="fact_item"),
            models.Index(fields=["window", "completed_on"], name="fact_window"),
            models.Index(fields=["handler", "completed_on"], name="fact_handler"),
        ]

    def __str__(self):
        return str(self.case_id)


class DailyFigure(models.Model):
    """Summary table: per day and dimension values, the counts and sums of one measure.

    Kept correct by `services.rollup_days` whenever a fact row or a rating of that day changes; every figure
    is then a sum over a few thousand rows, whatever the number of cases. Measures: received, accepted,
    completed (with sums), days / minutes (histograms of handling time: `value` is the time), rating
    (`value` is the level; `flag` is "default" or "excluded" for ratings that do not count as valid).
    """

    class Measure(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("count", "Received")
        ACCEPTED = "accepted", pgettext_lazy("count", "Accepted")
        COMPLETED = "completed", pgettext_lazy("count", "Completed")
        DAYS = "days", _("Handling days")
        MINUTES = "minutes", _("Handling minutes")
        RATING = "rating", _("Rating")

    day = models.DateField(_("day"))
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    item = models.ForeignKey("catalog.Item", models.CASCADE, null=True, related_name="+", verbose_name=_("item"))
    item_type = models.CharField(_("item type"), max_length=20, blank=True)
    route = models.CharField(_("route"), max_length=12, blank=True)
    channel = models.CharField(_("channel"), max_length=10, blank=True)
    window = models.ForeignKey("accounts.Window", models.CASCADE, null=True, related_name="+",
                               verbose_name=_("window"))
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, null=True, related_name="+",
                                verbose_name=_("accepted by"))
    value = models.CharField(_("value"), max_length=20, blank=True)
    flag = models.CharField(_("flag"), max_length=10, blank=True)
    n = models.PositiveIntegerField(_("count"), default=0)
    on_time = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    on_the_spot = models.PositiveIntegerField(default=0)
    days_sum = models.PositiveBigIntegerField(default=0)
    days_n = models.PositiveIntegerField(default=0)
    minutes_sum = models.PositiveBigIntegerField(default=0)
    minutes_n = models.PositiveIntegerField(default=0)
    steps_sum = models.PositiveBigIntegerField(default=0)
    visits_sum = models.PositiveBigIntegerField(default=0)
    deficiency = models.PositiveIntegerField(default=0)
    deficiency_supplied = models.PositiveIntegerField(default=0)
    deficiency_terminated = models.PositiveIntegerField(default=0)
    deficiency_pending = models.PositiveIntegerField(default=0)
    # End states without a decision on the merits, each in its own column: on_time + overdue + terminated
    # + not_accepted = n (completed). db_default: the bulk loader inserts rows by SQL.
    terminated = models.PositiveIntegerField(default=0, db_default=0)  # 终止 (incl. 容缺 lapse)
    not_accepted = models.PositiveIntegerField(default=0, db_default=0)  # 不予受理

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        indexes = [models.Index(fields=["measure", "day"], name="daily_figure_measure_day"),
                   models.Index(fields=["day"], name="daily_figure_day")]

    def __str__(self):
        return f"{self.day} {self.measure} {self.n}"
