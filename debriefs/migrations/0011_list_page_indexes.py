"""Indexes for the meetings and follow-ups lists (issue 10): a page of the client's
meetings newest first, and the follow-ups last ticked off, each a short walk of an index
instead of a sort of the client's rows (or a walk of everybody's meetings by date)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('debriefs', '0010_meeting_index_with_id'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='followup',
            index=models.Index(condition=models.Q(('done_at__isnull', False)), fields=['owner', 'done_at', 'id'], name='followup_done'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['owner', 'starts_at', 'id'], name='meeting_owner_starts_at'),
        ),
    ]
