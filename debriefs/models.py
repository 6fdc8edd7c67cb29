import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import F, Q
from django.db.models.sql import UpdateQuery
from django.utils import timezone

from contacts.models import Contact

from .flags import annotate_flags, fields_read, flag_count_expression
from .notes import NOTE_CODES


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one way into meetings: a user sees only the meetings they own."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def planned(self):
        return self.filter(status=Meeting.Status.PLANNED)

    def held(self):
        return self.filter(status=Meeting.Status.HELD)

    def upcoming(self, now=None):
        return self.planned().filter(starts_at__gte=now or timezone.now())

    def without_debrief(self):
        """Held meetings with no debrief, or only a draft of one."""
        return self.held().filter(Q(debrief__isnull=True) | Q(debrief__is_draft=True))

    def awaiting_debrief(self, now=None):
        """Held meetings without a finished debrief, and planned ones whose time has passed
        (they most likely happened: the debrief form marks them held), read from the
        partial index of the meetings not `debriefed`. The debrief (a draft, if any) is
        joined as `own_debrief`, on the meeting's owner too (a debrief's owner is always its
        meeting's), for the few rows read."""
        now = now or timezone.now()
        past_planned = Q(status=Meeting.Status.PLANNED, starts_at__lt=now)
        held = Q(status=Meeting.Status.HELD)
        return self.annotate(own_debrief=models.FilteredRelation(
            "debrief", condition=Q(debrief__owner=models.F("owner")),
        )).filter(held | past_planned, debriefed=False,
                  status__in=[Meeting.Status.HELD, Meeting.Status.PLANNED])


class Meeting(models.Model):
    """A meeting with one contact: planned before it happens, held after."""

    class Kind(models.TextChoices):
        NETWORKING = "networking", "Networking meeting"
        INFORMATIONAL = "informational", "Informational interview"
        JOB_INTERVIEW = "job_interview", "Job interview"

    class Medium(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        VIDEO = "video", "Video call"
        PHONE = "phone", "Phone"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meetings"
    )
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="meetings"
    )
    contact_tier = models.PositiveSmallIntegerField(
        help_text="The contact's tier when the meeting was recorded."
    )
    starts_at = models.DateTimeField("date and time")
    kind = models.CharField(
        "kind of meeting", max_length=20, choices=Kind.choices, default=Kind.NETWORKING
    )
    medium = models.CharField(
        "where or how", max_length=20, choices=Medium.choices, default=Medium.VIDEO
    )
    location = models.CharField(max_length=200, blank=True, help_text="Place or call link.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="Sent with the create form so a double-clicked submit makes one meeting.",
    )
    # Kept by triggers (migration 0012), whatever Django writes: whether the meeting has a
    # finished (not draft) debrief. "Awaiting a debrief" reads it from a partial index
    # instead of joining every meeting of the owner to its debrief.
    debriefed = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            # With the id, "the client's last few held meetings" (the coach's figures and
            # 'needs attention') is a short backward walk of the index, with no sort.
            models.Index(fields=["owner", "status", "starts_at", "id"],
                         name="meeting_owner_status_start"),
            # The coach's review queue walks it: oldest meeting first.
            models.Index(fields=["starts_at", "id"], name="meeting_starts_at"),
            # The meetings list: a page of the client's meetings, newest first.
            models.Index(fields=["owner", "starts_at", "id"], name="meeting_owner_starts_at"),
            # The meetings awaiting a debrief (the home page, its steps, the reminders): the
            # few without a finished debrief, by owner and time.
            models.Index(fields=["owner", "starts_at", "id"], name="meeting_awaiting_debrief",
                         condition=Q(debriefed=False, status__in=["held", "planned"])),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.contact} on {self.starts_at:%d %b %Y}"

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    def mark_held(self) -> None:
        """A planned meeting whose time has come took place: it is held, and its contact
        has been met."""
        self.status = Meeting.Status.HELD
        self.save(update_fields=["status", "updated_at"])
        self.sync_contact_status()

    def sync_contact_status(self) -> None:
        """Move the contact along: a planned meeting is scheduled, a held one means met.

        Never moves a contact backwards (a contact already met stays met when a second
        meeting is planned).
        """
        if self.status == Meeting.Status.HELD:
            self.contact.set_status(Contact.Status.MET)
        elif self.status == Meeting.Status.PLANNED and self.contact.status in (
            Contact.Status.TO_CONTACT,
            Contact.Status.REACHED_OUT,
        ):
            self.contact.set_status(Contact.Status.MEETING_SCHEDULED)


