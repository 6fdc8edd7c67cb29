"""The meetings' (owner, status, starts_at) index ends with the id (issue 10): the
coach's "last meetings" lookups order by date then id, and now read them off the index
instead of sorting every held meeting of the client. And the unread comments get a
partial index: the coach's "new replies" start from them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('debriefs', '0009_open_follow_ups_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='meeting',
            name='debriefs_me_owner_i_f9bf8c_idx',
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=models.Index(fields=['owner', 'status', 'starts_at', 'id'], name='meeting_owner_status_start'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('read_by_recipient_at__isnull', True)), fields=['debrief'], name='comment_unread'),
        ),
    ]
