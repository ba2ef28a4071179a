"""Error reports mailed to ADMINS, without the personal data a request carries.

Django's report holds the user name, the query string, the form fields, the cookies and every
header (the client's address among them), and the settings (DATABASE_URL with its password).
The operator needs the traceback, the view and the method; the rest stays out of the mail, as
it stays out of the logs. The exception's own message may still quote a value.
"""

import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Headers that say what was asked, not who asked.
TECHNICAL_META = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HX_REQUEST",
        "HTTP_HX_TARGET",
        "HTTP_X_FORWARDED_PROTO",
        "wsgi.url_scheme",
    }
)


class PersonalDataFilter(SafeExceptionReporterFilter):
    """Every submitted value and cookie replaced by stars, technical headers only, and the
    settings that hold addresses or credentials hidden as well as Django's secrets."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE"
        "|ADMINS|MANAGERS|EMAIL_HOST_USER|DATABASE_URL|REDIS_URL|BROKER_URL",
        flags=re.IGNORECASE,
    )

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        return {key: value for key, value in super().get_safe_request_meta(request).items() if key in TECHNICAL_META}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute)
            for name, _value in super().get_traceback_frame_variables(request, tb_frame)
        ]


class PrivateExceptionReporter(ExceptionReporter):
    """Django's report through `PersonalDataFilter`; the user by id, the URL without its query."""

    def __init__(self, request, exc_type, exc_value, tb, is_email=False):
        super().__init__(request, exc_type, exc_value, tb, is_email=is_email)
        self.filter = PersonalDataFilter()

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["user_str"] = self._user_id()
            data["request_GET_items"] = [(key, self.filter.cleansed_substitute) for key in self.request.GET]
            data["request_FILES_items"] = [(key, self.filter.cleansed_substitute) for key in self.request.FILES]
            data["request_insecure_uri"] = self.request.path
        return data

    def _user_id(self) -> str:
        user = getattr(self.request, "user", None)
        try:
            return f"id {user.pk}" if user is not None and user.is_authenticated else ""
        except Exception:  # noqa: BLE001 - the user is read from a database that may be the failure
            return "[unable to retrieve the current user]"