class DebriefQuerySet(models.QuerySet):
    def for_user(self, user):
        """The debriefs a client owns. Coaches use `shared_with_coach()` instead."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def shared_with_coach(self, coach):
        """Debriefs a coach may read: their current clients', not private, not drafts."""
        if not coach.is_authenticated or not coach.is_coach:
            return self.none()
        return self.filter(owner__coach=coach, is_private=False, is_draft=False)

    def awaiting_review(self):
        return self.filter(reviewed_at__isnull=True)

    def with_flags(self):
        """Each debrief with `flag_<name>` booleans (see debriefs/flags.py)."""
        return annotate_flags(self)

    def review_queue(self):
        """Not yet reviewed, flagged ones first, then the oldest meeting first.

        Ordered on the stored `flag_count`, so finding the first few never evaluates the
        flags of the whole caseload; `with_flags()` on the rows shown says which."""
        flagged_first = models.Case(
            models.When(flag_count__gt=0, then=models.Value(0)), default=models.Value(1)
        )
        return self.awaiting_review().order_by(flagged_first, "meeting__starts_at", "pk")

    def first_in_review_queue(self, count: int = 1) -> list[int]:
        """The pks of the first `count` debriefs of `review_queue()`, in one query that
        walks the meetings' date index: the first flagged ones, and the first others,
        each a LIMIT (never a sort of the whole caseload)."""
        return first_of_review_queue(self.review_queue_heads(count), count)

    def review_queue_heads(self, count: int):
        """The first `count` flagged debriefs and the first `count` others, waiting for
        review, as rows of (queue_part, meeting__starts_at, pk): `first_of_review_queue`
        picks the first `count` of them."""
        waiting = self.awaiting_review().order_by("meeting__starts_at", "pk")
        flagged, rest = (
            waiting.filter(condition).annotate(queue_part=models.Value(part))
            .values("queue_part", "meeting__starts_at", "pk")[:count]
            for part, condition in ((0, Q(flag_count__gt=0)), (1, Q(flag_count=0)))
        )
        return flagged.union(rest, all=True)

    def refresh_flag_count(self) -> int:
        """Store each debrief's `flag_count` as the flags compute it now. Called wherever
        what a flag reads changes: the debrief saved, a referral added, the meeting edited."""
        return self.update(flag_count=_live_flag_count())

    def refresh_flag_count_of_one(self, pk: int) -> None:
        """`filter(pk=pk).refresh_flag_count()`, for the save of one debrief (autosave
        runs it on every keystroke pause): the statement is compiled once per process
        and database, as the flags are constants, and only the pk changes."""
        using = self._db or router.db_for_write(Debrief)
        if using not in _REFRESH_ONE:
            query = Debrief.objects.filter(pk=_ANY_PK).query.chain(UpdateQuery)
            query.add_update_values({"flag_count": _live_flag_count()})
            sql, params = query.get_compiler(using).as_sql()
            assert params.count(_ANY_PK) == 1, "the pk must be the statement's only variable"
            _REFRESH_ONE[using] = (sql, params)
        sql, params = _REFRESH_ONE[using]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [pk if param == _ANY_PK else param for param in params])

    def start_for(self, meeting: "Meeting") -> "Debrief":
        """The meeting's debrief, created as an empty draft the first time it is opened,
        so autosave, dismissed suggestions and referrals have something to attach to."""
        debrief, _ = self.get_or_create(meeting=meeting, defaults={"owner": meeting.owner})
        return debrief


def first_of_review_queue(heads, count: int) -> list[int]:
    """The pks of the first `count` rows of `review_queue_heads` (dicts)."""
    ordered = sorted(heads, key=lambda row: (row["queue_part"], row["meeting__starts_at"],
                                             row["pk"]))
    return [row["pk"] for row in ordered[:count]]


def _live_flag_count() -> models.Subquery:
    """The flag count of the debrief of the outer query, as the flags compute it now."""
    live = annotate_flags(Debrief.objects.filter(pk=models.OuterRef("pk")))
    return models.Subquery(
        live.annotate(live_count=flag_count_expression()).values("live_count")[:1]
    )


# A pk no row has, standing for the debrief's in the compiled statement.
_ANY_PK = -1_234_567_891
_REFRESH_ONE: dict[str, tuple[str, tuple]] = {}


def with_name(names_text: str, name: str) -> str:
    """A "names you were given" text (one name a line) with `name` on its own line, once."""
    lines = [line for line in names_text.splitlines() if line.strip()]
    if name.strip().casefold() in {line.strip(" -*•\t").casefold() for line in lines}:
        return names_text
    return "\n".join(lines + [name.strip()])


