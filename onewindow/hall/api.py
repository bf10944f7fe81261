"""Hall API (/api/v1/hall): businesses and tickets for the provincial app and kiosks (public; taking a
ticket is throttled per address), windows and calling for the window clerks (token)."""

import datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from onewindow.accounts.auth import TokenAuth
from onewindow.accounts.models import Window
from onewindow.accounts.permissions import require_staff_api
from onewindow.core.errors import NotFound, RateLimited
from onewindow.core.openapi import ErrorOut
from onewindow.core.ratelimit import rate_limited

from . import conf, selectors, services
from .models import AppointmentSlot, Business, Desk, Ticket

router = Router(tags=["hall"])
appointments_router = Router(tags=["appointments"])


class BusinessOut(Schema):
    code: str
    name: str
    waiting: int


class TicketIn(Schema):
    business: str
    id_number: str = ""
    appointment_code: str = ""
    hall: int | None = None


class TicketOut(Schema):
    id: str  # the follow token: unguessable, so one person cannot list the others' tickets
    number: str
    business: str
    state: str
    state_label: str
    people_ahead: int
    estimated_wait_minutes: int
    window: str
    taken_at: datetime.datetime
    follow_url: str


class WindowOut(Schema):
    id: int
    number: str
    name: str
    businesses: list[str]
    state: str


def _ticket_out(ticket: Ticket) -> dict:
    ahead = selectors.people_ahead(ticket)
    return {"id": ticket.token, "number": ticket.number, "business": ticket.business.code, "state": ticket.state,
            "state_label": str(ticket.get_state_display()), "people_ahead": ahead,
            "estimated_wait_minutes": selectors.estimated_wait_minutes(ticket, ahead),
            "window": ticket.window.number if ticket.window_id else "", "taken_at": ticket.taken_at,
            "follow_url": settings.ONEWINDOW_PUBLIC_URL.rstrip("/") + reverse("hall:ticket", args=[ticket.token])}


def _hall(hall_id):
    hall = selectors.hall_or_first(hall_id)
    if hall is None:
        raise NotFound(_("No service hall is configured."), code="no_hall")
    return hall


@router.get("/businesses", response=list[BusinessOut], auth=None)
def businesses(request, hall: int | None = None):
    """Anyone: the businesses of the hall (default: the first) with the people waiting now."""
    return [{"code": b.code, "name": b.name, "waiting": b.waiting} for b in selectors.businesses_waiting(_hall(hall))]


@router.post("/tickets", response={201: TicketOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             auth=None)
def ticket_take(request, payload: TicketIn):
    """Anyone (online 取号 when in the hall): take a ticket for a business by its code. Throttled per address;
    409 `outside_hours` (with the day's hours) or `closed_day` (no hours that weekday, or a holiday) and when its
    caps are reached; 422 for an invalid ID number."""
    if rate_limited(request, "hall_take", conf.takes_per_minute()):
        raise RateLimited()
    business = selectors.business_in_hall(payload.hall, payload.business[:30])
    if business is None:
        _hall(payload.hall)  # 404 `no_hall` when there is no such hall
        raise NotFound(_("This business is not offered in the hall."), code="unknown_business")
    ticket = services.ticket_take(business=business, id_number=payload.id_number[:18], channel=Ticket.Channel.API,
                                  appointment_code=payload.appointment_code[:8])
    return Status(201, _ticket_out(ticket))


@router.get("/tickets/{token}", response={200: TicketOut, 404: ErrorOut}, auth=None)
def ticket_get(request, token: str):
    """Anyone holding the ticket's id: its state and the people ahead."""
    return _ticket_out(get_object_or_404(Ticket.objects.select_related("business", "window"), token=token[:32]))


@router.get("/windows", response=list[WindowOut], auth=TokenAuth())
def windows(request, hall: int | None = None):
    """Staff: the hall's calling windows, the businesses each serves and its state."""
    require_staff_api(request.user)
    desks = Desk.objects.filter(window__hall=_hall(hall)).select_related("window").prefetch_related("businesses")
    return [{"id": d.window_id, "number": d.window.number, "name": d.window.name, "state": d.state,
             "businesses": [b.code for b in d.businesses.all()]} for d in desks.order_by("window__number")]


@router.post("/windows/{window_id}/call", response={200: TicketOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             auth=TokenAuth())
def call(request, window_id: int):
    """The window's own clerk: call the next person (the current service ends). 404 `nobody_waiting`."""
    require_staff_api(request.user, *services.COUNTER_ROLES)
    ticket = services.desk_call_next(window=get_object_or_404(Window, pk=window_id), actor=request.user)
    return _ticket_out(ticket)  # read with its business, and its window is the one calling


# --- appointments (/api/v1/appointments) -------------------------------------------------------------------

class SlotOut(Schema):
    id: int
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    kind: str
    window: str
    capacity: int
    available: int


class AppointmentIn(Schema):
    slot: int
    id_number: str
    mobile: str


class AppointmentOut(Schema):
    code: str
    business: str
    date: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    state: str


@appointments_router.get("/slots", response={200: list[SlotOut], 404: ErrorOut}, auth=None)
def slots(request, business: str, date: datetime.date, hall: int | None = None):
    """Anyone: the slots of a business (by code) on a day with the places left."""
    found = Business.objects.filter(hall=_hall(hall), code=business[:30], active=True).first()
    if found is None:
        raise NotFound(_("This business is not offered in the hall."), code="unknown_business")
    return [{"id": s.id, "date": s.date, "starts_at": s.starts_at, "ends_at": s.ends_at, "kind": s.kind,
             "window": s.window.number if s.window else "", "capacity": s.capacity,
             "available": max(0, s.capacity - s.taken)} for s in selectors.slots_open(found, date)]


@appointments_router.post("", response={201: AppointmentOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
                          auth=None)
def book(request, payload: AppointmentIn):
    """Anyone (the provincial app, the portal): book a place; the code checks in at the kiosk. Throttled per
    address; 409 when the slot is full, over or outside the business's hours that day (`slot_closed`) or the person
    already booked that business that day."""
    if rate_limited(request, "hall_book", conf.takes_per_minute()):
        raise RateLimited()
    slot = AppointmentSlot.objects.filter(pk=payload.slot).first()
    if slot is None:
        raise NotFound(_("This slot cannot be booked."), code="unknown_slot")
    made = services.appointment_book(slot=slot, id_number=payload.id_number[:18], mobile=payload.mobile[:11])
    return Status(201, {"code": made.code, "business": made.slot.business.code, "date": made.slot.date,
                        "starts_at": made.slot.starts_at, "ends_at": made.slot.ends_at, "state": made.state})
