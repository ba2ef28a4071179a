"""Links that leave the site: mails carry absolute addresses built on the SITE_URL setting."""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`/to-chuc/5/` → `https://lamtheobac.example.vn/to-chuc/5/` (SITE_URL's scheme and host)."""
    return settings.SITE_URL + path


def absolute_reverse(view_name: str, *args, **kwargs) -> str:
    return absolute_url(reverse(view_name, args=args or None, kwargs=kwargs or None))
