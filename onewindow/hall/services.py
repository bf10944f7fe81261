"""Every write of the hall queue: take a ticket, call, recall, skip, transfer, pause, end the service, close
the day. Each runs in one transaction with its queue event and its audit row."""

import datetime
import secrets
from collections.abc import Collection

from django.db import transaction
from django.db.models import Case as When_
from django.db.models import IntegerField, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from onewindow.accounts.models import Role, Window
from onewindow.audit.services import audit_log
from onewindow.core import clock
from onewindow.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from onewindow.core.masking import mask_id_number
from onewindow.core.mobile import mobile_ok
from onewindow.registry.identifiers import check_id_number

from . import conf, hours
from .models import Appointment, AppointmentSlot, Business, Desk, QueueEvent, Ticket

COUNTER_ROLES = (Role.CLERK, Role.CHIEF_APPROVER)
SELF_DECLARED = (Ticket.Priority.DISABLED, Ticket.Priority.PREGNANT)
UNFINISHED = (Ticket.State.WAITING, Ticket.State.CALLED, Ticket.State.SKIPPED)
COLLECTION_PERIODS = {"am": (datetime.time(9), datetime.time(12)), "pm": (datetime.time(13), datetime.time(17))}
CHECK_IN_EARLY = datetime.timedelta(minutes=60)  # how long before its slot an appointment may check in
CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed at a kiosk
ACTIVE_BOOKINGS = (Appointment.State.BOOKED, Appointment.State.CHECKED_IN)


def age_on(id_number: str, day: datetime.date) -> int:
    """Whole years of age on `day` from the date of birth in an 18-digit ID number (positions 7-14)."""
    born = datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _event(kind, *, hall_id, ticket=None, window=None, actor=None, at=None) -> QueueEvent:
    return QueueEvent(kind=kind, at=at or clock.now(), ticket=ticket, window=window, hall_id=hall_id,
                      actor=actor if getattr(actor, "pk", None) else None)


def _record(*events: QueueEvent) -> None:
    QueueEvent.objects.bulk_create(events)  # one INSERT however many


def _check_hours(business: Business, now: datetime.datetime) -> Window | None:
    """Refuse a ticket outside the business's hours of the day (`hall.hours`), unless a window serving it has
    extended hours now (延时/错时服务): then the ticket goes to that window, which is returned."""
    local = timezone.localtime(now)
    day, time_of_day = local.date(), local.time()
    span = hours.business_hours(business, day)
    if span and span[0] <= time_of_day < span[1]:
        return None
    window = hours.extended_window(business, day, time_of_day)
    if window is not None:
        return window
    if span is None:
        raise Conflict(_("%(business)s gives out no tickets on %(day)s.")
                       % {"business": business.name, "day": f"{day:%Y-%m-%d}"}, code="closed_day")
    raise Conflict(_("Tickets for %(business)s are given out from %(start)s to %(end)s.")
                   % {"business": business.name, "start": f"{span[0]:%H:%M}", "end": f"{span[1]:%H:%M}"},
                   code="outside_hours")


def _check_caps(business: Business, day: datetime.date, now: datetime.datetime) -> None:
    taken = Ticket.objects.filter(business=business, day=day)
    if business.daily_cap and taken.count() >= business.daily_cap:
        raise Conflict(_("Today's tickets for %(business)s are all given out.") % {"business": business.name},
                       code="daily_cap")
    time_of_day = timezone.localtime(now).time()
    for band in business.bands.all():
        if band.starts_at <= time_of_day < band.ends_at:
            start = timezone.make_aware(datetime.datetime.combine(day, band.starts_at))
            if taken.filter(taken_at__gte=start).count() >= band.cap:
                raise Conflict(_("The tickets for %(start)s-%(end)s are all given out; please come back later.")
                               % {"start": f"{band.starts_at:%H:%M}", "end": f"{band.ends_at:%H:%M}"},
                               code="band_cap")


