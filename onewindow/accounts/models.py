"""People, departments, halls and windows, roles, and the authority list (授权清单)."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core import clock


class Role(models.TextChoices):
    CLERK = "clerk", _("Window clerk")  # 窗口受理员
    CHIEF_APPROVER = "chief_approver", _("Chief approver")  # 首席审批员
    REVIEWER = "reviewer", _("Back-office reviewer")  # 处室审核员
    DECISION_MAKER = "decision_maker", _("Decision maker")  # 审批决定人
    SUPERVISOR = "supervisor", _("Supervisor")  # 效能监察
    ADMINISTRATOR = "administrator", _("Administrator")


class Department(models.Model):
    """A division (处室) or the department itself; `credit_code` is the unit's 统一社会信用代码."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent department"))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Hall(models.Model):
    """A government service hall (政务服务大厅)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service hall")
        verbose_name_plural = _("service halls")

    def __str__(self):
        return self.name


class Window(models.Model):
    """A numbered counter (窗口) in a hall, run by a department."""

    hall = models.ForeignKey(Hall, models.PROTECT, related_name="windows", verbose_name=_("hall"))
    number = models.CharField(_("window number"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(Department, models.PROTECT, related_name="windows",
                                   verbose_name=_("department"))

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="window_unique_number")]

    def __str__(self):
        return f"{self.hall} {self.number} {self.name}"


class User(AbstractUser):
    """Staff and applicants share one table; `kind` keeps them apart and staff hold roles."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        APPLICANT = "applicant", _("Applicant")
        PLATFORM = "platform", _("Platform client")

    # Django's field and wording, stamped by the application's clock (core.clock) like every row it writes.
    date_joined = models.DateTimeField(AbstractUser._meta.get_field("date_joined").verbose_name, default=clock.now)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.APPLICANT)
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="staff",
                                   verbose_name=_("department"))
    window = models.ForeignKey(Window, models.SET_NULL, null=True, blank=True, related_name="staff",
                               verbose_name=_("window"))

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == self.Kind.STAFF and self.is_active

    def role_codes(self) -> frozenset[str]:
        """Roles held, cached per instance (one query per request)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            if not self.pk or self.kind != self.Kind.STAFF:
                cached = frozenset()
            else:
                cached = frozenset(self.role_memberships.values_list("role", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return self.is_active and bool(self.role_codes() & set(roles))


class RoleMembership(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="role_memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class AuthorityGrant(models.Model):
    """One line of the authority list (授权清单): a role may perform an action on an item.

    Decision authority is data: an administrator edits it, and every case action checks it.
    """

    class Action(models.TextChoices):
        ACCEPT = "accept", _("Accept")  # 受理
        REVIEW = "review", _("Preliminary review")  # 初审
        DECIDE = "decide", _("Decide")  # 决定
        ISSUE = "issue", _("Issue result")  # 出件

    item = models.ForeignKey("catalog.Item", models.CASCADE, related_name="authority_grants",
                             verbose_name=_("item"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("authority grant")
        verbose_name_plural = _("authority list")
        constraints = [
            models.UniqueConstraint(fields=["item", "action", "role"], name="authority_grant_unique"),
        ]
        indexes = [models.Index(fields=["role", "action"])]

    def __str__(self):
        return f"{self.item} · {self.get_action_display()} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the API. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Empty for a person's token (it can do what the person can); platform tokens list what they may do.
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    rate_limit = models.PositiveIntegerField(_("requests per minute"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class IdempotencyRecord(models.Model):
    """The first answer to an API request with a given Idempotency-Key (or client reference), replayed
    after; per API caller (`idempotency.idempotent`)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="+", verbose_name=_("account"))
    key = models.CharField(_("key"), max_length=120)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key")]

    def __str__(self):
        return self.key
