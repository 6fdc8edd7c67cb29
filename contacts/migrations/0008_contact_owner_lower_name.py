"""The debrief form's check that a name given is already a contact (any case) reads an
index instead of every contact of the owner (issue 10)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0007_tally_named_at_meetings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                models.F("owner"), django.db.models.functions.text.Lower("name"),
                name="contact_owner_lower_name",
            ),
        ),
    ]
