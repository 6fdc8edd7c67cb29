"""Each user's data version, kept by triggers (issue 10): the page cache's key
(config/page_cache.py).

A change to a row that one of a user's pages shows adds one to that user's version and to
their coach's, whatever wrote it (a form, an import, a task, a bulk UPDATE). The triggers
run at the commit, like the review counts' (debriefs migration 0013): the version's row
lock is then among the last locks a transaction takes, and each bump locks its rows in
the order of their ids, so two commits cannot wait on each other in a cycle.
"""

from django.conf import settings
from django.db import migrations, models

# The tables whose rows a user's pages show, by how a row names its user: its owner
# (whose coach is moved as well), its debrief's or its Package's owner, or other columns.
# A comment's author and a debrief view's coach are the owner or the owner's coach: the
# owner's row names them. Most writes are to the first two kinds, whose functions read
# the column directly.
BY_OWNER = ("contacts_contact", "debriefs_meeting", "debriefs_debrief", "debriefs_followup",
            "debriefs_dismissedsuggestion", "debriefs_package", "debriefs_stumpspeechversion")
BY_DEBRIEF = ("debriefs_comment", "debriefs_competencycited", "debriefs_questionasked",
              "debriefs_debriefview")
BY_COLUMNS = {
    "debriefs_corecompetency": ("package_id",),
    "debriefs_digestsent": ("client_id",),
    "accounts_invitation": ("coach_id", "accepted_by_id"),
}
WATCHED = (*BY_OWNER, *BY_DEBRIEF, *BY_COLUMNS)

FUNCTIONS = """
-- One bump per user and commit: a save that writes a row twice (a debrief, then its flag
-- count) moves the version once. Deferred triggers all run in the COMMIT statement, so
-- "bumped by this transaction in this statement" is "already bumped at this commit"; a
-- test's statements run them at once (tests/conftest.py), each its own bump.
CREATE FUNCTION accounts_bump_data_versions(users bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE accounts_dataversion SET version = version + 1, bumped_at = statement_timestamp()
    WHERE user_id IN (
        SELECT v.user_id FROM accounts_dataversion v
        WHERE v.user_id IN (SELECT unnest(users)
                            UNION SELECT u.coach_id FROM accounts_user u WHERE u.id = ANY(users))
        ORDER BY v.user_id
        FOR UPDATE
    )
    AND (bumped_at IS DISTINCT FROM statement_timestamp() OR xmin <> pg_current_xact_id()::xid)
$$;

CREATE FUNCTION accounts_owner_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM accounts_bump_data_versions(ARRAY[NEW.owner_id]);
    ELSIF TG_OP = 'DELETE' OR OLD.owner_id = NEW.owner_id THEN
        PERFORM accounts_bump_data_versions(ARRAY[OLD.owner_id]);
    ELSE
        PERFORM accounts_bump_data_versions(ARRAY[OLD.owner_id, NEW.owner_id]);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION accounts_debrief_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM accounts_bump_data_versions(ARRAY(
        SELECT owner_id FROM debriefs_debrief
        WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.debrief_id END,
                     CASE WHEN TG_OP <> 'DELETE' THEN NEW.debrief_id END)));
    RETURN NULL;
END
$$;

-- The users a changed row concerns, for the tables written less often: the columns named
-- by the trigger's arguments, in the row before and after the change; package_id through
-- the Package's owner.
CREATE FUNCTION accounts_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    users bigint[] := '{}';
    packages bigint[] := '{}';
    rows jsonb[] := '{}';
    rec jsonb;
    col text;
BEGIN
    IF TG_OP <> 'INSERT' THEN rows := rows || to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN rows := rows || to_jsonb(NEW); END IF;
    FOREACH rec IN ARRAY rows LOOP
        FOREACH col IN ARRAY TG_ARGV LOOP
            IF col = 'package_id' THEN
                packages := packages || (rec ->> col)::bigint;
            ELSE
                users := users || (rec ->> col)::bigint;
            END IF;
        END LOOP;
    END LOOP;
    IF cardinality(packages) > 0 THEN
        users := users || ARRAY(SELECT owner_id FROM debriefs_package WHERE id = ANY(packages));
    END IF;
    PERFORM accounts_bump_data_versions(users);
    RETURN NULL;
END
$$;

CREATE FUNCTION accounts_data_version_follows_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM accounts_dataversion WHERE user_id = OLD.id;
    ELSE
        INSERT INTO accounts_dataversion (user_id, version) VALUES (NEW.id, 0)
        ON CONFLICT (user_id) DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER user_data_version AFTER INSERT OR DELETE ON accounts_user
FOR EACH ROW EXECUTE FUNCTION accounts_data_version_follows_user();

-- A user's own row: their name on every page, their coach. A login writes last_login only.
CREATE CONSTRAINT TRIGGER user_data_changed AFTER UPDATE ON accounts_user
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
WHEN (OLD.last_login IS NOT DISTINCT FROM NEW.last_login)
EXECUTE FUNCTION accounts_data_changed('id', 'coach_id');

INSERT INTO accounts_dataversion (user_id, version) SELECT id, 0 FROM accounts_user;
"""

TRIGGER = """
CREATE CONSTRAINT TRIGGER {table}_data_changed AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
EXECUTE FUNCTION {function};
"""

TRIGGERS = "".join(
    [TRIGGER.format(table=table, function="accounts_owner_data_changed()")
     for table in BY_OWNER]
    + [TRIGGER.format(table=table, function="accounts_debrief_data_changed()")
       for table in BY_DEBRIEF]
    + [TRIGGER.format(table=table, function="accounts_data_changed({})".format(
        ", ".join(f"'{column}'" for column in columns)))
       for table, columns in BY_COLUMNS.items()]
)

REVERSE = "".join(f"DROP TRIGGER {table}_data_changed ON {table};\n" for table in WATCHED) + """
DROP TRIGGER user_data_changed ON accounts_user;
DROP TRIGGER user_data_version ON accounts_user;
DROP FUNCTION accounts_data_version_follows_user();
DROP FUNCTION accounts_data_changed();
DROP FUNCTION accounts_debrief_data_changed();
DROP FUNCTION accounts_owner_data_changed();
DROP FUNCTION accounts_bump_data_versions(bigint[]);
"""

# The deferred triggers, which tests set IMMEDIATE (tests/conftest.py): a test's
# transaction never commits.
DEFERRED_TRIGGERS = ("user_data_changed",) + tuple(f"{table}_data_changed" for table in WATCHED)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0003_clients_by_name_index"),
        ("contacts", "0011_progress_chart_index"),
        ("debriefs", "0013_client_review_tally"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("user", models.OneToOneField(db_constraint=False,
                                              on_delete=models.deletion.DO_NOTHING,
                                              primary_key=True, related_name="+",
                                              serialize=False, to=settings.AUTH_USER_MODEL)),
                ("version", models.BigIntegerField(default=0)),
                ("bumped_at", models.DateTimeField(null=True)),
            ],
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, REVERSE),
    ]
