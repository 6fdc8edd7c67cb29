"""The kept counts also say how many of the people were named at a meeting (issue 10):
the home page's "referrals per meeting" reads them instead of counting every contact.

The trigger function of 0006, with one more sum: `named`, the people of the tier and
status whose `referred_in` is set.
"""

import importlib

from django.db import migrations, models

EARLIER_FUNCTION = importlib.import_module("contacts.migrations.0006_tallies").TALLY_FUNCTION

TALLY_FUNCTION = """
CREATE OR REPLACE FUNCTION contacts_keep_tallies() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changes text := CASE TG_OP
        WHEN 'INSERT' THEN 'SELECT owner_id, tier, status, tags, referred_in_id, 1 AS n FROM new_rows'
        WHEN 'DELETE' THEN 'SELECT owner_id, tier, status, tags, referred_in_id, -1 AS n FROM old_rows'
        ELSE 'SELECT owner_id, tier, status, tags, referred_in_id, 1 AS n FROM new_rows UNION ALL '
             'SELECT owner_id, tier, status, tags, referred_in_id, -1 FROM old_rows'
    END;
BEGIN
    EXECUTE format($sql$
        WITH change AS (%s),
        counted AS (
            INSERT INTO contacts_contacttally AS t (owner_id, tier, status, count, named)
            SELECT owner_id, tier, status, sum(n),
                   coalesce(sum(n) FILTER (WHERE referred_in_id IS NOT NULL), 0)
            FROM change
            GROUP BY 1, 2, 3
            HAVING sum(n) <> 0 OR sum(n) FILTER (WHERE referred_in_id IS NOT NULL) <> 0
            ORDER BY 1, 2, 3
            ON CONFLICT (owner_id, tier, status) DO UPDATE
            SET count = t.count + EXCLUDED.count,
                named = t.named + EXCLUDED.named
        )
        INSERT INTO contacts_tagtally AS t (owner_id, tag, count)
        SELECT owner_id, tag, sum(n) FROM change, unnest(tags) AS tag
        GROUP BY 1, 2 HAVING sum(n) <> 0 ORDER BY 1, 2
        ON CONFLICT (owner_id, tag) DO UPDATE SET count = t.count + EXCLUDED.count
    $sql$, changes);
    -- Served by the partial indexes on the counts at zero: no scan of the whole table.
    DELETE FROM contacts_contacttally WHERE count <= 0;
    DELETE FROM contacts_tagtally WHERE count <= 0;
    RETURN NULL;
END
$$
"""

BACKFILL = """
UPDATE contacts_contacttally AS t SET named = counted.named
FROM (SELECT owner_id, tier, status, count(*) AS named FROM contacts_contact
      WHERE referred_in_id IS NOT NULL GROUP BY 1, 2, 3) AS counted
WHERE (t.owner_id, t.tier, t.status) = (counted.owner_id, counted.tier, counted.status)
"""


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0006_tallies"),
    ]

    operations = [
        migrations.AddField(
            model_name="contacttally",
            name="named",
            field=models.IntegerField(default=0, db_default=0),
        ),
        # Backwards, the column goes and the function of 0006 (no `named`) comes back.
        migrations.RunSQL(TALLY_FUNCTION + ";" + BACKFILL, EARLIER_FUNCTION),
    ]