def ticket_take(*, business: Business, id_number: str = "", priority: str = "", channel: str = Ticket.Channel.KIOSK,
                appointment_code: str = "", actor=None, now: datetime.datetime | None = None) -> Ticket:
    """Give out the next number of `business` today. The business row is locked while the number is chosen, so
    concurrent kiosks queue here and never share a number; the unique constraint is the backstop.

    An appointment for today is checked in by its code, or by the ID number it was booked with: its holder is
    called before the others while the slot lasts, and an extended-hours slot gives a ticket outside hours."""
    id_number = (id_number or "").strip().upper()
    if id_number:
        result = check_id_number(id_number)
        if not result.ok:
            raise ValidationFailed(result.message, code="bad_id_number", details={"id_number": str(result.message)})
    if priority and priority not in SELF_DECLARED:
        raise ValidationFailed(_("Choose disabled or pregnant for the green channel."), code="bad_priority",
                               details={"priority": priority})
    if channel not in Ticket.Channel.values:
        raise ValidationFailed(pgettext_lazy("hall", "Unknown channel."), code="bad_channel")
    now = now or clock.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        business = Business.objects.select_for_update().filter(pk=business.pk, active=True).first()
        if business is None:
            raise NotFound(_("This business is not offered in the hall."), code="unknown_business")
        appointment = _appointment_for(business, appointment_code, id_number, now)
        extended = None
        if appointment is None:
            extended = _check_hours(business, now)
            _check_caps(business, day, now)
        if not priority and id_number and age_on(id_number, day) >= conf.elderly_age():
            priority = Ticket.Priority.ELDERLY
        seq = (Ticket.objects.filter(business=business, day=day).aggregate(m=Max("seq"))["m"] or 0) + 1
        ticket = Ticket.objects.create(
            business=business, day=day, seq=seq, number=f"{business.prefix}{seq:03d}", priority=priority,
            channel=channel, id_number=id_number, taken_at=now, token=secrets.token_urlsafe(16),
            for_window=appointment.slot.window if appointment else extended)  # extended hours: that window's
        if appointment is not None:
            appointment.state, appointment.ticket = Appointment.State.CHECKED_IN, ticket
            appointment.save(update_fields=["state", "ticket"])
        _record(_event(QueueEvent.Kind.TAKE, hall_id=business.hall_id, ticket=ticket, actor=actor, at=now))
        audit_log(action="hall.ticket_taken", actor=actor, obj=ticket,
                  changes={"business": business.code, "priority": priority, "channel": channel,
                           "id_number": mask_id_number(id_number),
                           "appointment": appointment.code if appointment else ""})
    return ticket


def _appointment_for(business: Business, code: str, id_number: str, now) -> Appointment | None:
    """Today's booked appointment of this business named by `code` (refused when it does not fit) or, without a
    code, booked with `id_number` and due now (none: an ordinary ticket)."""
    code = (code or "").strip().upper()
    if not code and not id_number:
        return None
    rows = Appointment.objects.select_for_update().select_related("slot").filter(
        slot__business=business, slot__date=timezone.localdate(now), state=Appointment.State.BOOKED)
    appointment = rows.filter(code=code[:8]).first() if code else rows.filter(id_number=id_number).first()
    if appointment is None:
        if code:
            raise NotFound(_("No appointment for this business today has this code."), code="unknown_appointment")
        return None
    local = timezone.localtime(now)
    start = timezone.make_aware(datetime.datetime.combine(appointment.slot.date, appointment.slot.starts_at))
    end = timezone.make_aware(datetime.datetime.combine(appointment.slot.date, appointment.slot.ends_at))
    if not start - CHECK_IN_EARLY <= local < end:
        if code:
            raise Conflict(_("Your appointment is for %(start)s-%(end)s; check in from an hour before it.")
                           % {"start": f"{appointment.slot.starts_at:%H:%M}", "end": f"{appointment.slot.ends_at:%H:%M}"},
                           code="not_appointment_time")
        return None
    return appointment


