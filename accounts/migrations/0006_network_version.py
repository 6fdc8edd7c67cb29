"""A second number beside each user's data version: `network_version`, which every change
moves except a change to a debrief's own rows (the debrief, its competencies and questions,
its comments and views). The suggestions around a debrief read everything else (the
people named, follow-ups, dismissals, other meetings): `debriefs.suggestions.loading` keeps
what it read under this number, so an autosave, which writes only the debrief, does not
make the next live panel read it all again.

Same rules as the data version (migration 0004): at the commit, once per commit (its own
`network_bumped_at`), the user's and their coach's rows locked in the order of their ids.
"""

from django.db import migrations, models

# The debrief's own rows: the tables whose writes move the data version alone.
DEBRIEF_OWN = ("debriefs_debrief", "debriefs_competencycited", "debriefs_questionasked",
               "debriefs_comment", "debriefs_debriefview")

# "Not yet bumped at this commit" for one number: its last bump was at another statement,
# or by another transaction (the row's xmin).
FRESH = ("({column} IS DISTINCT FROM statement_timestamp() "
         "OR xmin <> pg_current_xact_id()::xid)")

FORWARD = f"""
DROP FUNCTION accounts_bump_data_versions(bigint[]);

CREATE FUNCTION accounts_bump_data_versions(users bigint[], network boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE accounts_dataversion SET
        version = version + CASE WHEN {FRESH.format(column="bumped_at")} THEN 1 ELSE 0 END,
        bumped_at = statement_timestamp(),
        network_version = network_version
            + CASE WHEN network AND {FRESH.format(column="network_bumped_at")} THEN 1 ELSE 0 END,
        network_bumped_at = CASE WHEN network THEN statement_timestamp()
                                 ELSE network_bumped_at END
    WHERE user_id IN (
        SELECT v.user_id FROM accounts_dataversion v
        WHERE v.user_id IN (SELECT unnest(users)
                            UNION SELECT u.coach_id FROM accounts_user u WHERE u.id = ANY(users))
        ORDER BY v.user_id
        FOR UPDATE
    )
    AND ({FRESH.format(column="bumped_at")}
         OR (network AND {FRESH.format(column="network_bumped_at")}));
END
$$;

CREATE OR REPLACE FUNCTION accounts_owner_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    network boolean := TG_TABLE_NAME NOT IN ({", ".join(f"'{t}'" for t in DEBRIEF_OWN)});
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM accounts_bump_data_versions(ARRAY[NEW.owner_id], network);
    ELSIF TG_OP = 'DELETE' OR OLD.owner_id = NEW.owner_id THEN
        PERFORM accounts_bump_data_versions(ARRAY[OLD.owner_id], network);
    ELSE
        PERFORM accounts_bump_data_versions(ARRAY[OLD.owner_id, NEW.owner_id], network);
    END IF;
    RETURN NULL;
END
$$;

-- Only the debrief's own rows name their debrief: the data version alone.
CREATE OR REPLACE FUNCTION accounts_debrief_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM accounts_bump_data_versions(ARRAY(
        SELECT owner_id FROM debriefs_debrief
        WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.debrief_id END,
                     CASE WHEN TG_OP <> 'DELETE' THEN NEW.debrief_id END)), false);
    RETURN NULL;
END
$$;
"""

# accounts_data_changed (the user's own row, invitations, ...) moves both numbers: its
# last statement, from migration 0004, with the new argument.
DATA_CHANGED = """
CREATE OR REPLACE FUNCTION accounts_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    users bigint[] := '{{}}';
    packages bigint[] := '{{}}';
    rows jsonb[] := '{{}}';
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
    PERFORM accounts_bump_data_versions(users{network});
    RETURN NULL;
END
$$;
"""

BACKWARD = """
DROP FUNCTION accounts_bump_data_versions(bigint[], boolean);

CREATE FUNCTION accounts_bump_data_versions(users bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE accounts_dataversion SET version = version + 1, bumped_at = statement_timestamp()
    WHERE user_id IN (
        SELECT v.user_id FROM accounts_dataversion v
        WHERE v.user_id IN (SELECT unnest(users)
                            UNION SELECT u.coach_id FROM accounts_user u WHERE u.id = ANY(users))
        ORDER BY v.user_id
        FOR UPDATE
    )
    AND (bumped_at IS DISTINCT FROM statement_timestamp() OR xmin <> pg_current_xact_id()::xid);
END
$$;

CREATE OR REPLACE FUNCTION accounts_owner_data_changed() RETURNS trigger
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

CREATE OR REPLACE FUNCTION accounts_debrief_data_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM accounts_bump_data_versions(ARRAY(
        SELECT owner_id FROM debriefs_debrief
        WHERE id IN (CASE WHEN TG_OP <> 'INSERT' THEN OLD.debrief_id END,
                     CASE WHEN TG_OP <> 'DELETE' THEN NEW.debrief_id END)));
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_data_version_bump_in_plpgsql"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataversion",
            name="network_version",
            field=models.BigIntegerField(default=0, db_default=0),
        ),
        migrations.AddField(
            model_name="dataversion",
            name="network_bumped_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunSQL(FORWARD + DATA_CHANGED.format(network=", true"),
                          BACKWARD + DATA_CHANGED.format(network="")),
    ]
