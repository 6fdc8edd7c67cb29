"""The contacts search reads stored, indexed columns (issue 10).

- `contacts_tags_text(varchar[])`: `array_to_string` is only STABLE, and a generated column
  needs IMMUTABLE expressions; this wrapper is.
- `search_document` (tsvector, GIN) and `search_text` (lower-case text) are generated
  columns: PostgreSQL keeps them right on every write, bulk imports included.
- A trigram GIN index on `search_text` only where the server offers pg_trgm (the embedded
  PostgreSQL of a fresh machine does not); `Contact.objects.search` checks for it once per
  process and otherwise matches word prefixes in the document.
- B-tree indexes for the list's order, the board's columns and the referral branches.
"""

from django.db import DatabaseError, transaction

import contacts.models
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


TAGS_TEXT_FUNCTION = """
CREATE OR REPLACE FUNCTION contacts_tags_text(tags varchar[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(array_to_string(tags, ' '), '') $$
"""


def add_trigram_index(apps, schema_editor):
    """The trigram index, where pg_trgm can be had; nothing (and no error) elsewhere."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')"
        )
        if not cursor.fetchone()[0]:
            return
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {contacts.models.TRIGRAM_INDEX} "
                    "ON contacts_contact USING gin (search_text gin_trgm_ops)"
                )
        except DatabaseError:  # available but not ours to install (no privilege)
            return


def drop_trigram_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {contacts.models.TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0004_contact_name_parts_and_phone_type'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            TAGS_TEXT_FUNCTION, "DROP FUNCTION IF EXISTS contacts_tags_text(varchar[])"
        ),
        migrations.AddField(
            model_name='contact',
            name='search_document',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector('name', config='english', weight='A'), '||', django.contrib.postgres.search.SearchVector('organisation', 'role_title', 'field', contacts.models.TagsText('tags'), config='english', weight='B'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector('notes', 'how_we_met', config='english', weight='C'), django.contrib.postgres.search.SearchConfig('english')), '||', django.contrib.postgres.search.SearchVector(django.db.models.functions.text.Replace(models.F('email'), models.Value('@'), models.Value(' ')), config='english', weight='D'), django.contrib.postgres.search.SearchConfig('english')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='contact',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(django.db.models.functions.text.Concat(models.F('name'), models.Value(' '), models.F('organisation'), models.Value(' '), models.F('role_title'), models.Value(' '), models.F('field'), models.Value(' '), models.F('email'), models.Value(' '), models.F('how_we_met'), models.Value(' '), models.F('notes'), models.Value(' '), contacts.models.TagsText('tags'), output_field=models.TextField())), output_field=models.TextField()),
        ),
        migrations.RemoveIndex(
            model_name='contact',
            name='contacts_co_owner_i_521246_idx',
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['owner', 'tier', 'updated_at'], name='contact_owner_tier'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['owner', 'name', 'id'], name='contact_owner_name'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(models.F('owner'), models.F('tier'), models.F('status'), django.db.models.functions.text.Lower('name'), models.F('id'), name='contact_board_column'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['referred_by', 'name', 'id'], name='contact_referrals'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_document'], name='contact_search_document'),
        ),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