# --- appointments ----------------------------------------------------------------------------------------

def collection_slot_lock(*, date: datetime.date, period: str, capacity: int) -> AppointmentSlot:
    """The half-day slot for collecting results at the window (no business), created on first use and locked,
    so that concurrent bookings of it (the portal's delivery choice) count one at a time."""
    start, end = COLLECTION_PERIODS[period]
    slot, _created = AppointmentSlot.objects.select_for_update().get_or_create(
        business=None, window=None, date=date, starts_at=start, defaults={"ends_at": end, "capacity": capacity})
    return slot


def appointment_book(*, slot: AppointmentSlot, id_number: str, mobile: str, actor=None) -> Appointment:
    """预约: one place in a business's slot, at most one booking per person, business and day."""
    id_number = (id_number or "").strip().upper()
    result = check_id_number(id_number)
    errors = {} if result.ok else {"id_number": str(result.message)}
    mobile = (mobile or "").strip()
    if not mobile_ok(mobile):
        errors["mobile"] = str(_("Enter an 11-digit mobile number starting with 1."))
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), code="bad_booking", details=errors)
    now = clock.now()
    with transaction.atomic():
        slot = AppointmentSlot.objects.select_for_update().select_related("business").filter(
            pk=slot.pk, business__isnull=False, business__active=True).first()
        if slot is None:
            raise NotFound(_("This slot cannot be booked."), code="unknown_slot")
        if timezone.make_aware(datetime.datetime.combine(slot.date, slot.ends_at)) <= now:
            raise Conflict(_("This slot is over; choose a later one."), code="slot_over")
        if slot.kind == AppointmentSlot.Kind.REGULAR and not hours.covers(
                hours.business_hours(slot.business, slot.date), slot.starts_at, slot.ends_at):
            raise Conflict(_("%(business)s is not open at that time; choose another slot.")
                           % {"business": slot.business.name}, code="slot_closed")
        if Appointment.objects.filter(slot__business=slot.business, slot__date=slot.date, id_number=id_number,
                                      state__in=ACTIVE_BOOKINGS).exists():
            raise Conflict(_("You already have an appointment for this business on that day."), code="already_booked")
        if slot.appointments.filter(state__in=ACTIVE_BOOKINGS).count() >= slot.capacity:
            raise Conflict(_("This slot is full; choose another."), code="slot_full")
        appointment = Appointment.objects.create(
            slot=slot, id_number=id_number, mobile=mobile, booked_at=now,
            code="".join(secrets.choice(CODE_CHARS) for _ in range(8)))
        audit_log(action="hall.appointment_booked", actor=actor, obj=appointment,
                  changes={"slot": str(slot), "business": slot.business.code, "id_number": mask_id_number(id_number)})
    return appointment


def appointments_mark_no_show(*, now: datetime.datetime | None = None) -> int:
    """Bookings whose slot ended without a check-in are recorded as no-shows."""
    now = timezone.localtime(now or clock.now())
    with transaction.atomic():
        late = Appointment.objects.select_for_update().filter(state=Appointment.State.BOOKED).filter(
            Q(slot__date__lt=now.date()) | Q(slot__date=now.date(), slot__ends_at__lte=now.time()))
        ids = list(late.values_list("pk", flat=True))
        Appointment.objects.filter(pk__in=ids).update(state=Appointment.State.NO_SHOW)
        if ids:
            audit_log(action="hall.appointments_no_show", object_type="hall.appointment", object_repr=str(now.date()),
                      changes={"count": len(ids)})
    return len(ids)


# --- the window ------------------------------------------------------------------------------------------

