import datetime
import re
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, models, transaction
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Concat, Lower, Replace
from django.utils import timezone

from .outreach import (
    NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS,
    NO_REPLY_SECOND_PERSON_BUSINESS_DAYS,
    business_days_between,
)

# The fields "search as you type" looks in (with the tags).
SEARCHED_FIELDS = ("name", "organisation", "role_title", "field", "email", "how_we_met", "notes")


def _lock_owner(owner_id: int) -> None:
    """Serialise changes to one owner's referral tree (inside a transaction).

    FOR NO KEY UPDATE, not FOR UPDATE: it still excludes another tree change, but not the
    FOR KEY SHARE that PostgreSQL takes on the user to check a new row's foreign key. With
    FOR UPDATE, an autosave committing a row that points at the user waited on this lock
    while this transaction waited on the autosave's debrief: a deadlock.
    """
    list(get_user_model().objects.select_for_update(no_key=True).filter(pk=owner_id)
         .values_list("pk"))


# The trigram index migration 0005 adds where the server has pg_trgm.
TRIGRAM_INDEX = "contact_search_text_trgm"
_trigram_index: dict[str, bool] = {}


def has_trigram_index(using: str = "default") -> bool:
    """Whether this database has the trigram index on `search_text` (so pg_trgm too).

    Asked once per process and database: the embedded PostgreSQL of a fresh machine has no
    pg_trgm, and there the search falls back to the full-text vector with prefixes.
    """
    database = connections[using]
    name = database.settings_dict["NAME"]
    if name not in _trigram_index:
        with database.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TRIGRAM_INDEX])
            _trigram_index[name] = cursor.fetchone()[0]
    return _trigram_index[name]


class TagsText(Func):
    """The tags as one string. `array_to_string` is only STABLE, which a generated column
    refuses, so this calls the IMMUTABLE wrapper migration 0005 creates."""

    function = "contacts_tags_text"
    output_field = models.TextField()


def _searched_text():
    """Every searched field in one lower-case string (the trigram index's column)."""
    parts = []
    for name in SEARCHED_FIELDS:
        parts += [F(name), Value(" ")]
    return Lower(Concat(*parts, TagsText("tags"), output_field=models.TextField()))


def _search_document():
    """The full-text document: name (A), organisation, role, field and tags (B), notes
    and how-we-met (C), the email's parts (D), so "sarah" finds sarah@medwise.com."""
    return (
        SearchVector("name", weight="A", config="english")
        + SearchVector("organisation", "role_title", "field", TagsText("tags"), weight="B",
                       config="english")
        + SearchVector("notes", "how_we_met", weight="C", config="english")
        + SearchVector(Replace(F("email"), Value("@"), Value(" ")), weight="D",
                       config="english")
    )


