"""Indexes for the tiers board's figures (issue 10): waiting for a reply, people in
referral chains, people named at meetings; (owner, status) becomes (owner, status,
status_changed_at)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0009_referral_to_write_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contact',
            name='contacts_co_owner_i_f61fc2_idx',
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['owner', 'status', 'status_changed_at'], name='contact_owner_status_since'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(fields=['owner', 'tier', 'referred_by'], name='contact_tier_referrer'),
        ),
        migrations.AddIndex(
            model_name='contact',
            index=models.Index(condition=models.Q(('referred_in__isnull', False)), fields=['owner', 'referred_in'], name='contact_named_at_meeting'),
        ),
    ]
