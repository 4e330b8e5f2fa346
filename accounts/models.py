from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.roles import PORTAL_ROLES, PortalRole, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who signs in: staff, a hotline's user or a donor's user. Login is the email."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    # Restored by a workbook import: no password and inactive until the person accepts an invitation.
    awaiting_invitation = models.BooleanField(
        _("awaiting an invitation"),
        default=False,
        help_text=_("Restored from a workbook: inactive, without a password, until the person accepts an invitation."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the emails sent to this person; empty: the site's default language."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def role_names(self) -> frozenset[str]:
        """Names of the staff roles (groups) this user holds, read with the user's permissions
        (`accounts.backends.load_access`), once per user object."""
        from accounts.backends import load_access

        load_access(self)
        return self._role_names_cache

    @cached_property
    def affiliation_or_none(self) -> Affiliation | None:
        try:
            return Affiliation.objects.select_related("content_type").get(user=self)
        except Affiliation.DoesNotExist:
            return None


def _target_labels() -> list[str]:
    return [label.lower() for label in settings.ACCOUNTS_AFFILIATION_TARGETS]


class Affiliation(models.Model):
    """The one organisation or donor a non-staff user belongs to: the scope of what they may see."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="affiliation")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # What the user does in an organisation's portal (`accounts.roles.ACTION_RULES`, "portal.*").
    role = models.CharField(_("portal role"), max_length=20, choices=PortalRole.choices, default=PortalRole.MANAGER)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.target}"

    @property
    def target_label(self) -> str:
        return f"{self.content_type.app_label}.{self.content_type.model}"

    def is_to(self, model_label: str) -> bool:
        return self.target_label == model_label.lower()

    def clean(self) -> None:
        if self.content_type_id and self.target_label not in _target_labels():
            raise ValidationError(_("Users can only be affiliated to an organisation or a donor."))


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def visible_to(self, user: Any) -> InvitationQuerySet:
        """Network staff see every invitation; an organisation's portal manager those to their organisation."""
        from accounts.access import may

        if may(user, "accounts.invitations"):
            return self.all()
        if may(user, "portal.colleagues"):
            affiliation = user.affiliation_or_none
            return self.filter(content_type_id=affiliation.content_type_id, object_id=affiliation.object_id)
        return self.none()


class Invitation(models.Model):
    """A one-time, expiring link that lets a person set a password and join with a role."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=40, choices=Role.invitation_choices())
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    # For a colleague invited by their organisation's manager: the portal role they will have.
    portal_role = models.CharField(_("portal role"), max_length=20, choices=PortalRole.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def needs_target(self) -> bool:
        return self.role in PORTAL_ROLES