class Debrief(models.Model):
    """What happened at a held meeting, recorded the same day (docs/method.md, "The debrief")."""

    class YesPartlyNo(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    class Branch(models.TextChoices):
        TELL_ME_MORE = "tell_me_more", "“Tell me more about that”"
        ABOUT_US = "about_us", "“Let me tell you about us”"
        OTHER = "other", "Something else"

    class QuestionsLedBy(models.TextChoices):
        ME = "me", "Me"
        BALANCED = "balanced", "Balanced"
        THEM = "them", "Them"

    class WantsJob(models.TextChoices):
        YES = "yes", "Yes"
        UNSURE = "unsure", "Unsure"
        NO = "no", "No"

    class Impression(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debriefs"
    )
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="debrief")
    notes = models.TextField(blank=True)
    stump_speech_delivered = models.CharField(
        max_length=10, choices=YesPartlyNo.choices, blank=True
    )
    branch = models.CharField(
        "what followed the stump speech", max_length=20, choices=Branch.choices, blank=True
    )
    questions_led_by = models.CharField(
        "who asked most of the questions", max_length=10, choices=QuestionsLedBy.choices,
        blank=True,
    )
    job_hinted = models.BooleanField("a job was hinted at", null=True, blank=True)
    wants_job = models.CharField(
        "do you want that job", max_length=10, choices=WantsJob.choices, blank=True
    )
    industry_questions = models.TextField("industry questions you asked", blank=True)
    learnt = models.TextField("what you learnt", blank=True)
    impression = models.CharField(
        "impression you left", max_length=10, choices=Impression.choices, blank=True
    )
    referral_names = models.TextField(
        "names you were given", blank=True,
        help_text="Everyone they suggested you talk to, one per line, even before you add them.",
    )
    thank_you_sent_on = models.DateField(null=True, blank=True)
    stump_speech_version = models.ForeignKey(
        "StumpSpeechVersion", verbose_name="stump speech you used", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="debriefs",
    )
    introduction_by_referrer = models.BooleanField(
        "they will make the introductions themselves", default=False
    )
    is_draft = models.BooleanField(default=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save, so a stale tab cannot overwrite a newer one."
    )
    is_private = models.BooleanField(
        "keep private from my coach", default=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    flag_count = models.PositiveSmallIntegerField(
        default=0, editable=False,
        help_text="How many coach flags it raises (debriefs/flags.py), kept on every save "
                  "so the review queue and the clients list sort on a column.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DebriefQuerySet.as_manager()

    class Meta:
        ordering = ["-meeting__starts_at"]
        indexes = [
            # The coach's review queue and per-client counts: awaiting review, shared.
            models.Index(
                fields=["owner", "flag_count"], name="debrief_awaiting_review",
                condition=Q(reviewed_at__isnull=True, is_private=False, is_draft=False),
            ),
            # The few private ones: where `learnt_privately()` starts (debriefs/coaching.py).
            models.Index(fields=["meeting"], name="debrief_private", condition=Q(is_private=True)),
        ]

    def __str__(self):
        return f"Debrief of {self.meeting}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The flags read the debrief, its meeting and the referrals: computed in SQL.
        Debrief.objects.db_manager(self._state.db).refresh_flag_count_of_one(self.pk)

    def mark_reviewed(self, by) -> None:
        """The coach has read this debrief; it leaves their review queue."""
        self.reviewed_at = timezone.now()
        self.reviewed_by = by
        # Only these two fields: a review never touches what the client wrote (or `version`).
        Debrief.objects.filter(pk=self.pk).update(reviewed_at=self.reviewed_at, reviewed_by=by)

    def mark_thank_you_sent(self, on: datetime.date) -> None:
        """The thank-you note went out on `on` (an earlier date stays). Raises `version`,
        so a tab still holding the form without the date cannot clear it by saving."""
        if self.thank_you_sent_on is not None:
            return
        Debrief.objects.filter(pk=self.pk).update(
            thank_you_sent_on=on, version=models.F("version") + 1
        )
        self.thank_you_sent_on = on
        self.version += 1

    @property
    def referral_name_list(self) -> list[str]:
        """The names written in `referral_names`, one per line (commas also separate)."""
        names = []
        for line in self.referral_names.replace(",", "\n").splitlines():
            name = line.strip(" -*•\t")
            if name and name.lower() not in {n.lower() for n in names}:
                names.append(name)
        return names

    def note_referral_name(self, name: str) -> None:
        """Add `name` to "names you were given" if it is not there (any case): a referral
        added inline is typed once. The version stays, so an open form is not stale."""
        text = with_name(self.referral_names, name)
        if text != self.referral_names:
            self.referral_names = text
            Debrief.objects.filter(pk=self.pk).update(referral_names=text)
            # A name given counts for the flags. (A contact saved as referred at this
            # meeting refreshes the count itself: debriefs/signals.py.)
            Debrief.objects.refresh_flag_count_of_one(self.pk)

    @property
    def is_started(self) -> bool:
        """Saved or typed in at least once. Opening the form makes an empty draft (so
        autosave has a row), which is not a debrief in progress yet."""
        return not self.is_draft or self.version > 1

    def save_if_current(self, expected_version: int, competencies=None, questions=None,
                        flag_inputs_before: tuple | None = None) -> bool:
        """Save only if nobody saved since `expected_version` was read (optimistic lock).

        Returns False, saving nothing, when another tab or window saved in between.
        `competencies`, a list of (name, gave_example), replaces the cited competencies;
        `questions`, a list of question texts, replaces the questions asked.
        `flag_inputs_before`, the `flag_inputs()` as loaded: the stored flag count is
        computed again only if they changed (most autosaves change the notes alone).

        The usual autosave (a debrief already saved, its flags' inputs unchanged, the
        meeting already held and its person met) is one statement, its own transaction:
        `_replace_if_version`. Anything else goes through `_save_if_current_steps`.
        """
        if (self.pk is not None and competencies is not None and questions is not None
                and flag_inputs_before is not None
                and flag_inputs_before == self.flag_inputs()
                and self.meeting.status == Meeting.Status.HELD
                and self.meeting.contact.status == Contact.Status.MET):
            return self._replace_if_version(expected_version, competencies, questions)
        return self._save_if_current_steps(expected_version, competencies, questions,
                                           flag_inputs_before)

    @transaction.atomic
    def _save_if_current_steps(self, expected_version: int, competencies, questions,
                               flag_inputs_before) -> bool:
        if self.pk is None:
            self.version = expected_version + 1
            self.save()
        elif not self._update_if_version(
                expected_version,
                refresh_flags=flag_inputs_before is None
                or flag_inputs_before != self.flag_inputs()):
            return False
        if competencies is not None and questions is not None:
            # Both lists are replaced: one statement clears the two (autosave, the form).
            with connections[self._state.db].cursor() as cursor:
                cursor.execute(
                    "WITH cited AS (DELETE FROM debriefs_competencycited WHERE debrief_id = %s)"
                    " DELETE FROM debriefs_questionasked WHERE debrief_id = %s",
                    [self.pk, self.pk])
        elif competencies is not None:
            self.competencies.all().delete()
        elif questions is not None:
            self.questions_asked.all().delete()
        if competencies is not None:
            CompetencyCited.objects.bulk_create(
                CompetencyCited(debrief=self, name=name, gave_example=example)
                for name, example in competencies
            )
        if questions is not None:
            QuestionAsked.objects.bulk_create(
                QuestionAsked(debrief=self, question=question) for question in questions
            )
        if self.meeting.status != Meeting.Status.HELD:
            self.meeting.status = Meeting.Status.HELD
            self.meeting.save(update_fields=["status", "updated_at"])
        self.meeting.sync_contact_status()
        return True

    def flag_inputs(self) -> tuple:
        """The values of the debrief's own fields that the flags read."""
        return tuple(getattr(self, name) for name in fields_read())

    def _update_if_version(self, expected_version: int, refresh_flags: bool = True) -> bool:
        """`save()`, in one UPDATE that matches only while the row is at
        `expected_version` (the optimistic lock: no read, no row lock held before it).
        False, changing nothing here, when another tab saved first or the row is gone.
        The stored flag count is left to `refresh_flag_count_of_one`: the value loaded
        with the debrief may be older than one refreshed since (a referral added)."""
        fields = [field for field in self._meta.concrete_fields
                  if not field.primary_key and field.name != "flag_count"]
        values = {field.attname: field.pre_save(self, False) for field in fields}
        values["version"] = expected_version + 1
        updated = (Debrief.objects.db_manager(self._state.db)
                   .filter(pk=self.pk, version=expected_version).update(**values))
        if not updated:
            return False
        self.version = expected_version + 1
        if refresh_flags:
            Debrief.objects.db_manager(self._state.db).refresh_flag_count_of_one(self.pk)
        return True

    def _replace_if_version(self, expected_version: int, competencies, questions) -> bool:
        """`_update_if_version` (without the flag count) and both lists replaced, in one
        statement: atomic on its own, one round trip where the steps take four. False,
        changing nothing, when the row is no longer at `expected_version`."""
        connection = connections[router.db_for_write(Debrief, instance=self)]
        fields = _replaced_fields()
        values = [field.get_db_prep_save(field.pre_save(self, False), connection)
                  for field in fields]
        values[-1] = expected_version + 1  # "version", the last of `_replaced_fields`
        names = [name for name, _ in competencies]
        examples = [example for _, example in competencies]
        with connection.cursor() as cursor:
            cursor.execute(_REPLACE_SQL.format(
                debrief=Debrief._meta.db_table,
                cited=CompetencyCited._meta.db_table,
                asked=QuestionAsked._meta.db_table,
                columns=", ".join(f'"{field.column}" = %s' for field in fields),
            ), [*values, self.pk, expected_version, names, examples, list(questions)])
            if not cursor.fetchone()[0]:
                return False
        self.version = expected_version + 1
        return True


# `Debrief._replace_if_version`: the row updated only at the version read, then the two
# lists replaced (the DELETEs see the rows as they were before the statement, so they never
# remove the rows the INSERTs add), each in the order given.
_REPLACE_SQL = """
WITH saved AS (
    UPDATE {debrief} SET {columns} WHERE id = %s AND version = %s RETURNING id
), old_cited AS (
    DELETE FROM {cited} USING saved WHERE {cited}.debrief_id = saved.id
), old_asked AS (
    DELETE FROM {asked} USING saved WHERE {asked}.debrief_id = saved.id
), new_cited AS (
    INSERT INTO {cited} (debrief_id, name, gave_example)
    SELECT saved.id, cited.name, cited.gave_example
    FROM saved, unnest(%s::varchar[], %s::boolean[]) WITH ORDINALITY
        AS cited(name, gave_example, position)
    ORDER BY cited.position
), new_asked AS (
    INSERT INTO {asked} (debrief_id, question)
    SELECT saved.id, asked.question
    FROM saved, unnest(%s::text[]) WITH ORDINALITY AS asked(question, position)
    ORDER BY asked.position
)
SELECT count(*) FROM saved
"""


def _replaced_fields() -> list:
    """The columns `_replace_if_version` writes: all but the key and the flag count (left
    to its refresh, as in `_update_if_version`), with "version" last."""
    fields = [field for field in Debrief._meta.concrete_fields
              if not field.primary_key and field.name not in ("flag_count", "version")]
    return [*fields, Debrief._meta.get_field("version")]


class ClientReviewTally(models.Model):
    """For each client, kept by triggers (migration 0013): the debriefs waiting for their
    coach's review and the flags they raise, with the client's coach and name copied,
    so the coach's client list is ranked from one index, a page at a time, and the
    queue's size is read without counting the caseload's debriefs.

    Waiting: shared (not private), finished (not a draft), not yet reviewed, as
    `shared_with_coach(coach).awaiting_review()` reads them.
    """

    # No constraints: the triggers add and remove the rows with the users.
    client = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True,
                                  on_delete=models.DO_NOTHING, db_constraint=False,
                                  related_name="+")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING,
                              db_constraint=False, related_name="+")
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    awaiting = models.IntegerField(default=0)
    open_flags = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # The coach's client list: open flags, then waiting debriefs, then by name.
            models.Index(F("coach"), F("open_flags").desc(), F("awaiting").desc(),
                         F("first_name"), F("last_name"), F("client"),
                         name="review_tally_rank"),
            # The size of the coach's queue: the clients with something waiting.
            models.Index(fields=["coach"], include=["awaiting"], name="review_tally_waiting",
                         condition=Q(awaiting__gt=0)),
        ]

    def __str__(self):
        return f"{self.awaiting} to review, {self.open_flags} flags"


