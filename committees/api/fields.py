"""Input fields of the API with Vietnamese messages (the framework's own catalog is mostly untranslated).

Validators such as max_length take their message when the field is built, so the messages are
class defaults here rather than patched afterwards.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from committees.models import Organization
from committees.permissions import scope_filter, scope_for
from committees.text import control_character_error
from committees.years import YEAR_MIN, ensure_year_in_range

# Ids are 64-bit; a bigger number is refused as a wrong value rather than sent to the database.
MAX_ID = 2**63 - 1
LIST_MAX = 500

BASE_MESSAGES = {
    "required": _("Trường này là bắt buộc."),
    "null": _("Trường này không nhận giá trị null."),
}
NUMBER_MESSAGES = {
    "invalid": _("Cần một số nguyên."),
    "max_value": _("Giá trị không được lớn hơn {max_value}."),
    "min_value": _("Giá trị không được nhỏ hơn {min_value}."),
    "max_string_length": _("Giá trị quá dài."),
}
LIST_MESSAGES = {
    "not_a_list": _("Cần một danh sách."),
    "empty": _("Danh sách không được để trống."),
    "min_length": _("Danh sách cần ít nhất {min_length} phần tử."),
    "max_length": _("Danh sách không được quá {max_length} phần tử."),
}


def no_control_characters(value: str) -> None:
    problem = control_character_error(value)
    if problem:
        raise serializers.ValidationError(problem, code="control_character")


class CharField(serializers.CharField):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _("Cần một chuỗi ký tự."),
        "blank": _("Trường này không được để trống."),
        "max_length": _("Không được dài quá {max_length} ký tự."),
        "min_length": _("Cần ít nhất {min_length} ký tự."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        replaced = []
        for validator in self.validators:
            if isinstance(validator, ProhibitNullCharactersValidator):
                validator = no_control_characters  # NUL and the other control characters
            elif isinstance(validator, ProhibitSurrogateCharactersValidator):
                validator = ProhibitSurrogateCharactersValidator()
                validator.message = _("Không được chứa ký tự thay thế (surrogate) U+{code_point:X}.")
            replaced.append(validator)
        self.validators = replaced


class IntegerField(serializers.IntegerField):
    default_error_messages = {**BASE_MESSAGES, **NUMBER_MESSAGES}


class BooleanField(serializers.BooleanField):
    default_error_messages = {**BASE_MESSAGES, "invalid": _("Cần giá trị đúng/sai (true hoặc false).")}


class DateField(serializers.DateField):
    default_error_messages = {
        **BASE_MESSAGES,
        "invalid": _("Ngày không hợp lệ: dùng dạng YYYY-MM-DD."),
        "datetime": _("Cần một ngày, không kèm giờ."),
    }


class ChoiceField(serializers.ChoiceField):
    # The value is not echoed back: it may be anything, of any length.
    default_error_messages = {**BASE_MESSAGES, "invalid_choice": _("Giá trị không nằm trong các lựa chọn cho phép.")}


class ListField(serializers.ListField):
    default_error_messages = {**BASE_MESSAGES, **LIST_MESSAGES}


class ListSerializer(serializers.ListSerializer):
    default_error_messages = {**BASE_MESSAGES, **LIST_MESSAGES}


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    default_error_messages = {
        **BASE_MESSAGES,
        "does_not_exist": _("Không tìm thấy (mã {pk_value})."),
        "incorrect_type": _("Cần một mã số (số nguyên)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", IntegerField())
        super().__init__(**kwargs)


class ScopedRelatedField(PrimaryKeyRelatedField):
    """An id of a record in the user's scope; any other id reads as "does not exist"."""

    def __init__(self, queryset, *, via: str | None = "organization", **kwargs):
        self.base_queryset = queryset
        self.via = via
        super().__init__(queryset=queryset, **kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        if self.via is None:
            return self.base_queryset.filter(scope_for(user).q("path"))
        return scope_filter(self.base_queryset, user, via=self.via)


# --- builders -----------------------------------------------------------------------------


def id_field(**kwargs) -> IntegerField:
    return IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def id_list_field(**kwargs) -> ListField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", list)
    return ListField(child=id_field(), max_length=LIST_MAX, **kwargs)


def _year_in_range(value: int) -> None:
    # Checked when the request arrives, not when the module loads: "next year" moves on.
    # The lower bound is the field's own min_value (it also travels into the schema).
    if value < YEAR_MIN:
        return
    try:
        ensure_year_in_range(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from error


def year_field(**kwargs) -> IntegerField:
    """A year the application accepts (committees.years); whether it is open for the
    organization is the service's rule, answered with its message."""
    return IntegerField(min_value=YEAR_MIN, validators=[_year_in_range], **kwargs)


def count_field(maximum: int, **kwargs) -> IntegerField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", 0)
    return IntegerField(min_value=0, max_value=maximum, **kwargs)


def date_field(**kwargs) -> DateField:
    """An optional date (null when not given)."""
    kwargs.setdefault("allow_null", True)
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", None)
    return DateField(**kwargs)


def text_field(model, name: str, **kwargs) -> CharField:
    """A string bounded by the model field's max_length; optional where the model allows blank."""
    model_field = model._meta.get_field(name)
    kwargs.setdefault("max_length", model_field.max_length)
    kwargs.setdefault("allow_blank", model_field.blank)
    if model_field.blank:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "")
    return CharField(**kwargs)


def choice_field(model, name: str, **kwargs) -> ChoiceField:
    """The model field's choices; optional with the model's default where it has one."""
    model_field = model._meta.get_field(name)
    kwargs.setdefault("allow_blank", model_field.blank)
    if model_field.has_default():
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", model_field.get_default())
    elif model_field.blank:
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "")
    return ChoiceField(choices=model_field.choices, **kwargs)


def organization_field(**kwargs) -> ScopedRelatedField:
    return ScopedRelatedField(Organization.objects.all(), via=None, **kwargs)
