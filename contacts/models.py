from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone


class ContactQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one way into contacts: a user sees only the contacts they own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def in_tier(self, tier: int):
        return self.filter(tier=tier)

    def awaiting_outreach(self):
        return self.filter(status=Contact.Status.TO_CONTACT)

    def rederive_tiers_below(self, contact: "Contact", include_self: bool = False) -> None:
        """Recompute the tier of everyone under `contact` in one recursive SQL statement.

        With include_self, the contact's own tier is recomputed from its referrer too.
        """
        table = Contact._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE tree(id, tier, path) AS (
                    SELECT c.id,
                           COALESCE(
                               (SELECT p.tier FROM {table} p WHERE p.id = c.referred_by_id), 0
                           ) + 1,
                           ARRAY[c.id]
                    FROM {table} c WHERE c.id = %s
                  UNION ALL
                    SELECT c.id, tree.tier + 1, tree.path || c.id
                    FROM {table} c JOIN tree ON c.referred_by_id = tree.id
                    WHERE NOT c.id = ANY(tree.path)
                )
                UPDATE {table} SET tier = tree.tier
                FROM tree WHERE {table}.id = tree.id AND {table}.tier <> tree.tier
                  AND (%s OR {table}.id <> %s)
                """,
                [contact.pk, include_self, contact.pk],
            )


class Contact(models.Model):
    """A person in a client's network.

    `tier` is derived, never typed: 1 for someone nobody referred, else the referrer's tier
    plus one. It is stored so lists can filter and count by tier in one query, and kept
    right by `set_referrer()` / `rederive_tiers()`, the only code that changes referrers.
    """

    class Status(models.TextChoices):
        TO_CONTACT = "to_contact", "To contact"
        REACHED_OUT = "reached_out", "Reached out"
        MEETING_SCHEDULED = "meeting_scheduled", "Meeting scheduled"
        MET = "met", "Met"
        FOLLOW_UP_DUE = "follow_up_due", "Follow-up due"
        DORMANT = "dormant", "Dormant"

    class Responsiveness(models.TextChoices):
        UNKNOWN = "unknown", "Not known yet"
        HELPS_READILY = "helps_readily", "Helps readily"
        REPLIES_SLOWLY = "replies_slowly", "Replies slowly"
        NEVER_REPLIES = "never_replies", "Never replies"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    role_title = models.CharField("role or title", max_length=200, blank=True)
    field = models.CharField("field or industry", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    linkedin_url = models.URLField("LinkedIn URL", blank=True)
    how_we_met = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.TO_CONTACT)
    status_changed_at = models.DateTimeField(default=timezone.now)
    responsiveness = models.CharField(
        max_length=20, choices=Responsiveness.choices, default=Responsiveness.UNKNOWN
    )
    referred_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        help_text="The contact who referred you to this person.",
    )
    referred_in = models.ForeignKey(
        "debriefs.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_obtained",
        help_text="The meeting at which this referral was given.",
    )
    tier = models.PositiveSmallIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["owner", "tier"]),
            models.Index(fields=["owner", "status"]),
        ]

    def __str__(self):
        return self.name

    def referral_chain(self) -> list["Contact"]:
        """The referrers from this contact up to tier 1, nearest first."""
        chain, seen, current = [], {self.pk}, self.referred_by
        while current is not None and current.pk not in seen:
            chain.append(current)
            seen.add(current.pk)
            current = current.referred_by
        return chain

    def would_loop(self, referrer: "Contact | None") -> bool:
        """Whether making `referrer` this contact's referrer would close a loop."""
        if referrer is None or self.pk is None:
            return False
        if referrer.pk == self.pk:
            return True
        return any(c.pk == self.pk for c in referrer.referral_chain())

    def check_referrer(self, referrer: "Contact | None") -> None:
        if referrer is None:
            return
        if referrer.owner_id != self.owner_id:
            raise ValidationError(
                {"referred_by": "The referrer must be one of your own contacts."}
            )
        if self.would_loop(referrer):
            raise ValidationError(
                {
                    "referred_by": f"{referrer.name} cannot have referred {self.name}: "
                    f"{self.name} is already in {referrer.name}'s referral chain, "
                    "so the chain would go round in a loop."
                }
            )

    @transaction.atomic
    def set_referrer(self, referrer: "Contact | None") -> None:
        """Change who referred this contact and re-derive the tiers below it."""
        self.check_referrer(referrer)
        self.referred_by = referrer
        self.tier = referrer.tier + 1 if referrer else 1
        self.save()
        Contact.objects.rederive_tiers_below(self)

    def set_status(self, status: str) -> None:
        if status != self.status:
            self.status = status
            self.status_changed_at = timezone.now()
            self.save(update_fields=["status", "status_changed_at", "updated_at"])

    @transaction.atomic
    def delete_keeping_referrals(self) -> int:
        """Delete this contact; the people they referred stay and move up a tier."""
        referred_ids = list(self.referrals.values_list("pk", flat=True))
        self.delete()
        for contact in Contact.objects.filter(pk__in=referred_ids):
            Contact.objects.rederive_tiers_below(contact, include_self=True)
        return len(referred_ids)

