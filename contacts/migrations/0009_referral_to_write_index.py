"""The home page's "write to a referral" steps read in order along an index (issue 10)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0008_contact_owner_lower_name'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(condition=models.Q(('referred_by__isnull', False), ('status', 'to_contact')), fields=['owner', 'created_at', 'id'], name='contact_referral_to_write'),
        ),
    ]