def _desk(window: Window, actor) -> Desk:
    """Lock the desk of `window` for its own clerk: one window's actions run one at a time."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(*COUNTER_ROLES)):
        raise PermissionDenied()
    if actor.window_id != window.pk:
        raise PermissionDenied(_("Only the clerk of this window can call to it."), code="not_your_window")
    desk = (Desk.objects.select_for_update(of=("self",)).select_related("window", "current")
            .filter(window=window).first())
    if desk is None:
        raise NotFound(_("This window does not call tickets."), code="no_desk")
    return desk


def _current(desk: Desk) -> Ticket:
    if desk.current is None or desk.current.state != Ticket.State.CALLED:
        raise Conflict(_("No ticket is being served at this window."), code="no_current_ticket")
    return Ticket.objects.select_for_update().get(pk=desk.current_id)


def queue_order(window: Window, now: datetime.datetime):
    """The tickets `window` may call, in call order: transferred to it, green channel, appointment holders whose
    slot covers now, then everyone by ticket time. The businesses the window serves are a subquery (joining
    through every desk that serves them multiplied the waiting rows by the number of desks)."""
    local = timezone.localtime(now)
    clock_time = local.time()
    due = Q(appointment__slot__starts_at__lte=clock_time, appointment__slot__ends_at__gt=clock_time)
    serves = Desk.businesses.through.objects.filter(desk__window=window).values("business_id")
    return (Ticket.objects.filter(day=local.date(), state=Ticket.State.WAITING, business_id__in=serves)
            .filter(Q(for_window=None) | Q(for_window=window))
            .annotate(rank=When_(When(for_window=window, then=Value(0)), When(~Q(priority=""), then=Value(1)),
                                 When(due, then=Value(2)), default=Value(3), output_field=IntegerField()))
            .order_by("rank", "taken_at", "id"))


def _finish(desk: Desk, ticket: Ticket, actor, now) -> list[QueueEvent]:
    """End the service of `ticket` (called at this desk, whose lock the caller holds): its queue event is
    returned for the caller to record with its own."""
    ticket.state, ticket.finished_at = Ticket.State.DONE, now
    ticket.save(update_fields=["state", "finished_at"])
    audit_log(action="hall.ticket_finished", actor=actor, obj=ticket, changes={"window": desk.window.number})
    return [_event(QueueEvent.Kind.FINISH, hall_id=desk.window.hall_id, ticket=ticket, window=desk.window, actor=actor,
                   at=now)]


def desk_call_next(*, window: Window, actor) -> Ticket:
    """呼叫下一位: end the service of the current ticket, choose the next one in call order and record the call,
    in one transaction. Other windows' transactions skip a ticket being chosen (skip_locked) and the state is
    changed only if it is still waiting, so one ticket never goes to two windows.

    The current ticket is read with the locked desk: every change of a called ticket's state goes through its
    desk's lock (call, skip, transfer, finish) or needs a day already over (closing the day)."""
    now = clock.now()
    with transaction.atomic():
        desk = _desk(window, actor)
        if desk.state != Desk.State.OPEN:
            raise Conflict(_("The window is paused; resume service first."), code="window_paused")
        previous = desk.current if desk.current_id and desk.current.state == Ticket.State.CALLED else None
        # One row at a time: FOR UPDATE locks every row a query returns, so a LIMIT 5 would hide five tickets
        # from the other windows. The conditional update covers databases without row locks (SQLite).
        ticket, tried = None, []
        for _attempt in range(5):
            candidate = (queue_order(window, now).exclude(pk__in=tried).select_related("business")
                         .select_for_update(skip_locked=True, of=("self",)).first())
            if candidate is None:
                break
            called = {"state": Ticket.State.CALLED, "window": window, "clerk": actor, "called_at": now, "calls": 1,
                      "for_window": None, "first_called_at": candidate.first_called_at or now}
            if Ticket.objects.filter(pk=candidate.pk, state=Ticket.State.WAITING).update(**called):
                ticket = candidate
                for field, value in called.items():
                    setattr(ticket, field, value)
                break
            tried.append(candidate.pk)
        desk.current = ticket
        desk.save(update_fields=["current"])
        events = _finish(desk, previous, actor, now) if previous is not None else []
        if ticket is not None:
            events.append(_event(QueueEvent.Kind.CALL, hall_id=window.hall_id, ticket=ticket, window=window,
                                 actor=actor, at=now))
            audit_log(action="hall.ticket_called", actor=actor, obj=ticket, changes={"window": window.number})
        _record(*events)
    if ticket is None:  # raised after the commit: the service that ended stays ended
        raise NotFound(_("Nobody is waiting for this window."), code="nobody_waiting")
    return ticket