def _prefix_query(words: list[str]) -> SearchQuery:
    """Every word as a prefix of a word of the document ("medw" finds "Medwise")."""
    tokens = re.findall(r"\w+", " ".join(words))[:16]
    return SearchQuery(" & ".join(f"{token}:*" for token in tokens), search_type="raw",
                       config="english")


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

    def with_tag(self, tag: str):
        return self.filter(tags__contains=[tag])

    def named_like(self, query: str):
        """Contacts whose name or organisation holds every word of `query`, names that
        start with it first: the pickers' search, light enough for every keystroke."""
        words = query.split()[:8]
        matches = self
        for word in words:
            matches = matches.filter(Q(name__icontains=word) | Q(organisation__icontains=word))
        if not words:
            return matches.order_by("name", "pk")
        starts = Case(When(name__istartswith=query.strip(), then=Value(0)), default=Value(1),
                      output_field=IntegerField())
        return matches.order_by(starts, "name", "pk")

    def search(self, query: str):
        """Contacts matching every word of `query`, best matches first (annotated `rank`).

        A word matches when it appears anywhere in the name, organisation, role, field,
        email, how-we-met, notes or tags (so "med" finds "Medwise" while typing), or when the
        whole query matches PostgreSQL's English full-text search (so "consultants" finds
        "consulting"). Names that start with the query rank first.

        Both read stored columns with GIN indexes: `search_text` (trigrams) and
        `search_document`. Without pg_trgm (the embedded server), a word matches as the
        start of a word of the document instead of anywhere in the text.
        """
        words = query.split()[:8]
        if not words:
            return self.annotate(rank=Value(0.0, output_field=models.FloatField()))
        if has_trigram_index(self.db):
            every_word = Q()
            for word in words:
                every_word &= Q(search_text__contains=word.lower())
        else:
            every_word = Q(search_document=_prefix_query(words))
        text_query = SearchQuery(query, search_type="websearch", config="english")
        name_boost = Case(
            When(name__istartswith=query, then=Value(2)),
            When(name__icontains=query, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return self.filter(every_word | Q(search_document=text_query)).annotate(
            rank=name_boost + SearchRank(F("search_document"), text_query)
        )

    def submitted_with(self, token) -> "Contact | None":
        """The contact a form carrying this submission token already added, if any."""
        try:
            token = uuid.UUID(str(token))
        except ValueError:
            return None
        return self.filter(submission_token=token).first()

    def tag_names(self) -> list[str]:
        """Every tag used in these contacts, sorted, in one aggregate query (the database
        unnests the arrays; only the distinct tags travel). For all of one owner's
        contacts, `ContactTally.tags_of` reads the same from the kept counts."""
        tags = (
            self.order_by()
            .annotate(tag=Func(F("tags"), function="unnest",
                               output_field=models.CharField()))
            .values_list("tag", flat=True)
            .distinct()
        )
        return sorted(tags, key=str.casefold)

    def ancestors_of(self, contact: "Contact") -> list["Contact"]:
        """The referrers from `contact` up to tier 1, nearest first, in one query."""
        table = Contact._meta.db_table
        return list(
            Contact.objects.raw(
                f"""
                WITH RECURSIVE chain(id, depth, path) AS (
                    SELECT referred_by_id, 1, ARRAY[id] FROM {table}
                    WHERE id = %s AND referred_by_id IS NOT NULL
                  UNION ALL
                    SELECT c.referred_by_id, chain.depth + 1, chain.path || c.id
                    FROM {table} c JOIN chain ON c.id = chain.id
                    WHERE c.referred_by_id IS NOT NULL AND NOT c.referred_by_id = ANY(chain.path)
                )
                SELECT c.* FROM {table} c JOIN chain ON c.id = chain.id ORDER BY chain.depth
                """,
                [contact.pk],
            )
        )

    def descendant_ids(self, contact: "Contact") -> set[int]:
        """Everyone below `contact` in the referral tree (not the contact), in one query."""
        if contact.pk is None:
            return set()
        table = Contact._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE below(id, path) AS (
                    SELECT id, ARRAY[id] FROM {table} WHERE referred_by_id = %s
                  UNION ALL
                    SELECT c.id, below.path || c.id FROM {table} c
                    JOIN below ON c.referred_by_id = below.id WHERE NOT c.id = ANY(below.path)
                )
                SELECT id FROM below
                """,
                [contact.pk],
            )
            return {row[0] for row in cursor.fetchall()} - {contact.pk}

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
    right by `set_referrer()`, `delete_keeping_referrals()` and
    `ContactQuerySet.rederive_tiers_below()`, the only code that changes referrers (besides
    `contacts.transfer.apply_import`, which creates referrers before the people they
    referred and sets each tier from the referrer's).
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
    # The name's parts as an address book holds them (vCard N, Google and Outlook
    # columns), kept so an export gives them back; `name` stays the one shown and sorted,
    # without the prefix ("Tomás Ó Briain", prefix "Dr.").
    name_prefix = models.CharField(max_length=50, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    name_suffix = models.CharField(max_length=50, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    role_title = models.CharField("role or title", max_length=200, blank=True)
    field = models.CharField("field or industry", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    phone_type = models.CharField(max_length=20, blank=True)  # vCard TYPE: cell, work, home
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
    version = models.PositiveIntegerField(
        default=1,
        help_text="Raised on every edit and status change, so a stale tab cannot overwrite "
        "a newer one.",
    )
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="Sent with the add form so a double-clicked submit adds one contact.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Kept by PostgreSQL on every write (save, update, bulk_create, import): the search
    # reads these through GIN indexes instead of recomputing them for every row.
    search_document = models.GeneratedField(
        expression=_search_document(), output_field=SearchVectorField(), db_persist=True
    )
    search_text = models.GeneratedField(
        expression=_searched_text(), output_field=models.TextField(), db_persist=True
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            # Counts per tier, and the newest change the cached tag list is checked against.
            models.Index(fields=["owner", "tier", "updated_at"], name="contact_owner_tier"),
            # A status's people (filters, the board), and how many have waited for a reply
            # since before a day (the board's "waiting for a reply", the no-reply steps).
            models.Index(fields=["owner", "status", "status_changed_at"],
                         name="contact_owner_status_since"),
            # The board's "people in referral chains": tier 2's referrers, read off the index.
            models.Index(fields=["owner", "tier", "referred_by"], name="contact_tier_referrer"),
            # The people named at a meeting (a few of the network), for the board's figure.
            models.Index(fields=["owner", "referred_in"], name="contact_named_at_meeting",
                         condition=Q(referred_in__isnull=False)),
            # The list's default order, a page at a time.
            models.Index(fields=["owner", "name", "id"], name="contact_owner_name"),
            # The board's columns: the first people of each tier and status by name.
            models.Index(F("owner"), F("tier"), F("status"), Lower("name"), F("id"),
                         name="contact_board_column"),
            # A name typed in a debrief that is already a contact (any case).
            models.Index(F("owner"), Lower("name"), name="contact_owner_lower_name"),
            # The people someone referred, by name (tree branches, the detail page).
            models.Index(fields=["referred_by", "name", "id"], name="contact_referrals"),
            GinIndex(fields=["search_document"], name="contact_search_document"),
            # The home page's "write to a referral" steps, oldest first, read until enough.
            models.Index(fields=["owner", "created_at", "id"], name="contact_referral_to_write",
                         condition=Q(status="to_contact", referred_by__isnull=False)),
            # The home page's progress chart: the people added in its weeks, by tier,
            # read from the index alone.
            models.Index(fields=["owner", "created_at"], include=["tier", "referred_in"],
                         name="contact_owner_added"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "submission_token"], name="one_contact_per_submission"
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def held_meetings_of(cls, owner):
        """The owner's held meetings, where referrals are given.

        Reached through the relation `referred_in` declares, because contacts sits below
        debriefs and never imports it (docs/architecture.md).
        """
        meetings = cls._meta.get_field("referred_in").related_model.objects
        return meetings.for_user(owner).held()

    @property
    def tier_class(self) -> str:
        """The CSS class of the tier ramp (tier 5 and beyond share the deepest colour)."""
        return f"tier-{min(self.tier, 5)}"

    def referral_chain(self) -> list["Contact"]:
        """The referrers from this contact up to tier 1, nearest first."""
        if self.pk is None:
            chain = [self.referred_by] if self.referred_by else []
            return chain + (Contact.objects.ancestors_of(self.referred_by) if chain else [])
        return Contact.objects.ancestors_of(self)

    def would_loop(self, referrer: "Contact | None") -> bool:
        """Whether making `referrer` this contact's referrer would close a loop."""
        if referrer is None or self.pk is None:
            return False
        if referrer.pk == self.pk:
            return True
        return any(c.pk == self.pk for c in Contact.objects.ancestors_of(referrer))

    def check_referrer(self, referrer: "Contact | None") -> None:
        if referrer is None:
            return
        if referrer.owner_id != self.owner_id:
            raise ValidationError(
                {"referred_by": "The referrer must be one of your own contacts."}
            )
        if referrer.pk == self.pk:
            raise ValidationError({"referred_by": "Someone cannot have referred themselves."})
        if self.would_loop(referrer):
            raise ValidationError(
                {
                    "referred_by": f"{referrer.name} cannot have referred {self.name}: "
                    f"{self.name} is already in {referrer.name}'s referral chain, "
                    "so the chain would go round in a loop."
                }
            )

    def waiting_business_days(self, today: datetime.date | None = None) -> int | None:
        """For an outreach without reply (status "reached out"): business days waited."""
        if self.status != Contact.Status.REACHED_OUT:
            return None
        today = today or timezone.localdate()
        return business_days_between(timezone.localdate(self.status_changed_at), today)

    def no_reply_stage(self, today: datetime.date | None = None) -> str:
        """"" (keep waiting), "second_person" (3+ business days) or "last_follow_up" (7+)."""
        waited = self.waiting_business_days(today)
        if waited is None or waited < NO_REPLY_SECOND_PERSON_BUSINESS_DAYS:
            return ""
        if waited < NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS:
            return "second_person"
        return "last_follow_up"

    @transaction.atomic
    def set_referrer(self, referrer: "Contact | None") -> None:
        """Change who referred this contact and re-derive the tiers below it.

        Referrer changes of one owner are serialised (a lock on the owner's row), so two
        requests at once cannot each pass the loop check and close a loop together.
        """
        _lock_owner(self.owner_id)
        if referrer is not None and referrer.pk is not None:
            try:
                referrer.refresh_from_db(fields=["tier", "referred_by", "owner"])
            except Contact.DoesNotExist:  # deleted by another request since the form check
                raise ValidationError({"referred_by": (
                    f"{referrer.name} was deleted from your contacts a moment ago: "
                    "choose the referrer again."
                )}) from None
        self.check_referrer(referrer)
        self.referred_by = referrer
        self.tier = referrer.tier + 1 if referrer else 1
        self.save()
        Contact.objects.rederive_tiers_below(self)

    def add_once(self, referrer: "Contact | None") -> "Contact":
        """Save this new contact under `referrer`, once per submission token.

        When a contact with the same token exists (the add form was submitted twice, maybe
        by two requests at once), nothing is saved and that contact is returned.
        """
        try:
            self.set_referrer(referrer)
        except IntegrityError:
            earlier = self.submission_token and Contact.objects.filter(
                owner_id=self.owner_id, submission_token=self.submission_token
            ).first()
            if not earlier:
                raise
            return earlier
        return self

    @transaction.atomic
    def save_if_current(self, expected_version: int, referrer: "Contact | None") -> bool:
        """Save an edit only if nobody changed this contact since `expected_version` was
        read (optimistic lock); returns False, saving nothing, when someone did."""
        # The owner first, as set_referrer() does, so the two locks are always taken in
        # the same order.
        _lock_owner(self.owner_id)
        current = (
            Contact.objects.select_for_update()
            .filter(pk=self.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current != expected_version:
            return False
        self.version = expected_version + 1
        self.set_referrer(referrer)
        return True

    def set_status(self, status: str) -> None:
        """A status change raises the version: an edit form opened before it would
        otherwise put the old status back."""
        if status != self.status:
            self.status = status
            self.status_changed_at = timezone.now()
            self.version = F("version") + 1  # read back from the database by save()
            self.save(update_fields=["status", "status_changed_at", "updated_at", "version"])

    @transaction.atomic
    def delete_keeping_referrals(self, hand_over_to_referrer: bool = True) -> int:
        """Delete this contact and keep the people they referred; returns how many.

        With `hand_over_to_referrer` (and a referrer), those people are linked to this
        contact's own referrer, so they stay on the chain and move up one tier; otherwise
        nobody referred them any more and they become tier 1. Everyone below is re-derived.
        Meetings with this contact (and their debriefs) are deleted with it.
        """
        _lock_owner(self.owner_id)
        new_referrer_id = self.referred_by_id if hand_over_to_referrer else None
        referred_ids = list(self.referrals.values_list("pk", flat=True))
        Contact.objects.filter(pk__in=referred_ids).update(
            referred_by_id=new_referrer_id, version=F("version") + 1
        )
        self.delete()
        for contact in Contact.objects.filter(pk__in=referred_ids):
            Contact.objects.rederive_tiers_below(contact, include_self=True)
        return len(referred_ids)


# The counts below are kept by PostgreSQL triggers (migration 0006) on every insert, update
# and delete of contacts, bulk ones and the import included, so a page reads a few dozen
# rows instead of counting a network of 20,000.


class ContactTally(models.Model):
    """How many of an owner's contacts are in each tier with each status."""

    # No constraint: deleting the contacts (with their owner) brings the counts to zero,
    # and the trigger deletes the rows at zero.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    tier = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20)
    count = models.IntegerField(default=0)
    # Of them, the people named at a meeting (`referred_in` set).
    named = models.IntegerField(default=0, db_default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "tier", "status"],
                                    name="one_tally_per_tier_and_status"),
        ]
        # The trigger deletes the counts that reached zero through this (nearly empty) index.
        indexes = [models.Index(fields=["id"], condition=Q(count__lte=0),
                                name="contact_tally_at_zero")]

    def __str__(self):
        return f"tier {self.tier}, {self.status}: {self.count}"

    @classmethod
    def counts_of(cls, owner) -> list[dict]:
        """{"tier", "status", "count"} for each tier and status the owner has people in."""
        return list(cls.objects.filter(owner=owner, count__gt=0)
                    .values("tier", "status", "count"))


class TagTally(models.Model):
    """How many of an owner's contacts carry each tag."""

    # No constraint: deleting the contacts (with their owner) brings the counts to zero,
    # and the trigger deletes the rows at zero.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    tag = models.CharField(max_length=50)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "tag"], name="one_tally_per_tag"),
        ]
        indexes = [models.Index(fields=["id"], condition=Q(count__lte=0),
                                name="tag_tally_at_zero")]

    def __str__(self):
        return f"{self.tag}: {self.count}"

    @classmethod
    def tags_of(cls, owner) -> list[str]:
        """Every tag the owner uses, sorted as `ContactQuerySet.tag_names` sorts them."""
        tags = cls.objects.filter(owner=owner, count__gt=0).values_list("tag", flat=True)
        return sorted(tags, key=str.casefold)
