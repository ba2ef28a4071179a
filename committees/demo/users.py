"""The fixed demo users (password `lamtheobac`)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from committees.demo.province import demo_organizations
from committees.models import Person, Role, RoleAssignment

DEMO_PASSWORD = "lamtheobac"

# username → (full name, role, organization key)
DEMO_USERS = {
    "khoi": ("Lê Thị Thu Hà", Role.REVIEWER, "bloc"),
    "vanthukhoi": ("Trịnh Văn Nam", Role.CLERK, "bloc"),
    "vanthu": ("Phạm Thị Hồng Nhung", Role.CLERK, "trade"),
    "bithu": ("Nguyễn Văn Hùng", Role.SECRETARY, "cell"),
}


def _user(username: str, full_name: str, *, password: str, superuser: bool = False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=username)
    # get_full_name() joins first and last: keep the Vietnamese order (family name first).
    user.first_name, _, user.last_name = full_name.rpartition(" ")
    user.email = f"{username}@example.invalid"
    user.is_staff = user.is_superuser = superuser
    user.password = password
    user.save()
    return user


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create or reset the demo users and their roles; returns (username, role, organization)."""
    organizations = demo_organizations()
    # One hash for the five users of the same known password: hashing is slow on purpose, and
    # every `make run` resets them.
    password = make_password(DEMO_PASSWORD)
    summary = [("admin", "quản trị hệ thống", "")]
    _user("admin", "Quản trị Hệ thống", password=password, superuser=True)
    for username, (full_name, role, key) in DEMO_USERS.items():
        user = _user(username, full_name, password=password)
        organization = organizations[key]
        RoleAssignment.objects.get_or_create(user=user, organization=organization, role=role)
        summary.append((username, Role(role).label, organization.name))
    _link_secretary(organizations["cell"])
    return summary


def _link_secretary(cell) -> None:
    user = get_user_model().objects.get(username="bithu")
    if Person.objects.filter(user=user).exists():
        return
    person = Person.objects.filter(organization=cell, category="party_full", exemption="").order_by("pk").first()
    if person is not None:
        person.full_name = "Nguyễn Văn Hùng"
        person.gender = "male"
        person.position = "Chánh Văn phòng Sở, Bí thư Chi bộ"
        person.user = user
        person.save()