def desk_recall(*, window: Window, actor) -> Ticket:
    """重呼: call the current ticket again."""
    with transaction.atomic():
        desk = _desk(window, actor)
        ticket = _current(desk)
        ticket.calls += 1
        ticket.save(update_fields=["calls"])
        _record(_event(QueueEvent.Kind.RECALL, hall_id=window.hall_id, ticket=ticket, window=window, actor=actor))
        audit_log(action="hall.ticket_recalled", actor=actor, obj=ticket, changes={"window": window.number})
    return ticket


def desk_skip(*, window: Window, actor) -> Ticket:
    """过号: the person called did not come; the ticket can be called back later today."""
    with transaction.atomic():
        desk = _desk(window, actor)
        ticket = _current(desk)
        ticket.state = Ticket.State.SKIPPED
        ticket.save(update_fields=["state"])
        desk.current = None
        desk.save(update_fields=["current"])
        _record(_event(QueueEvent.Kind.SKIP, hall_id=window.hall_id, ticket=ticket, window=window, actor=actor))
        audit_log(action="hall.ticket_skipped", actor=actor, obj=ticket, changes={"window": window.number})
    return ticket


def desk_call_skipped(*, window: Window, ticket: Ticket, actor) -> Ticket:
    """Call a skipped ticket back (the person came late) at this window."""
    now = clock.now()
    with transaction.atomic():
        desk = _desk(window, actor)
        if desk.current_id and desk.current.state == Ticket.State.CALLED:
            raise Conflict(_("End the current service first."), code="window_busy")
        ticket = Ticket.objects.select_for_update().filter(pk=ticket.pk, state=Ticket.State.SKIPPED,
                                                           day=timezone.localdate(now)).first()
        if ticket is None:
            raise Conflict(_("This ticket is not waiting to be called back."), code="not_skipped")
        ticket.state, ticket.window, ticket.clerk, ticket.called_at = Ticket.State.CALLED, window, actor, now
        ticket.calls += 1
        ticket.save(update_fields=["state", "window", "clerk", "called_at", "calls"])
        desk.current = ticket
        desk.save(update_fields=["current"])
        _record(_event(QueueEvent.Kind.RECALL, hall_id=window.hall_id, ticket=ticket, window=window, actor=actor, at=now))
        audit_log(action="hall.ticket_recalled", actor=actor, obj=ticket,
                  changes={"window": window.number, "was": "skipped"})
    return ticket


def desk_transfer(*, window: Window, to_window: Window, actor) -> Ticket:
    """转窗: send the current ticket to another window of the hall; it is called there first."""
    with transaction.atomic():
        desk = _desk(window, actor)
        ticket = _current(desk)
        if to_window.pk == window.pk or to_window.hall_id != window.hall_id or not Desk.objects.filter(
                window=to_window).exists():
            raise ValidationFailed(_("Choose another window of this hall."), code="bad_window",
                                   details={"to_window": to_window.pk})
        ticket.state, ticket.for_window, ticket.window = Ticket.State.WAITING, to_window, None
        ticket.transfers += 1
        ticket.save(update_fields=["state", "for_window", "window", "transfers"])
        desk.current = None
        desk.save(update_fields=["current"])
        _record(_event(QueueEvent.Kind.TRANSFER, hall_id=window.hall_id, ticket=ticket, window=window, actor=actor))
        audit_log(action="hall.ticket_transferred", actor=actor, obj=ticket,
                  changes={"from": window.number, "to": to_window.number})
    return ticket


