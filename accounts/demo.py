"""Demo data: accounts. Each app adds its own demo data for these users; the
`seed_demo` command (debriefs/management/commands) calls them all in order."""

from .models import Invitation, User

DEMO_PASSWORD = "debrief-demo"


def _user(email: str, role: str, first_name: str, last_name: str, coach=None) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"role": role, "first_name": first_name, "last_name": last_name, "coach": coach},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_users() -> dict[str, User]:
    coach = _user("coach@example.com", User.Role.COACH, "Carol", "Whitfield")
    client = _user("client@example.com", User.Role.CLIENT, "Priya", "Raman", coach=coach)
    other = _user("other@example.com", User.Role.CLIENT, "Tom", "Okafor")
    # A second client, so the coach home has a queue, flags and replies to show.
    second = _user("marcus@example.com", User.Role.CLIENT, "Marcus", "Bell", coach=coach)
    return {"coach": coach, "client": client, "other": other, "second": second}


def seed_invitation(coach: User) -> None:
    """An open invitation, so the coach's invitation list is not empty."""
    if not coach.invitations.pending().filter(email="new.client@example.com").exists():
        Invitation.objects.create(coach=coach, email="new.client@example.com")