class CompetencyCited(models.Model):
    """A core competency the client cited in the meeting, and whether an example backed it."""

    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField("competency", max_length=200)
    gave_example = models.BooleanField("with an example", default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class SavedOnce:
    """For rows a form creates: `save_once()` saves a new row unless its twin is already
    saved (the same submission token, or for a follow-up the same accepted step), even when
    two requests arrive at once: a unique constraint decides, and the loser gets the row the
    winner saved. Models name the twin in `earlier_twin()`."""

    def save_once(self):
        """Save this new row, or return the one saved before it; see the class docstring."""
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            earlier = self.earlier_twin()
            if earlier is None:
                raise
            return earlier
        return self

    def earlier_twin(self):
        raise NotImplementedError


class FollowUpQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def open(self):
        return self.filter(done_at__isnull=True)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def due_today(self, today=None):
        return self.open().filter(due_on=today or timezone.localdate())

    def due_soon(self, today=None, days: int = 7, until=None):
        """Open follow-ups due after today and within `days` days (the home page's
        "In the next 7 days": tomorrow up to and including today + 7), or up to `until`."""
        today = today or timezone.localdate()
        return self.open().filter(
            due_on__gt=today, due_on__lte=until or today + datetime.timedelta(days=days)
        )


class FollowUp(SavedOnce, models.Model):
    """Something to do for a contact or after a meeting, by a date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_ups"
    )
    title = models.CharField(max_length=200)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    suggestion_code = models.CharField(
        max_length=40, blank=True, help_text="The suggestion this follow-up was accepted from."
    )
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="Sent with the add form so a double-clicked submit adds one follow-up.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "submission_token"], name="one_follow_up_per_submission"
            ),
            # An accepted suggestion is one step: the same open follow-up (same code,
            # contact, meeting and wording) cannot be there twice. The wording tells the
            # two stages of the no-reply rule apart; once done, the step may come again.
            models.UniqueConstraint(
                fields=["owner", "suggestion_code", "contact", "meeting", "title"],
                condition=Q(done_at__isnull=True) & ~Q(suggestion_code=""),
                nulls_distinct=False,
                name="one_open_follow_up_per_suggestion",
            ),
        ]
        indexes = [
            # Open follow-ups by due date: "Due now", the list's to-do page, overdue counts
            # (also per client for the coach's "needs attention").
            models.Index(fields=["owner", "due_on"], name="followup_open",
                         condition=Q(done_at__isnull=True)),
            # The list's "Recently done": the last few ticked off, newest first.
            models.Index(fields=["owner", "done_at", "id"], name="followup_done",
                         condition=Q(done_at__isnull=False)),
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_on < timezone.localdate()

    @property
    def drafts_a_note(self) -> bool:
        """The step is a note to someone: "Draft the note" can write it."""
        return self.suggestion_code in NOTE_CODES

    def earlier_twin(self) -> "FollowUp | None":
        """The same form's follow-up, or the same open step accepted from a suggestion."""
        same_owner = FollowUp.objects.filter(owner_id=self.owner_id)
        if self.submission_token:
            return same_owner.filter(submission_token=self.submission_token).first()
        if self.suggestion_code:
            return same_owner.open().filter(
                suggestion_code=self.suggestion_code, contact_id=self.contact_id,
                meeting_id=self.meeting_id, title=self.title,
            ).first()
        return None

    def mark_done(self) -> None:
        self.done_at = timezone.now()
        self.save(update_fields=["done_at"])

    def reopen(self) -> bool:
        """Open it again. False when the same suggested step is open already (a second
        follow-up for it was accepted meanwhile): this one stays done."""
        try:
            with transaction.atomic():
                FollowUp.objects.filter(pk=self.pk).update(done_at=None)
        except IntegrityError:
            return False
        self.done_at = None
        return True


class DismissedSuggestionQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class DismissedSuggestion(models.Model):
    """A suggestion the client dismissed.

    From a debrief page: its code, hidden on that debrief. From the home page: the step
    itself (code, person, and meeting where the step is owed once per meeting), hidden
    there for good; dismissing "keep in touch" is how the client stops it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    debrief = models.ForeignKey(
        Debrief, null=True, blank=True, on_delete=models.CASCADE,
        related_name="dismissed_suggestions",
    )
    code = models.CharField(max_length=40)
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    objects = DismissedSuggestionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["debrief", "code"], name="one_dismissal_per_code"),
            models.UniqueConstraint(
                fields=["owner", "code", "contact", "meeting"],
                condition=Q(debrief__isnull=True),
                nulls_distinct=False,
                name="one_dismissal_per_step",
            ),
        ]

    def __str__(self):
        return f"{self.code} dismissed"


class CommentQuerySet(models.QuerySet):
    def unread_by(self, user):
        """Comments written to `user` (by the other side of the thread) not yet read.

        A coach is the recipient of what the client writes only: after a client changes
        coach, the former coach's words are not news for the new one.
        """
        unread = self.filter(read_by_recipient_at__isnull=True)
        if user.is_coach:
            return unread.filter(author=models.F("debrief__owner"))
        return unread.exclude(author=user)

    def between(self, coach, client):
        """The comments a coach sees in a client's thread: theirs and the client's."""
        return self.filter(author__in=[coach, client])

    def mark_read_by(self, user) -> int:
        return self.unread_by(user).update(read_by_recipient_at=timezone.now())


class Comment(SavedOnce, models.Model):
    """A message in a debrief's thread between the client and their coach."""

    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE, related_name="comments")
    # A coach who deletes their account leaves their comments in the client's thread,
    # from "a former coach": the thread is the client's record. (A client's own comments
    # go with their debriefs.)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField()
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="Sent with the comment form so a double-clicked submit posts once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_by_recipient_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_token"], name="one_comment_per_submission"
            ),
        ]
        indexes = [
            # The replies not read yet (the coach's home): few, however long the threads.
            models.Index(fields=["debrief"], name="comment_unread",
                         condition=Q(read_by_recipient_at__isnull=True)),
        ]

    def __str__(self):
        return f"Comment by {self.author or 'a former coach'} on {self.created_at:%d %b %Y}"

    def earlier_twin(self) -> "Comment | None":
        """The comment the same form already posted."""
        if not self.submission_token:
            return None
        return Comment.objects.filter(
            author_id=self.author_id, submission_token=self.submission_token
        ).first()


