"""Forms of the account pages and of the password pages (first password, reset)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from committees import accounts
from committees.forms import NormalizedFormMixin, VnDateField, VnDateInput
from committees.models import Organization, Role, RoleEvent

ROLE_CHOICES = [(code, label) for code, label in Role.choices if code in accounts.GRANTABLE_ROLES]


class OrganizationChoiceField(forms.ModelChoiceField):
    """Organizations in tree order, indented by depth below the first one listed."""

    def __init__(self, *args, base_depth: int = 1, **kwargs):
        self.base_depth = base_depth
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Organization) -> str:
        return "\u2003" * max(obj.depth - self.base_depth, 0) + obj.name


def organization_field(queryset, *, base_depth: int) -> OrganizationChoiceField:
    return OrganizationChoiceField(
        queryset=queryset,
        base_depth=base_depth,
        empty_label=_("— Chọn tổ chức —"),
        label=_("Tổ chức được phân quyền"),
        help_text=_("Vai trò trên một tổ chức có hiệu lực cho cả các tổ chức trực thuộc."),
        error_messages={"invalid_choice": _("Hãy chọn một tổ chức trong phạm vi quản lý tài khoản của đồng chí.")},
    )


class AccountCreateForm(NormalizedFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=accounts.FULL_NAME_MAX_LENGTH)
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=40,
        help_text=_("Chữ thường không dấu, chữ số và các dấu . _ - (3–40 ký tự), ví dụ: nguyenvanan.cb1"),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Không bắt buộc. Nếu có, người dùng nhận thư mời đặt mật khẩu qua địa chỉ này."),
    )
    role = forms.ChoiceField(label=_("Vai trò"), choices=ROLE_CHOICES, initial=Role.SECRETARY)

    def __init__(self, *args, organizations, base_depth: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = organization_field(organizations, base_depth=base_depth)
        self.order_fields(["full_name", "username", "email", "organization", "role"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Tạo tài khoản")))


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=ROLE_CHOICES, initial=Role.SECRETARY)

    def __init__(self, *args, organizations, base_depth: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"] = organization_field(organizations, base_depth=base_depth)
        self.order_fields(["organization", "role"])


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo họ tên, tên đăng nhập hoặc e-mail"), max_length=100, required=False)


class RoleLogFilterForm(forms.Form):
    """The filters of the role log (query string: ?tu=...&den=...&loai=...)."""

    tu = VnDateField(
        label=_("Từ ngày"), required=False, widget=VnDateInput(attrs={"class": "form-control form-control-sm"})
    )
    den = VnDateField(
        label=_("Đến ngày"), required=False, widget=VnDateInput(attrs={"class": "form-control form-control-sm"})
    )
    loai = forms.ChoiceField(
        label=_("Loại thay đổi"),
        required=False,
        choices=[("", _("Mọi loại")), *RoleEvent.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("tu"), cleaned.get("den")
        if since and until and since > until:
            self.add_error("den", _("“Đến ngày” phải sau “Từ ngày”."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a mistyped one is reported on the form and otherwise ignored."""
        if not self.is_bound:
            return {"since": None, "until": None, "kind": None}
        self.is_valid()
        data = self.cleaned_data
        return {"since": data.get("tu"), "until": data.get("den"), "kind": data.get("loai") or None}


class FirstPasswordForm(auth_forms.SetPasswordForm):
    """Django's new-password-twice form (the password validators apply), refusing to keep the
    temporary password."""

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("new_password2")
        if password and "new_password2" not in self.errors and self.user.check_password(password):
            self.add_error("new_password2", _("Mật khẩu mới phải khác mật khẩu tạm thời."))
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the link also goes to an account still to choose its first password
    (an imported one has none), and the mail leaves from a task, so a known address is answered
    as fast as an unknown one."""

    def get_users(self, email):
        return accounts.accounts_for_password_reset(email=email)

    def save(self, **kwargs) -> None:
        accounts.password_reset_queue(user_ids=[user.pk for user in self.get_users(self.cleaned_data["email"])])
