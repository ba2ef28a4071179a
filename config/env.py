"""Read settings from the environment, failing loudly on values that do not parse.

Every helper raises ImproperlyConfigured naming the variable, so a typo in a deployment
stops start-up instead of silently falling back to a default.
"""

import os
from email.utils import getaddresses
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer; got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} must be a comma-separated list; got {value!r}")
    return items


def env_url(name: str, *, schemes: tuple[str, ...]) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {', '.join(s + '://' for s in schemes)}; got {value!r}"
        )
    return value


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    path = Path(value.strip())
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path; got {value!r}")
    return path


def env_addresses(name: str) -> list[tuple[str, str]]:
    """Mail addresses, comma-separated, each bare or with a name: `Tên A <a@x.vn>, b@y.vn` gives
    `[("Tên A", "a@x.vn"), ("", "b@y.vn")]`. Unset or blank: none. A name holding a comma must be
    quoted (`"Nguyễn, A" <a@x.vn>`)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return []
    addresses = []
    for display_name, address in getaddresses([value]):
        try:
            validate_email(address)
        except ValidationError:
            entry = f"{display_name} <{address}>" if display_name else address
            raise ImproperlyConfigured(
                f"{name} must be a comma-separated list of mail addresses such as "
                f"'Tên A <a@example.vn>, b@example.vn'; {entry!r} is not an address in {value!r}"
            ) from None
        addresses.append((display_name, address))
    return addresses
