"""Mails about an account: the invitation to a new account, the password reset link.

Both carry a link to choose a password, made with Django's password-reset token (valid for
settings.PASSWORD_RESET_TIMEOUT, void once the password changed) and built on settings.SITE_URL,
never on the Host header of a request. They are composed and sent by tasks (committees.tasks),
which take user ids; a chunk of invitations goes over one SMTP connection.
"""

import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from committees.links import absolute_reverse, absolute_url
from committees.models import RoleAssignment

logger = logging.getLogger(__name__)
User = get_user_model()


def password_link(user) -> str:
    """The absolute link where `user` chooses a password (Django's PasswordResetConfirmView)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_reverse("password_reset_confirm", uidb64=uid, token=default_token_generator.make_token(user))


def _context(user) -> dict:
    return {
        "user": user,
        "recipient": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "link": password_link(user),
        "login_url": absolute_url(reverse("login")),
        "reset_url": absolute_url(reverse("password_reset")),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }


def _message(user, *, template: str, context: dict, connection=None) -> EmailMessage:
    subject = " ".join(render_to_string(f"committees/accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"committees/accounts/email/{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], connection=connection)


@dataclass
class MailResult:
    sent: int = 0
    failed: list[int] = field(default_factory=list)  # user ids whose mail could not go out


def invitations_send(*, user_ids: list[int]) -> MailResult:
    """Mail the invitation to each account of `user_ids` still waiting to choose its password
    (active, with an e-mail), over one SMTP connection. Sending again to the same ids mails
    only those that have not chosen a password yet; one refused address does not stop the rest."""
    users = (
        User.objects.filter(pk__in=user_ids, is_active=True, account_profile__must_set_password=True)
        .exclude(email="")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=RoleAssignment.objects.select_related("organization").order_by("organization__path"),
            )
        )
        .order_by("pk")
    )
    result = MailResult()
    with get_connection() as connection:
        for user in users:
            context = _context(user) | {"roles": list(user.roles.all())}
            try:
                _message(user, template="invitation", context=context, connection=connection).send()
            except (smtplib.SMTPException, OSError) as error:
                logger.warning("Invitation to user %s not sent: %s", user.pk, type(error).__name__)
                result.failed.append(user.pk)
            else:
                result.sent += 1
    return result


def password_reset_mail_send(*, user_id: int) -> bool:
    """Mail a password reset link to an active account with an e-mail; False when there is none."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    _message(user, template="password_reset", context=_context(user)).send()
    return True
