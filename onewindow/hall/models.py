"""The hall queue: businesses (取号业务), the hall side of each window (desk), tickets and their events."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Business(models.Model):
    """A kind of business people take a ticket for in one hall (社会组织登记, 慈善, 地名, 咨询...)."""

    hall = models.ForeignKey("accounts.Hall", models.PROTECT, related_name="businesses", verbose_name=_("hall"))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=50)
    prefix = models.CharField(_("ticket prefix"), max_length=2, help_text=_("One or two capital letters, e.g. A."))
    opens_at = models.TimeField(_("tickets from"))
    closes_at = models.TimeField(_("tickets until"))
    daily_cap = models.PositiveIntegerField(_("tickets per day"), default=0, help_text=_("0: no limit."))
    warn_after_minutes = models.PositiveIntegerField(
        _("waiting warning after (minutes)"), default=30,
        help_text=_("The hall manager's screen warns when someone has waited longer than this."))
    standby_window = models.ForeignKey(
        "accounts.Window", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("standby window"),
        help_text=_("A standby window serving this business, opened automatically when someone has waited longer "
                    "than the warning time and closed again when the wait falls back."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(pgettext_lazy("hall", "active"), default=True)

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="hall_business_code"),
                       models.UniqueConstraint(fields=["hall", "prefix"], name="hall_business_prefix")]

    def __str__(self):
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(models.Model):
    """A business's hours on one weekday, replacing its daily range that day (see `hall.hours`)."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="hours", verbose_name=_("business"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("tickets from"))
    closes_at = models.TimeField(_("tickets until"))

    class Meta:
        verbose_name = _("hours on a weekday")
        verbose_name_plural = _("hours on weekdays")
        ordering = ["weekday"]
        constraints = [models.UniqueConstraint(fields=["business", "weekday"], name="hall_business_weekday"),
                       models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                              name="hall_business_hours_order",
                                              violation_error_message=_("The hours must end after they start."))]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class TimeBand(models.Model):
    """A cap on the tickets of one business taken within a time band of the day (出票时间段)."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="bands", verbose_name=_("business"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    cap = models.PositiveIntegerField(_("tickets in this band"))

    class Meta:
        verbose_name = _("time band")
        verbose_name_plural = _("time bands")
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.starts_at:%H:%M}-{self.ends_at:%H:%M} ≤ {self.cap}"


class Desk(models.Model):
    """The hall side of a window: the businesses it calls for, whether it serves now, and the ticket at it."""

    class State(models.TextChoices):
        OPEN = "open", _("Serving")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", pgettext_lazy("hall", "Closed")

    window = models.OneToOneField("accounts.Window", models.CASCADE, related_name="desk", verbose_name=_("window"))
    businesses = models.ManyToManyField(Business, related_name="desks", verbose_name=_("businesses served"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    standby = models.BooleanField(_("standby window"), default=False,
                                  help_text=_("Opened by the hall manager when people wait too long."))
    current = models.OneToOneField("Ticket", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("current ticket"))
    # Set when the waiting warning of a business opened this standby window (standby_adjust), which closes it
    # again when that wait falls back; empty when it was opened by hand (it then stays open).
    opened_for = models.ForeignKey(Business, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("opened automatically for"))

    class Meta:
        verbose_name = _("window desk")
        verbose_name_plural = _("window desks")

    def __str__(self):
        return str(self.window)


class ExtendedHours(models.Model):
    """Extra hours of one window (延时/错时服务: early, late, Saturday) in which it gives out tickets for the
    businesses it serves outside their own hours; such a ticket is called at that window."""

    desk = models.ForeignKey(Desk, models.CASCADE, related_name="extended_hours", verbose_name=_("window desk"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("from"))
    closes_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("extended hours")
        verbose_name_plural = _("extended hours")
        ordering = ["weekday", "opens_at"]
        constraints = [models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                              name="hall_extended_hours_order",
                                              violation_error_message=_("The hours must end after they start."))]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class Ticket(models.Model):
    """One number taken at the kiosk, the portal or the API, from waiting to served (or skipped, abandoned)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SKIPPED = "skipped", _("Skipped (no-show)")  # 过号: may be recalled later the same day
        DONE = "done", _("Served")
        ABANDONED = "abandoned", _("Closed at end of day")  # 弃号

    class Priority(models.TextChoices):
        NONE = "", _("None")
        ELDERLY = "elderly", _("Elderly")
        DISABLED = "disabled", pgettext_lazy("hall", "Disabled")
        PREGNANT = "pregnant", _("Pregnant")
        STAFF = "staff", _("Marked by staff")

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("Kiosk")
        PORTAL = "portal", _("Portal")
        API = "api", _("API")

    business = models.ForeignKey(Business, models.PROTECT, related_name="tickets", verbose_name=_("business"))
    day = models.DateField(_("day"))
    seq = models.PositiveIntegerField(pgettext_lazy("hall", "sequence"))
    number = models.CharField(_("number"), max_length=8)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.WAITING)
    priority = models.CharField(_("green channel"), max_length=10, choices=Priority.choices, blank=True)
    channel = models.CharField(pgettext_lazy("hall", "channel"), max_length=8, choices=Channel.choices, default=Channel.KIOSK)
    id_number = models.CharField(pgettext_lazy("hall", "ID number"), max_length=18, blank=True)
    taken_at = models.DateTimeField(_("taken at"))
    # A transfer (转窗) sends the ticket to one window; it is called there before the others.
    for_window = models.ForeignKey("accounts.Window", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("transferred to"))
    window = models.ForeignKey("accounts.Window", models.SET_NULL, null=True, blank=True,
                               related_name="hall_tickets", verbose_name=_("window"))
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("clerk"))
    first_called_at = models.DateTimeField(_("first called at"), null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    calls = models.PositiveSmallIntegerField(_("calls"), default=0)
    transfers = models.PositiveSmallIntegerField(_("transfers"), default=0)
    case = models.OneToOneField("cases.Case", models.SET_NULL, null=True, blank=True, related_name="hall_ticket",
                                verbose_name=_("case"))
    rating = models.CharField(_("rating"), max_length=20, blank=True)
    token = models.CharField(_("follow token"), max_length=32, unique=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [models.UniqueConstraint(fields=["business", "day", "seq"], name="hall_ticket_number")]
        indexes = [models.Index(fields=["day", "state", "business"], name="hall_ticket_queue"),
                   models.Index(fields=["window", "-finished_at"], name="hall_ticket_window")]

    def __str__(self):
        return self.number

    @property
    def wait_seconds(self) -> float | None:
        return (self.first_called_at - self.taken_at).total_seconds() if self.first_called_at else None

    @property
    def service_seconds(self) -> float | None:
        if self.state != self.State.DONE or not (self.finished_at and self.called_at):
            return None
        return (self.finished_at - self.called_at).total_seconds()


class QueueEvent(models.Model):
    """What happened at the queue: a call, recall, skip, transfer, pause, end of service. The display reads the
    calls from here; the figures count skips and transfers."""

    class Kind(models.TextChoices):
        TAKE = "take", _("Ticket taken")
        CALL = "call", _("Called")
        RECALL = "recall", _("Called again")
        SKIP = "skip", _("Skipped")
        TRANSFER = "transfer", _("Transferred")
        FINISH = "finish", _("Service ended")
        PAUSE = "pause", _("Window paused")
        RESUME = "resume", _("Window resumed")
        ABANDON = "abandon", _("Closed at end of day")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("at"))
    ticket = models.ForeignKey(Ticket, models.CASCADE, null=True, blank=True, related_name="events",
                               verbose_name=_("ticket"))
    window = models.ForeignKey("accounts.Window", models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("window"))
    hall = models.ForeignKey("accounts.Hall", models.CASCADE, related_name="+", verbose_name=_("hall"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))

    class Meta:
        verbose_name = _("queue event")
        verbose_name_plural = _("queue events")
        indexes = [models.Index(fields=["hall", "-id"], name="hall_event_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%H:%M:%S}"


class AppointmentSlot(models.Model):
    """A bookable time at the hall (预约时段): a half-day or a 30-minute slot for a business, an extended-hours
    slot (early, late, Saturday: 延时/错时服务) at one window, or - with no business - a time to collect a result
    at the window (the portal's delivery choice). A booking locks the row before counting the places taken, so
    concurrent bookings of one slot queue instead of all seeing the same free place."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular hours")
        EXTENDED = "extended", _("Extended hours")

    business = models.ForeignKey(Business, models.CASCADE, null=True, blank=True, related_name="slots",
                                 verbose_name=_("business"), help_text=_("Empty: collecting results at the window."))
    window = models.ForeignKey("accounts.Window", models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("window"), help_text=_("For extended-hours slots of one window."))
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    capacity = models.PositiveIntegerField(_("places"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["date", "starts_at"]
        # NULLs are distinct in a unique index, so each combination of empty business/window gets its own.
        constraints = [
            models.UniqueConstraint(fields=["business", "window", "date", "starts_at"], name="hall_slot_unique"),
            models.UniqueConstraint(fields=["business", "date", "starts_at"], condition=models.Q(window=None),
                                    name="hall_slot_business_unique"),
            models.UniqueConstraint(fields=["date", "starts_at"], condition=models.Q(business=None, window=None),
                                    name="hall_slot_collection_unique"),
        ]
        indexes = [models.Index(fields=["business", "date"], name="hall_slot_day")]

    def __str__(self):
        return f"{self.date} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class Appointment(models.Model):
    """A booking of a slot (预约), checked in at the kiosk with its code or the ID number."""

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CHECKED_IN = "checked_in", _("Checked in")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(AppointmentSlot, models.PROTECT, related_name="appointments", verbose_name=_("slot"))
    code = models.CharField(_("appointment code"), max_length=8, unique=True)
    id_number = models.CharField(pgettext_lazy("hall", "ID number"), max_length=18)
    mobile = models.CharField(_("mobile"), max_length=11)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BOOKED)
    booked_at = models.DateTimeField(_("booked at"))
    ticket = models.OneToOneField(Ticket, models.SET_NULL, null=True, blank=True, related_name="appointment",
                                  verbose_name=_("ticket"))

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [models.Index(fields=["id_number", "state"], name="hall_appt_person"),
                   models.Index(fields=["state", "slot"], name="hall_appt_state")]

    def __str__(self):
        return self.code
