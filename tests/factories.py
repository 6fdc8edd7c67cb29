"""Factories for every model, in one place."""

import datetime

import factory
from django.utils import timezone

from accounts.models import User
from contacts.models import Contact
from debriefs.models import Debrief, FollowUp, Meeting

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.CLIENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CoachFactory(UserFactory):
    role = User.Role.COACH
    email = factory.Sequence(lambda n: f"coach{n}@example.com")


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact; pass referred_by=... and the app derives the tier.

    The contact is saved through `Contact.set_referrer()`, as the contact form saves it, so
    the tier a test reads is the app's (the referrer's tier as stored, plus one), and a
    referrer the app would refuse (another owner's contact) is refused here too.
    """

    class Meta:
        model = Contact

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("name")
    organisation = factory.Faker("company")
    role_title = factory.Faker("job")
    referred_by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        referrer = kwargs.pop("referred_by", None)
        contact = model_class(*args, **kwargs)
        contact.set_referrer(referrer)  # saves, with the tier derived by the app
        return contact


def _stored_tier(meeting) -> int:
    """The contact's tier as the app stored it, which MeetingForm copies onto a new meeting."""
    return Contact.objects.values_list("tier", flat=True).get(pk=meeting.contact.pk)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    owner = factory.SubFactory(UserFactory)
    contact = factory.SubFactory(ContactFactory, owner=factory.SelfAttribute("..owner"))
    contact_tier = factory.LazyAttribute(_stored_tier)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    status = Meeting.Status.HELD


class DebriefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debrief

    meeting = factory.SubFactory(MeetingFactory)
    owner = factory.SelfAttribute("meeting.owner")
    notes = factory.Faker("paragraph")
    is_draft = False


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    owner = factory.SubFactory(UserFactory)
    title = factory.Faker("sentence", nb_words=4)
    due_on = factory.LazyFunction(timezone.localdate)


# Coaching (issue 5): comments and invitations.


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "debriefs.Comment"

    debrief = factory.SubFactory(DebriefFactory)
    author = factory.SelfAttribute("debrief.owner")
    body = factory.Faker("sentence")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Invitation"

    coach = factory.SubFactory(CoachFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")


# Package and prep sheet (issue 6).


class PackageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "debriefs.Package"

    owner = factory.SubFactory(UserFactory)
    who_i_am = "I'm Alice, an emergency physician of ten years."
    what_i_have_done = "I led the rollout of a sepsis alert across the hospital."
    what_i_want_to_do = "I want to work on clinical product in a digital health company."
    how_you_can_help_me = "Your view of the field, and one or two people I should meet."
    how_i_can_help_you = "The view from the bedside, and clinicians to test ideas with."
    industry_questions = "How do teams choose clinical problems?\nWho is essential here?"


class CoreCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "debriefs.CoreCompetency"

    package = factory.SubFactory(PackageFactory)
    name = factory.Sequence(lambda n: f"Competency {n}")
    example = "One thing that worked well was a weekly huddle with the night team."


class CompetencyCitedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "debriefs.CompetencyCited"

    debrief = factory.SubFactory(DebriefFactory)
    name = factory.Sequence(lambda n: f"Skill {n}")
    gave_example = False
