"""Keeping `Debrief.flag_count` current when a flag's input changes outside the debrief.

The "no referral" flag reads the contacts added from a meeting (`Contact.referred_in`).
Those are saved and deleted on the contacts pages too, and `contacts` may not import
`debriefs` (docs/architecture.md), so the debriefs app listens instead.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from contacts.models import Contact

from .models import Debrief


def _refresh(*meeting_ids) -> None:
    ids = {pk for pk in meeting_ids if pk}
    if ids:
        Debrief.objects.filter(meeting_id__in=ids).refresh_flag_count()


@receiver(pre_save, sender=Contact)
def _remember_referring_meeting(sender, instance, raw=False, **kwargs):
    # Only when the meeting may have changed: an edit that names one, or moves away from one.
    instance._referred_in_before = None
    if not raw and instance.pk is not None:
        instance._referred_in_before = (
            Contact.objects.filter(pk=instance.pk).values_list("referred_in_id", flat=True)
            .first()
        )


@receiver(post_save, sender=Contact)
def _contact_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_referred_in_before", None)
    if before != instance.referred_in_id or kwargs.get("created"):
        _refresh(before, instance.referred_in_id)


@receiver(post_delete, sender=Contact)
def _contact_deleted(sender, instance, **kwargs):
    _refresh(instance.referred_in_id)
