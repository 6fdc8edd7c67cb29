"""Demo data: accounts. Each app adds its own demo data for these users (see seed_demo)."""

from .models import User

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
    return {"coach": coach, "client": client, "other": other}
