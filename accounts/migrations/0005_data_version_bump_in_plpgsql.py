"""The data version's bump (migration 0004) in PL/pgSQL rather than SQL, same statement.

A SQL-language function that is not inlined plans its statement again at every call;
PL/pgSQL keeps the plan for the session. Every commit that writes a watched row calls it
(an autosave: once), and the planning was most of its cost: an autosave's statement took
1.5-1.8 ms with it, 1.0-1.2 ms without (the bench's 1x data, docs/architecture.md).
"""

from django.db import migrations

BUMP = """
CREATE OR REPLACE FUNCTION accounts_bump_data_versions(users bigint[]) RETURNS void
LANGUAGE {language} AS $$
{begin}    UPDATE accounts_dataversion SET version = version + 1, bumped_at = statement_timestamp()
    WHERE user_id IN (
        SELECT v.user_id FROM accounts_dataversion v
        WHERE v.user_id IN (SELECT unnest(users)
                            UNION SELECT u.coach_id FROM accounts_user u WHERE u.id = ANY(users))
        ORDER BY v.user_id
        FOR UPDATE
    )
    AND (bumped_at IS DISTINCT FROM statement_timestamp() OR xmin <> pg_current_xact_id()::xid){end}$$;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_data_version"),
    ]

    operations = [
        migrations.RunSQL(BUMP.format(language="plpgsql", begin="BEGIN\n", end=";\nEND\n"),
                          BUMP.format(language="sql", begin="", end="\n")),
    ]