class DebriefView(models.Model):
    """Each time a coach opens a client's debrief, so the client can see it."""

    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE, related_name="coach_views")
    # Kept, without the name, when the coach deletes their account: the client's record of
    # who opened their debrief.
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewed_at = models.DateTimeField(auto_now_add=True)

    # Reloading the review page within this window is the same visit, not a new one.
    VISIT_WINDOW = datetime.timedelta(minutes=30)

    class Meta:
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"Viewed by {self.coach or 'a former coach'} at {self.viewed_at:%d %b %Y %H:%M}"

    @classmethod
    def record(cls, debrief: Debrief, coach) -> None:
        """Log that `coach` opened `debrief`, once per visit (one query on a reload)."""
        since = timezone.now() - cls.VISIT_WINDOW
        if not cls.objects.filter(debrief=debrief, coach=coach, viewed_at__gte=since).exists():
            cls.objects.create(debrief=debrief, coach=coach)


WORDS_PER_MINUTE = 130  # an unhurried speaking pace, for the stump speech's length


class PackageQuerySet(models.QuerySet):
    def for_user(self, user):
        """A client sees only their own Package."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Package(models.Model):
    """The client's materials for every meeting (docs/method.md, "The Package"): the
    stump speech in its five parts, core competencies each with a brief example
    story, and their own bank of industry questions. One per client."""

    # (field, what the method says about it), in the order the speech is given.
    STUMP_SPEECH_PARTS = (
        ("who_i_am", "The opening line: your name, your profession, where you are now."),
        ("what_i_have_done", "The highlights that matter for what comes next, not your "
                             "whole CV."),
        ("what_i_want_to_do", "Say it plainly and aim it at the industry, job function or "
                              "mission: it is how the other person knows whom to refer "
                              "you to, and why you are there."),
        ("how_you_can_help_me", "What you are asking for: their view of the field, and one "
                                "or two people you should talk to."),
        ("how_i_can_help_you", "Held in reserve: your vision of what you bring, for when "
                               "they say “Tell me more about that”."),
    )

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="package"
    )
    who_i_am = models.TextField("who I am", blank=True)
    what_i_have_done = models.TextField("what I have done", blank=True)
    what_i_want_to_do = models.TextField("what I want to do", blank=True)
    how_you_can_help_me = models.TextField("how you can help me", blank=True)
    how_i_can_help_you = models.TextField("how I can help you", blank=True)
    industry_questions = models.TextField(
        "my industry questions", blank=True,
        help_text="One per line: the questions you bring to every meeting.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PackageQuerySet.as_manager()

    def __str__(self):
        return f"Package of {self.owner}"

    @classmethod
    def for_user(cls, user) -> "Package":
        """The user's Package, or an unsaved empty one (nothing is written on a read)."""
        return cls.objects.for_user(user).first() or cls(owner=user)

    @property
    def stump_speech(self) -> list[tuple[str, str, str]]:
        """The five parts as (label, what it is for, text), in speaking order."""
        return [
            (self._meta.get_field(name).verbose_name, purpose, getattr(self, name))
            for name, purpose in self.STUMP_SPEECH_PARTS
        ]

    @property
    def has_stump_speech(self) -> bool:
        return any(getattr(self, name).strip() for name, _ in self.STUMP_SPEECH_PARTS)

    @property
    def speech_word_count(self) -> int:
        """The words of the spoken parts ("how I can help you" is held in reserve)."""
        return speech_words(self.speech_parts)

    @property
    def speech_parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _ in self.STUMP_SPEECH_PARTS}

    @transaction.atomic
    def keep_speech_version(self) -> "StumpSpeechVersion | None":
        """Keep the saved stump speech as a version unless the newest version already has
        this text; return the version that matches the Package now (None if empty).

        Two saves at once wait for each other on the Package row, so a double submit
        keeps one version."""
        list(Package.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
        newest = StumpSpeechVersion.objects.filter(owner_id=self.owner_id).first()
        if newest is not None and newest.parts == self.speech_parts:
            return newest
        if not self.has_stump_speech:
            return None
        return StumpSpeechVersion.objects.create(owner_id=self.owner_id, **self.speech_parts)

    def restore_speech(self, version: "StumpSpeechVersion") -> None:
        """Make an earlier version the stump speech now. The text it replaces stays a
        version, and the restored text is kept as the newest one."""
        self.keep_speech_version()
        for name, text in version.parts.items():
            setattr(self, name, text)
        self.save()
        self.keep_speech_version()

    def current_speech_version(self) -> "StumpSpeechVersion | None":
        """The version holding the stump speech as it is now, kept now if it was not
        (a Package saved before versions existed). A plain read when the newest version
        holds it or there is nothing to keep: opening a form writes nothing then."""
        if not self.pk:
            return None
        newest = StumpSpeechVersion.objects.filter(owner_id=self.owner_id).first()
        if newest is not None and newest.parts == self.speech_parts:
            return newest
        if newest is None and not self.has_stump_speech:
            return None
        return self.keep_speech_version()

    def speech_versions(self) -> list["StumpSpeechVersion"]:
        """All versions of the stump speech, newest (the current text) first."""
        return list(StumpSpeechVersion.objects.filter(owner_id=self.owner_id))

    def questions_left_out(self, earlier_debriefs) -> tuple[list[str], list[str], list]:
        """The question bank for another meeting with the same person: (questions still
        to ask, questions left out because they were asked, the dates they were asked).
        `earlier_debriefs` have `questions_asked` prefetched."""
        asked_on = {}
        for debrief in earlier_debriefs:
            for asked in debrief.questions_asked.all():
                asked_on.setdefault(asked.question.strip().casefold(),
                                    timezone.localdate(debrief.meeting.starts_at))
        to_ask, left_out, dates = [], [], set()
        for question in self.question_list:
            day = asked_on.get(question.casefold())
            if day is None:
                to_ask.append(question)
            else:
                left_out.append(question)
                dates.add(day)
        return to_ask, left_out, sorted(dates)

    @property
    def speaking_time(self) -> str:
        """About how long the stump speech takes to say, at `WORDS_PER_MINUTE`."""
        seconds = round(self.speech_word_count * 60 / WORDS_PER_MINUTE)
        minutes, seconds = divmod(seconds, 60)
        if not minutes:
            return f"about {seconds} s"
        return f"about {minutes} min {seconds} s" if seconds else f"about {minutes} min"

    def note_competency_usage(self, competencies) -> None:
        """Give each competency `uses`: the cited competencies of the owner's saved
        debriefs with the same name (any case), newest first. One query."""
        cited = CompetencyCited.objects.filter(
            debrief__owner_id=self.owner_id, debrief__is_draft=False
        ).select_related("debrief__meeting__contact").order_by("-debrief__meeting__starts_at")
        by_name: dict[str, list] = {}
        for row in cited:
            by_name.setdefault(row.name.strip().casefold(), []).append(row)
        for competency in competencies:
            competency.uses = by_name.get(competency.name.strip().casefold(), [])

    @property
    def question_list(self) -> list[str]:
        return [q.strip(" -*•\t") for q in self.industry_questions.splitlines()
                if q.strip(" -*•\t")]

    @transaction.atomic
    def save_competencies(self, formset) -> None:
        """Save a valid competency formset in the order shown: removed rows and rows whose
        name was cleared are deleted.

        A new row named like a competency saved since the form was opened (the same form
        sent twice, or two saves at once: they wait for each other) updates that one
        rather than adding it twice.
        """
        list(Package.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
        in_form = [form.instance.pk for form in formset.initial_forms if form.instance.pk]
        saved_since = {
            competency.name.strip().lower(): competency
            for competency in self.competencies.exclude(pk__in=in_form)
        }
        for form in formset.forms:
            competency = form.instance
            name = form.cleaned_data.get("name", "").strip() if form.cleaned_data else ""
            if form in formset.deleted_forms or not name:
                if competency.pk:
                    competency.delete()
                continue
            if not form.has_changed() and competency.pk:
                continue
            if competency.pk is None and name.lower() in saved_since:
                twin = saved_since.pop(name.lower())
                twin.name, twin.example = competency.name, competency.example
                competency = twin
            competency.package = self
            competency.position = formset.forms.index(form)
            competency.save()

    def gaps(self, competencies) -> list[str]:
        """Gentle hints on what the Package still says too little about."""
        hints = []
        if not self.what_i_want_to_do.strip():
            hints.append("“What I want to do” is empty: without it your stump speech says "
                         "too little about what you want, and people cannot tell whom to "
                         "refer you to.")
        elif len(self.what_i_want_to_do.split()) < 8:
            hints.append("“What I want to do” is very short: one or two sentences naming "
                         "the field or role you are moving towards help people refer you.")
        if not self.who_i_am.strip() or not self.what_i_have_done.strip():
            hints.append("Fill in who you are and what you have done: the first two parts "
                         "of every answer to “Tell me about yourself”.")
        if not self.how_you_can_help_me.strip():
            hints.append("Say how they can help you: your view of the field, and one or "
                         "two names.")
        if not competencies:
            hints.append("Add two or three core competencies, each with a brief example "
                         "story.")
        elif any(not c.example.strip() for c in competencies):
            hints.append("Some competencies have no example yet: a brief story makes each "
                         "one stick.")
        if len(self.question_list) < 3:
            hints.append("Keep at least three industry questions ready, so you can lead the "
                         "conversation.")
        return hints


def speech_words(parts) -> int:
    """The words of the spoken parts of a stump speech given as {field: text}
    ("how I can help you" is held in reserve)."""
    return sum(len(parts[name].split()) for name, _ in Package.STUMP_SPEECH_PARTS
               if name != "how_i_can_help_you")


class StumpSpeechVersionQuerySet(models.QuerySet):
    def for_user(self, user):
        """A client sees only the versions of their own stump speech."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class StumpSpeechVersion(models.Model):
    """A stump speech as it was saved: the five parts' text. The newest one is the text on
    the Package now; the others are earlier versions the client can restore. A debrief
    points at the one delivered at that meeting."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stump_speech_versions"
    )
    who_i_am = models.TextField(blank=True)
    what_i_have_done = models.TextField(blank=True)
    what_i_want_to_do = models.TextField(blank=True)
    how_you_can_help_me = models.TextField(blank=True)
    how_i_can_help_you = models.TextField(blank=True)
    saved_at = models.DateTimeField(default=timezone.now)

    objects = StumpSpeechVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at", "-pk"]

    def __str__(self):
        return (f"Version of {timezone.localtime(self.saved_at):%-d %b %Y, %H:%M}, "
                f"{self.word_count} words")

    @property
    def parts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name, _ in Package.STUMP_SPEECH_PARTS}

    @property
    def word_count(self) -> int:
        return speech_words(self.parts)

    @property
    def stump_speech(self) -> list[tuple[str, str]]:
        """The parts as (label, text), in speaking order."""
        return [(Package._meta.get_field(name).verbose_name, text)
                for name, text in self.parts.items()]


