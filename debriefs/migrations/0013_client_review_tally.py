"""Per-client review counts kept by triggers (issue 10): the coach's client list is
ranked from one index, a page at a time, and the queue's size is read from the clients
with something waiting, instead of aggregating every debrief of the caseload.

- A user's row (coach, names) follows the user: inserted, updated, deleted with it.
- A debrief's change adds its difference to its client's counts, in a trigger deferred to
  the commit: the count's row lock is then the last lock a transaction takes, so it can
  never wait in a cycle with the owner's tree lock or the contact counts' rows.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FUNCTIONS = """
CREATE FUNCTION debriefs_tally_follows_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM debriefs_clientreviewtally WHERE client_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO debriefs_clientreviewtally AS t
        (client_id, coach_id, first_name, last_name, awaiting, open_flags)
    VALUES (NEW.id, NEW.coach_id, NEW.first_name, NEW.last_name, 0, 0)
    ON CONFLICT (client_id) DO UPDATE SET coach_id = EXCLUDED.coach_id,
        first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name;
    RETURN NULL;
END
$$;

CREATE FUNCTION debriefs_tally_counts_debrief() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    was boolean := TG_OP <> 'INSERT' AND NOT OLD.is_draft AND NOT OLD.is_private
                   AND OLD.reviewed_at IS NULL;
    now_waiting boolean := TG_OP <> 'DELETE' AND NOT NEW.is_draft AND NOT NEW.is_private
                           AND NEW.reviewed_at IS NULL;
BEGIN
    IF was THEN
        UPDATE debriefs_clientreviewtally
        SET awaiting = awaiting - 1, open_flags = open_flags - OLD.flag_count
        WHERE client_id = OLD.owner_id;
    END IF;
    IF now_waiting THEN
        -- The user's row may be missing only if the user is gone: then nothing is added.
        INSERT INTO debriefs_clientreviewtally AS t
            (client_id, coach_id, first_name, last_name, awaiting, open_flags)
        SELECT id, coach_id, first_name, last_name, 1, NEW.flag_count
        FROM accounts_user WHERE id = NEW.owner_id
        ON CONFLICT (client_id) DO UPDATE SET awaiting = t.awaiting + 1,
            open_flags = t.open_flags + EXCLUDED.open_flags;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER user_review_tally AFTER INSERT OR DELETE ON accounts_user
FOR EACH ROW EXECUTE FUNCTION debriefs_tally_follows_user();

CREATE TRIGGER user_change_review_tally AFTER UPDATE OF coach_id, first_name, last_name
ON accounts_user FOR EACH ROW
WHEN ((OLD.coach_id, OLD.first_name, OLD.last_name)
      IS DISTINCT FROM (NEW.coach_id, NEW.first_name, NEW.last_name))
EXECUTE FUNCTION debriefs_tally_follows_user();

CREATE CONSTRAINT TRIGGER debrief_review_tally_insert AFTER INSERT ON debriefs_debrief
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (NOT NEW.is_draft AND NOT NEW.is_private AND NEW.reviewed_at IS NULL)
EXECUTE FUNCTION debriefs_tally_counts_debrief();

CREATE CONSTRAINT TRIGGER debrief_review_tally_delete AFTER DELETE ON debriefs_debrief
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (NOT OLD.is_draft AND NOT OLD.is_private AND OLD.reviewed_at IS NULL)
EXECUTE FUNCTION debriefs_tally_counts_debrief();

CREATE CONSTRAINT TRIGGER debrief_review_tally_update AFTER UPDATE ON debriefs_debrief
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN ((OLD.is_draft, OLD.is_private, OLD.reviewed_at IS NULL, OLD.flag_count, OLD.owner_id)
      IS DISTINCT FROM
      (NEW.is_draft, NEW.is_private, NEW.reviewed_at IS NULL, NEW.flag_count, NEW.owner_id))
EXECUTE FUNCTION debriefs_tally_counts_debrief();

INSERT INTO debriefs_clientreviewtally
    (client_id, coach_id, first_name, last_name, awaiting, open_flags)
SELECT u.id, u.coach_id, u.first_name, u.last_name, count(d.id),
       coalesce(sum(d.flag_count), 0)
FROM accounts_user u
LEFT JOIN debriefs_debrief d ON d.owner_id = u.id AND NOT d.is_draft AND NOT d.is_private
     AND d.reviewed_at IS NULL
GROUP BY u.id;
"""

REVERSE = """
DROP TRIGGER debrief_review_tally_update ON debriefs_debrief;
DROP TRIGGER debrief_review_tally_delete ON debriefs_debrief;
DROP TRIGGER debrief_review_tally_insert ON debriefs_debrief;
DROP TRIGGER user_change_review_tally ON accounts_user;
DROP TRIGGER user_review_tally ON accounts_user;
DROP FUNCTION debriefs_tally_counts_debrief();
DROP FUNCTION debriefs_tally_follows_user();
"""

# The deferred triggers, which tests set IMMEDIATE (tests/conftest.py): a test's
# transaction never commits.
DEFERRED_TRIGGERS = ("debrief_review_tally_insert", "debrief_review_tally_delete",
                     "debrief_review_tally_update")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_sessions_and_throttling'),
        ('debriefs', '0012_meeting_debriefed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClientReviewTally',
            fields=[
                ('client', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('first_name', models.CharField(blank=True, max_length=150)),
                ('last_name', models.CharField(blank=True, max_length=150)),
                ('awaiting', models.IntegerField(default=0)),
                ('open_flags', models.IntegerField(default=0)),
                ('coach', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'indexes': [models.Index(models.F('coach'), models.OrderBy(models.F('open_flags'), descending=True), models.OrderBy(models.F('awaiting'), descending=True), models.F('first_name'), models.F('last_name'), models.F('client'), name='review_tally_rank'), models.Index(condition=models.Q(('awaiting__gt', 0)), fields=['coach'], include=('awaiting',), name='review_tally_waiting')],
            },
        ),
        migrations.RunSQL(FUNCTIONS, REVERSE),
    ]