def desk_finish(*, window: Window, actor) -> Ticket:
    """办结: the service of the current ticket ends; the rating pad offers it now."""
    with transaction.atomic():
        desk = _desk(window, actor)
        ticket = _current(desk)
        _record(*_finish(desk, ticket, actor, clock.now()))
        desk.current = None
        desk.save(update_fields=["current"])
    return ticket


def desk_set_state(*, window: Window, state: str, actor) -> Desk:
    """暂停服务 / 恢复服务. A paused window keeps its current ticket but calls nobody."""
    if state not in (Desk.State.OPEN, Desk.State.PAUSED):
        raise ValidationFailed(_("Unknown window state."), code="bad_state")
    with transaction.atomic():
        desk = _desk(window, actor)
        if desk.state == state:
            return desk
        before, desk.state = desk.state, state
        desk.save(update_fields=["state"])
        kind = QueueEvent.Kind.RESUME if state == Desk.State.OPEN else QueueEvent.Kind.PAUSE
        _record(_event(kind, hall_id=window.hall_id, window=window, actor=actor))
        audit_log(action=f"hall.window_{kind}d", actor=actor, obj=window, changes={"state": [before, state]})
    return desk


def desk_open_standby(*, window: Window, actor) -> Desk:
    """The hall manager opens a standby window when people wait too long."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(Role.SUPERVISOR, Role.ADMINISTRATOR)):
        raise PermissionDenied()
    with transaction.atomic():
        desk = Desk.objects.select_for_update().filter(window=window, standby=True).first()
        if desk is None:
            raise NotFound(_("This is not a standby window."), code="not_standby")
        if desk.state != Desk.State.OPEN:
            desk.state, desk.opened_for = Desk.State.OPEN, None  # opened by hand: it stays open
            desk.save(update_fields=["state", "opened_for"])
            _record(_event(QueueEvent.Kind.RESUME, hall_id=window.hall_id, window=window, actor=actor))
            audit_log(action="hall.standby_opened", actor=actor, obj=window)
    return desk


def _standby_for(business: Business, desks: list[Desk]) -> Desk | None:
    """The closed standby window to open for `business`: the one it names, else (hall-wide setting) any closed
    standby window serving it. A window that does not serve the business would not help, so it is never chosen."""
    serving = [d for d in desks if d.state == Desk.State.CLOSED and business in d.businesses.all()]
    if business.standby_window_id:
        return next((d for d in serving if d.window_id == business.standby_window_id), None)
    if conf.auto_standby():
        return next((d for d in serving if d.standby), None)
    return None


def standby_adjust(*, hall, now: datetime.datetime | None = None) -> tuple[list[Window], list[Window]]:
    """The waiting warning at work: open a business's standby window when someone of it has waited longer than
    its warning time, and close a window opened so once the wait of that business has fallen back and the
    window serves nobody. Windows opened by hand are left alone. Returns (opened, closed) windows."""
    from .selectors import waiting_warnings

    now = now or clock.now()
    opened, closed = [], []
    with transaction.atomic():
        candidates = Business.objects.filter(hall=hall, standby_window__isnull=False).values("standby_window")
        desks = list(Desk.objects.select_for_update(of=("self",)).select_related("window", "current")
                     .prefetch_related("businesses").filter(window__hall=hall)
                     .filter(Q(standby=True) | Q(window__in=candidates) | Q(opened_for__isnull=False))
                     .order_by("window__number", "id"))
        warned = {row["business"].pk: row for row in waiting_warnings(hall, now)}
        for row in warned.values():
            desk = _standby_for(row["business"], desks)
            if desk is None:
                continue
            desk.state, desk.opened_for = Desk.State.OPEN, row["business"]
            desk.save(update_fields=["state", "opened_for"])
            _record(_event(QueueEvent.Kind.RESUME, hall_id=hall.pk, window=desk.window, at=now))
            audit_log(action="hall.standby_opened", obj=desk.window,
                      changes={"automatic": True, "business": row["business"].code, "waited_minutes": row["minutes"]})
            opened.append(desk.window)
        for desk in desks:
            serving = desk.current_id and desk.current.state == Ticket.State.CALLED
            if not desk.opened_for_id or desk.opened_for_id in warned or serving:
                continue
            business = desk.opened_for
            desk.state, desk.opened_for = Desk.State.CLOSED, None
            desk.save(update_fields=["state", "opened_for"])
            _record(_event(QueueEvent.Kind.PAUSE, hall_id=hall.pk, window=desk.window, at=now))
            audit_log(action="hall.standby_closed", obj=desk.window,
                      changes={"automatic": True, "business": business.code})
            closed.append(desk.window)
    return opened, closed


# --- the ticket ------------------------------------------------------------------------------------------

def ticket_mark_priority(*, ticket: Ticket, actor) -> Ticket:
    """Staff put a waiting ticket into the green channel (e.g. a person with a visible need)."""
    if not (getattr(actor, "is_staff_member", False) and actor.has_role(*COUNTER_ROLES, Role.SUPERVISOR)):
        raise PermissionDenied()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.state != Ticket.State.WAITING:
            raise Conflict(_("Only a waiting ticket can be given priority."), code="not_waiting")
        if not ticket.priority:
            ticket.priority = Ticket.Priority.STAFF
            ticket.save(update_fields=["priority"])
            audit_log(action="hall.ticket_prioritised", actor=actor, obj=ticket)
    return ticket


def ticket_link_case(*, ticket_id: int | str, case, actor) -> Ticket:
    """The case the clerk started from the ticket being served (the figures join the wait to the case)."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=int(ticket_id) if str(ticket_id).isdigit() else None).first()
        if ticket is None or ticket.clerk_id != actor.pk or ticket.state != Ticket.State.CALLED:
            raise Conflict(_("Only the ticket being served by you can start a case."), code="not_serving")
        if ticket.case_id and ticket.case_id != case.pk:
            raise Conflict(_("This ticket already has a case."), code="has_case")
        ticket.case = case
        ticket.save(update_fields=["case"])
        audit_log(action="hall.ticket_case_linked", actor=actor, obj=ticket, changes={"case": case.case_no})
    return ticket