class QuestionAsked(models.Model):
    """A question from the client's question bank that they asked in a meeting. The
    question's text is kept as it was, so editing the bank later changes no history."""

    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE,
                                related_name="questions_asked")
    question = models.TextField()

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "questions asked"

    def __str__(self):
        return self.question


class CoreCompetency(models.Model):
    """A core competency of the client's, with the brief story that shows it."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="competencies")
    name = models.CharField("competency", max_length=200)
    example = models.TextField(
        "example story", blank=True,
        help_text="A brief story: “I have met that situation many times; one thing that "
                  "worked well was…”",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "core competencies"

    def __str__(self):
        return self.name


class DigestSent(models.Model):
    """A client's daily digest that went out: at most one per client per day, so running
    the digest again (a second worker, a retried task, cron firing twice) sends nothing
    twice."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="one_digest_per_client_per_day"),
        ]

    def __str__(self):
        return f"digest for {self.client_id} on {self.day}"

    @classmethod
    def send_once(cls, client, day: datetime.date, subject: str, body: str) -> bool:
        """Send `client` their digest for `day` unless it went out already; True if sent.

        The record and the email share one transaction: a second worker sending the same
        digest waits on the unique constraint until the first commits, then skips it; a
        worker killed before committing leaves no record, so the next run sends it.
        (Only a crash between the mail server accepting and the commit could send twice.)
        """
        if cls.objects.filter(client=client, day=day).exists():
            return False
        try:
            with transaction.atomic():
                cls.objects.create(client=client, day=day)
                send_mail(subject, body, None, [client.email])
        except IntegrityError:
            return False
        return True
