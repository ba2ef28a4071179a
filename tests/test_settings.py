"""Settings come from the environment and fail loudly, naming the variable, on a bad value."""

import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_addresses, env_bool, env_int, env_list, env_path, env_str, env_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR = "LTB_TEST_SETTING"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(VAR, raising=False)


# --- env_bool -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "on", " 1 "])
def test_env_bool_true(monkeypatch, value):
    monkeypatch.setenv(VAR, value)
    assert env_bool(VAR, default=False) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "no", "off", ""])
def test_env_bool_false(monkeypatch, value):
    monkeypatch.setenv(VAR, value)
    assert env_bool(VAR, default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_default_when_unset(default):
    assert env_bool(VAR, default=default) is default


@pytest.mark.parametrize("value", ["maybe", "2", "tru", "y e s"])
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(VAR, value)
    with pytest.raises(ImproperlyConfigured) as info:
        env_bool(VAR, default=False)
    assert VAR in str(info.value)
    assert repr(value) in str(info.value)


# --- env_int ------------------------------------------------------------------------------


def test_env_int_parses(monkeypatch):
    monkeypatch.setenv(VAR, " 42 ")
    assert env_int(VAR, 7) == 42


@pytest.mark.parametrize("value", [None, "", "   "])
def test_env_int_default(monkeypatch, value):
    if value is not None:
        monkeypatch.setenv(VAR, value)
    assert env_int(VAR, 7) == 7


@pytest.mark.parametrize("value", ["abc", "1.5", "12abc"])
def test_env_int_refuses_non_integers(monkeypatch, value):
    monkeypatch.setenv(VAR, value)
    with pytest.raises(ImproperlyConfigured) as info:
        env_int(VAR, 7)
    assert VAR in str(info.value)
    assert "integer" in str(info.value)


def test_env_int_refuses_below_minimum(monkeypatch):
    monkeypatch.setenv(VAR, "59")
    with pytest.raises(ImproperlyConfigured) as info:
        env_int(VAR, 3600, minimum=60)
    assert VAR in str(info.value)
    assert "at least 60" in str(info.value)
    monkeypatch.setenv(VAR, "60")
    assert env_int(VAR, 3600, minimum=60) == 60


# --- env_url ------------------------------------------------------------------------------


def test_env_url_refuses_an_unsupported_scheme_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://user:pw@db/lamtheobac")
    with pytest.raises(ImproperlyConfigured) as info:
        env_url("DATABASE_URL", schemes=("sqlite", "postgres", "postgresql"))
    message = str(info.value)
    assert "DATABASE_URL" in message
    assert "postgres://" in message


def test_env_url_refuses_a_value_without_scheme(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "localhost:5432/db")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_url("DATABASE_URL", schemes=("postgres",))


@pytest.mark.parametrize("value", ["postgres://u:p@db:5432/x", "postgresql://db/x", "sqlite:////tmp/x.db"])
def test_env_url_accepts_known_schemes(monkeypatch, value):
    monkeypatch.setenv(VAR, f"  {value} ")
    assert env_url(VAR, schemes=("sqlite", "postgres", "postgresql")) == value


@pytest.mark.parametrize("value", [None, "", "  "])
def test_env_url_unset_is_none(monkeypatch, value):
    if value is not None:
        monkeypatch.setenv(VAR, value)
    assert env_url(VAR, schemes=("redis",)) is None


# --- env_list, env_str, env_path ------------------------------------------------------------


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv(VAR, " example.org, www.example.org ,,api.example.org ")
    assert env_list(VAR, default=[]) == ["example.org", "www.example.org", "api.example.org"]


def test_env_list_default_when_unset():
    assert env_list(VAR, default=["localhost"]) == ["localhost"]


@pytest.mark.parametrize("value", ["", " , ,"])
def test_env_list_refuses_an_empty_list(monkeypatch, value):
    monkeypatch.setenv(VAR, value)
    with pytest.raises(ImproperlyConfigured, match=VAR):
        env_list(VAR, default=["localhost"])


def test_env_str(monkeypatch):
    assert env_str(VAR) is None
    assert env_str(VAR, "mặc định") == "mặc định"
    monkeypatch.setenv(VAR, "  giá trị  ")
    assert env_str(VAR, "mặc định") == "giá trị"


def test_env_path(monkeypatch, tmp_path):
    assert env_path(VAR, tmp_path) == tmp_path
    monkeypatch.setenv(VAR, str(tmp_path / "media"))
    assert env_path(VAR, Path("/x")) == tmp_path / "media"
    monkeypatch.setenv(VAR, "relative/media")
    with pytest.raises(ImproperlyConfigured, match=VAR):
        env_path(VAR, Path("/x"))


# --- env_addresses (ADMINS) ---------------------------------------------------------------


def test_env_addresses_reads_names_and_bare_addresses(monkeypatch):
    monkeypatch.setenv(VAR, ' Nguyễn Văn An <an@tinhuy.example.vn>, binh@example.vn ,"Trần, Chi" <chi@example.vn>')
    assert env_addresses(VAR) == [
        ("Nguyễn Văn An", "an@tinhuy.example.vn"),
        ("", "binh@example.vn"),
        ("Trần, Chi", "chi@example.vn"),
    ]


@pytest.mark.parametrize("value", [None, "", "   "])
def test_env_addresses_unset_is_none(monkeypatch, value):
    if value is not None:
        monkeypatch.setenv(VAR, value)
    assert env_addresses(VAR) == []


@pytest.mark.parametrize(
    "value",
    [
        "not-an-address",
        "an@example.vn binh@example.vn",  # a missing comma
        "Trần, Chi <chi@example.vn>",  # a name with a comma, unquoted
        "an@example.vn,,binh@example.vn",
        "an@",
        "Nguyễn Văn An",
    ],
)
def test_env_addresses_refuses_a_bad_entry_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv(VAR, value)
    with pytest.raises(ImproperlyConfigured) as info:
        env_addresses(VAR)
    assert VAR in str(info.value)
    assert repr(value) in str(info.value)


# --- start-up in a fresh process ----------------------------------------------------------


def clean_env(**overrides: str) -> dict[str, str]:
    # A clean production-like environment: nothing a test run sets (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE for Playwright) may leak into it.
    dropped = {"TESTING", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.pop("ALLOWED_HOSTS", None)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def random_secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(50))


SETUP = ["-c", "import django; django.setup()"]


def test_start_up_without_secret_key_fails_when_debug_is_off():
    result = run(SETUP, clean_env(DEBUG="0", TESTING="0"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_start_up_with_an_unreadable_debug_fails_naming_it():
    result = run(SETUP, clean_env(DEBUG="maybe", TESTING="0", SECRET_KEY=random_secret_key()))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG" in result.stderr
    assert "'maybe'" in result.stderr


def test_start_up_with_an_unsupported_database_fails_naming_it():
    result = run(SETUP, clean_env(DEBUG="0", TESTING="0", SECRET_KEY=random_secret_key(), DATABASE_URL="mysql://db/x"))
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_start_up_in_development_needs_no_secret_key():
    result = run(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        clean_env(DEBUG="1", TESTING="0"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_deploy_check_is_clean_in_production_settings():
    env = clean_env(DEBUG="0", TESTING="0", SECRET_KEY=random_secret_key(), ALLOWED_HOSTS="example.org")
    result = run(["manage.py", "check", "--deploy"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output, output
    assert "WARNINGS" not in output, output


# --- mail ---------------------------------------------------------------------------------

MAIL_SETTINGS = [
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_TIMEOUT",
    "DEFAULT_FROM_EMAIL",
    "SERVER_EMAIL",
    "ADMINS",
    "SITE_URL",
]
PRINT_MAIL_SETTINGS = [
    "-c",
    "import django, json; django.setup(); from django.conf import settings; "
    f"print(json.dumps({{name: getattr(settings, name) for name in {MAIL_SETTINGS!r}}}))",
]


def production_env(**overrides: str) -> dict[str, str]:
    """Production settings, with no mail setting of the machine running the tests."""
    env = {k: v for k, v in clean_env().items() if not k.startswith(("EMAIL_", "ADMINS", "SERVER_EMAIL", "SITE_URL"))}
    env.pop("DEFAULT_FROM_EMAIL", None)
    return {**env, "DEBUG": "0", "TESTING": "0", "SECRET_KEY": random_secret_key(), **overrides}


def mail_settings(**env: str) -> dict:
    result = run(PRINT_MAIL_SETTINGS, production_env(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("server_email", [{}, {"SERVER_EMAIL": ""}], ids=["unset", "blank"])
def test_mail_defaults(server_email):
    found = mail_settings(DEFAULT_FROM_EMAIL="lamtheobac@example.gov.vn", **server_email)
    assert found == {
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 30,
        "DEFAULT_FROM_EMAIL": "lamtheobac@example.gov.vn",
        "SERVER_EMAIL": "lamtheobac@example.gov.vn",  # error reports come from the same sender
        "ADMINS": [],
        "SITE_URL": "http://127.0.0.1:8000",
    }


def test_mail_settings_from_the_environment():
    found = mail_settings(
        EMAIL_HOST="smtp.example.gov.vn",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="lamtheobac",
        EMAIL_HOST_PASSWORD="mat-khau-smtp",
        EMAIL_USE_TLS="1",
        EMAIL_TIMEOUT="10",
        DEFAULT_FROM_EMAIL="Làm theo Bác <lamtheobac@example.gov.vn>",
        SERVER_EMAIL="loi-he-thong@example.gov.vn",
        ADMINS="Quản trị Tỉnh ủy <quantri@example.gov.vn>, trucban@example.gov.vn",
        SITE_URL="https://lamtheobac.example.gov.vn/",
    )
    assert found == {
        "EMAIL_HOST": "smtp.example.gov.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "lamtheobac",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
        "DEFAULT_FROM_EMAIL": "Làm theo Bác <lamtheobac@example.gov.vn>",
        "SERVER_EMAIL": "loi-he-thong@example.gov.vn",
        "ADMINS": [["Quản trị Tỉnh ủy", "quantri@example.gov.vn"], ["", "trucban@example.gov.vn"]],
        "SITE_URL": "https://lamtheobac.example.gov.vn",
    }


def test_start_up_with_both_tls_and_ssl_fails_naming_them():
    result = run(SETUP, production_env(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "EMAIL_USE_TLS and EMAIL_USE_SSL are both on" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"), [("EMAIL_TIMEOUT", "0"), ("EMAIL_TIMEOUT", "ba mươi"), ("EMAIL_USE_SSL", "có")]
)
def test_start_up_with_a_bad_mail_setting_fails_naming_it(name, value):
    result = run(SETUP, production_env(**{name: value}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_start_up_with_a_bad_admin_address_fails_naming_it():
    result = run(SETUP, production_env(ADMINS="Quản trị <quantri@example.gov.vn>; trucban@example.gov.vn"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ADMINS must be a comma-separated list of mail addresses" in result.stderr


def test_admins_from_the_environment_receive_mail_admins():
    """ADMINS as an operator writes it reaches Django's mail_admins (sendtestemail --admins)."""
    code = (
        "import django, json; django.setup(); from django.core import mail; "
        "from django.core.management import call_command; "
        "call_command('sendtestemail', '--admins'); "
        "mail.mail_admins('Kiểm tra', 'Nội dung'); "
        "print(json.dumps([[m.from_email, m.to, m.subject] for m in mail.outbox]))"
    )
    result = run(
        ["-c", code],
        production_env(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            SERVER_EMAIL="loi-he-thong@example.gov.vn",
            ADMINS="Quản trị Tỉnh ủy <quantri@example.gov.vn>, trucban@example.gov.vn",
        ),
    )
    assert result.returncode == 0, result.stderr
    sent = json.loads(result.stdout.strip().splitlines()[-1])
    admins = ["quantri@example.gov.vn", "trucban@example.gov.vn"]
    assert [(sender, to) for sender, to, _subject in sent] == [("loi-he-thong@example.gov.vn", admins)] * 2
    assert all(subject.startswith("[Làm theo Bác] ") for _sender, _to, subject in sent)


def test_the_requeue_of_stuck_renders_runs_on_the_default_queue():
    from celery import current_app

    router = current_app.amqp.router
    assert router.route({}, "reports.tasks.requeue_stuck_renders")["queue"].name == "default"
    assert router.route({}, "reports.tasks.render_report_task")["queue"].name == "reports"


def sign_in_settings(**overrides: str) -> dict:
    script = (
        "import django, json; django.setup(); from django.conf import settings; print(json.dumps({"
        "'address_limit': settings.LOGIN_ADDRESS_FAILURE_LIMIT, 'token_days': settings.API_TOKEN_TTL.days, "
        "'token_limit': settings.API_TOKEN_LIMIT, 'knox_ttl_days': settings.REST_KNOX['TOKEN_TTL'].days, "
        "'csrf_failure_view': settings.CSRF_FAILURE_VIEW}))"
    )
    result = run(["-c", script], clean_env(DEBUG="1", TESTING="0", **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sign_in_and_token_settings_default_and_read_the_environment():
    assert sign_in_settings() == {
        "address_limit": 30,
        "token_days": 30,
        "token_limit": 10,
        "knox_ttl_days": 30,
        "csrf_failure_view": "committees.views.csrf_failure",
    }
    found = sign_in_settings(LOGIN_ADDRESS_FAILURE_LIMIT="50", API_TOKEN_DAYS="7", API_TOKEN_LIMIT="3")
    assert (found["address_limit"], found["token_days"], found["knox_ttl_days"], found["token_limit"]) == (50, 7, 7, 3)


@pytest.mark.parametrize("name", ["LOGIN_ADDRESS_FAILURE_LIMIT", "API_TOKEN_DAYS", "API_TOKEN_LIMIT"])
def test_a_bad_sign_in_or_token_setting_stops_start_up_naming_it(name):
    result = run(SETUP, clean_env(DEBUG="1", TESTING="0", **{name: "0"}))
    assert result.returncode != 0
    assert name in result.stderr
