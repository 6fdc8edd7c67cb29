import datetime
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models, transaction
from django.utils import timezone

from .sessions import SessionStore

INVITATION_LIFETIME = datetime.timedelta(days=7)


class UserQuerySet(models.QuerySet):
    def coaches(self):
        return self.filter(role=User.Role.COACH)

    def clients(self):
        return self.filter(role=User.Role.CLIENT)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Users log in with their email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_coach(self, email, password=None, **extra_fields):
        extra_fields["role"] = User.Role.COACH
        return self.create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        COACH = "coach", "Coach"

    username = None
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.CLIENT)
    coach = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clients",
        limit_choices_to={"role": Role.COACH},
        help_text="The coach who may read this client's shared debriefs.",
    )

    calendar_token = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Secret part of the private calendar feed URL; reset to revoke old links.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        indexes = [
            # A coach's clients by name (who needs attention, read 100 at a time).
            models.Index(fields=["coach", "first_name", "last_name", "id"],
                         name="user_clients_by_name"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_coach(self) -> bool:
        return self.role == self.Role.COACH

    @property
    def is_client(self) -> bool:
        return self.role == self.Role.CLIENT

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def end_coaching(self) -> None:
        """The client ends the link: from now on the coach sees nothing of theirs."""
        self.coach = None
        self.save(update_fields=["coach"])


class DataVersion(models.Model):
    """A number that changes, at the commit, with every change to what a user's pages show:
    their own data and, for a coach, their clients'. It keys the page cache
    (config/page_cache.py), so a cached page is never older than the data it shows. Kept
    by triggers (accounts migration 0004), whatever writes the data."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True,
                                on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="+")
    version = models.BigIntegerField(default=0)
    # When the last bump was made: a commit bumps each version once (the migration).
    bumped_at = models.DateTimeField(null=True)
    # Moved by every change but those to a debrief's own rows (its text, competencies,
    # questions, comments, views): it keys what the suggestions read around a debrief
    # (debriefs.suggestions.loading), which an autosave leaves as it was (migration 0006).
    network_version = models.BigIntegerField(default=0, db_default=0)  # rows the triggers add
    network_bumped_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.user_id}: {self.version}"


class InvitationError(Exception):
    """Why an invitation cannot be accepted, in words for the person holding the link."""


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor cancelled (possibly expired: the coach can still resend)."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)

    def open(self, now=None):
        """Pending and not expired: the link still works."""
        return self.pending().filter(expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A coach's single-use link that makes the client who accepts it their client."""

    coach = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(blank=True, help_text="Optional: the invitation is emailed here.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation from {self.coach} ({self.email or 'link'})"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = timezone.now() + INVITATION_LIFETIME
        super().save(*args, **kwargs)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        """One word for lists and the invitation page: open, expired, accepted, cancelled."""
        if self.accepted_at:
            return "accepted"
        if self.cancelled_at:
            return "cancelled"
        return "expired" if self.is_expired else "open"

    def is_for(self, user: User) -> bool:
        """Whether `user` may accept: the invited address (any case), or anyone signed in
        for a link the coach made without an address."""
        return not self.email or self.email.casefold() == user.email.casefold()

    def renew(self) -> None:
        """Resending gives the link another full week."""
        now = timezone.now()
        self.expires_at = now + INVITATION_LIFETIME
        if self.email:
            self.sent_at = now
        self.save(update_fields=["expires_at", "sent_at"])

    def mark_sent(self) -> None:
        self.sent_at = timezone.now()
        self.save(update_fields=["sent_at"])

    def cancel(self) -> None:
        self.cancelled_at = timezone.now()
        self.save(update_fields=["cancelled_at"])

    def accept(self, client: User) -> None:
        """Make `client` this coach's client; the link cannot be used again.

        Raises InvitationError when the link is spent, or the user cannot take it.
        """
        with transaction.atomic():
            # Lock the row so two tabs (or two people) cannot both use a single-use link.
            invitation = Invitation.objects.select_for_update().get(pk=self.pk)
            if invitation.state != "open":
                raise InvitationError(INVITATION_STATE_MESSAGES[invitation.state])
            if not client.is_client:
                raise InvitationError("Invitations are for clients; you are signed in as a coach.")
            if not invitation.is_for(client):
                raise InvitationError(
                    f"This invitation was sent to {invitation.email}, and you are signed in "
                    f"as {client.email}. Log in with {invitation.email}, or create an account "
                    "with that address, to accept it."
                )
            if client.coach_id == invitation.coach_id:
                raise InvitationError(f"{invitation.coach.display_name} is already your coach.")
            if client.coach_id is not None:
                raise InvitationError(
                    f"You already work with {client.coach.display_name}. A client has one "
                    "coach at a time: end that link on your account page first, then open "
                    "this invitation again."
                )
            client.coach = invitation.coach
            client.save(update_fields=["coach"])
            invitation.accepted_at = timezone.now()
            invitation.accepted_by = client
            invitation.save(update_fields=["accepted_at", "accepted_by"])
        self.accepted_at, self.accepted_by = invitation.accepted_at, client


INVITATION_STATE_MESSAGES = {
    "accepted": "This invitation has already been used. Ask your coach for a new link.",
    "cancelled": "Your coach cancelled this invitation. Ask them for a new link.",
    "expired": "This invitation has expired (links last 7 days). Ask your coach to resend it.",
}


class SessionManager(BaseSessionManager):
    def get_queryset(self):
        # The signed-in user comes with its session, in one query (accounts/sessions.py).
        return super().get_queryset().select_related("user")


class Session(AbstractBaseSession):
    """A session kept in the database with the user it signs in, so that every session of
    a user can be ended at once, server-side (password change or reset, account deletion).
    """

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    objects = SessionManager()

    def __str__(self):
        return f"Session of user {self.user_id or '-'}"

    @classmethod
    def get_session_store_class(cls):
        return SessionStore

    @classmethod
    def end_all_for(cls, user: User, keep: str | None = None) -> int:
        """End every session of `user` but `keep` (a session key); returns how many."""
        deleted, _ = cls.objects.filter(user=user).exclude(session_key=keep or "").delete()
        return deleted


class ThrottledAttempt(models.Model):
    """One attempt at an action that is rate-limited per key (password-reset requests, per
    address and per email); see accounts/throttling.py. Old rows are pruned as new ones
    arrive."""

    kind = models.CharField(max_length=30)
    key_type = models.CharField(max_length=20)
    key = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key_type", "key", "created_at"])]

    def __str__(self):
        return f"{self.kind} by {self.key_type}"