def ticket_rate(*, ticket: Ticket, level: str, levels: Collection[str], actor=None) -> Ticket:
    """The rating given at the window's pad for a ticket's service, once. `levels` are the rating levels, which
    the ratings app (above the hall) owns and passes down."""
    if level not in levels:
        raise ValidationFailed(_("Choose one of the rating levels."), code="bad_level")
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ticket.state != Ticket.State.DONE or ticket.rating:
            raise Conflict(_("This service has already been rated."), code="already_rated")
        ticket.rating = level
        ticket.save(update_fields=["rating"])
        audit_log(action="hall.ticket_rated", actor=actor, obj=ticket, changes={"level": level})
    return ticket


def tickets_close_day(*, before: datetime.date | None = None) -> int:
    """弃号: close every ticket of days before `before` (default today) still unfinished; never carried over."""
    before = before or clock.today()
    closed = 0
    with transaction.atomic():
        stale = list(Ticket.objects.select_for_update().filter(day__lt=before, state__in=UNFINISHED)
                     .select_related("business"))
        now = clock.now()
        for ticket in stale:
            ticket.state = Ticket.State.ABANDONED
        _record(*(_event(QueueEvent.Kind.ABANDON, hall_id=t.business.hall_id, ticket=t, at=now) for t in stale))
        Ticket.objects.bulk_update(stale, ["state"])
        Desk.objects.filter(current__in=stale).update(current=None)
        closed = len(stale)
        if closed:
            audit_log(action="hall.tickets_abandoned", object_type="hall.ticket", object_repr=str(before),
                      changes={"closed": closed, "before": before})
    return closed
