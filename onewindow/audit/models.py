"""The append-only, hash-chained audit log."""

import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyError(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def seal(self, pk: int, *, position: int, prev_hash: str, hash: str) -> int:
        """The sealer's only write (services.audit_seal): chain an event that is not chained yet."""
        return models.QuerySet.update(self.filter(pk=pk, position__isnull=True), position=position,
                                      prev_hash=prev_hash, hash=hash)


class AuditEvent(models.Model):
    class Source(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        WORKER = "worker", _("Worker")
        CLI = "cli", _("Command line")
        SYSTEM = "system", _("System")

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(pgettext_lazy("audit", "object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.SYSTEM)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # Correlates the event with the request's log lines; outside the hash (it is not evidence of the change).
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")
    # Written by the sealer, which chains committed events one at a time (services.audit_seal): the event's
    # place in the chain, the hash of the event before it, and its own hash. Empty until then.
    position = models.PositiveBigIntegerField(pgettext_lazy("audit", "position"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, default="")
    hash = models.CharField(_("hash"), max_length=64, unique=True, null=True, blank=True)
    # HMAC of the content by the writer (keys.event_mac): the sealer chains only what the application wrote.
    mac = models.CharField(_("content key"), max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"]),
                   # What the sealer looks for after every commit, in a table of millions of chained events.
                   models.Index(fields=["id"], condition=models.Q(position__isnull=True), name="audit_event_unchained")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def compute_hash(self, prev_hash: str | None = None) -> str:
        """SHA-256 over the previous hash (the event's own unless given) and every recorded field, in a
        canonical JSON form. With prev_hash="" it is the digest of the content alone, which the writer keys."""
        payload = {
            "prev": self.prev_hash if prev_hash is None else prev_hash,
            "at": self.at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "changes": self.changes,
            "source": self.source,
            "client_ip": self.client_ip,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
        return hashlib.sha256(blob.encode()).hexdigest()


class AuditChainHead(models.Model):
    """A single row that only the sealer locks, while it chains committed events, so there is one chain
    and writers never wait for each other. `mac` keys
    the head (HMAC over the count and the last hash with a key kept outside the database), so someone with
    only database access cannot recompute the chain or cut its tail and leave a head that verifies."""

    last_hash = models.CharField(max_length=64)
    count = models.PositiveBigIntegerField(default=0)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self):
        return self.last_hash
