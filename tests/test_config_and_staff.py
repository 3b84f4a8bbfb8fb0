"""Settings from the environment, and the staff commands."""
import pytest

from bot import create_app
from config import ConfigError, load_settings
from tests.conftest import make_settings

REAL = {"ZALO_APP_ID": "1", "ZALO_OA_ID": "2", "ZALO_OA_SECRET_KEY": "s", "ZALO_APP_SECRET": "a",
        "ZALO_ACCESS_TOKEN": "t", "ZALO_REFRESH_TOKEN": "r", "SECRET_KEY": "k",
        "DATA_KEY": "vJ0kq8Xw3c9m5R2nYtL7pQ4sZ1aB6dE8fG0hJ2kL4mM="}


def test_no_credentials_means_sandbox_against_the_local_stand_in():
    settings = load_settings({}, dotenv=False)
    assert settings.sandbox and settings.api_base == "http://127.0.0.1:8081"
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("instance/bot.db")


def test_real_credentials_use_zalo_urls_by_default_and_env_overrides():
    settings = load_settings(dict(REAL), dotenv=False)
    assert not settings.sandbox and settings.api_base == "https://openapi.zalo.me"
    assert settings.oauth_base == "https://oauth.zaloapp.com"
    moved = load_settings(dict(REAL, ZALO_API_BASE="http://127.0.0.1:9/", ZALO_OAUTH_BASE="http://x:1"),
                          dotenv=False)
    assert (moved.api_base, moved.oauth_base) == ("http://127.0.0.1:9", "http://x:1")


def test_missing_secrets_outside_sandbox_are_named():
    partial = {k: v for k, v in REAL.items() if k not in ("ZALO_OA_SECRET_KEY", "SECRET_KEY")}
    with pytest.raises(ConfigError) as info:
        load_settings(dict(partial, ZALO_SANDBOX="0"), dotenv=False)
    assert "ZALO_OA_SECRET_KEY" in str(info.value) and "SECRET_KEY" in str(info.value)


def test_a_missing_or_malformed_data_key_stops_the_start_with_how_to_make_one(tmp_path):
    partial = {k: v for k, v in REAL.items() if k != "DATA_KEY"}
    with pytest.raises(ConfigError) as info:
        load_settings(dict(partial), dotenv=False)
    assert "DATA_KEY" in str(info.value)
    settings = load_settings(dict(REAL, DATA_KEY="not-a-key", DATABASE_URL=f"sqlite:///{tmp_path}/x.db"), dotenv=False)
    with pytest.raises(ConfigError) as info:
        create_app(settings)
    assert "DATA_KEY" in str(info.value) and "Fernet.generate_key" in str(info.value)


def test_sandbox_is_refused_with_real_credentials():
    with pytest.raises(ConfigError) as info:
        load_settings(dict(REAL, ZALO_SANDBOX="1"), dotenv=False)
    assert "ZALO_ACCESS_TOKEN" in str(info.value)


@pytest.fixture
def runner(sqlite_url):
    app = create_app(make_settings(sqlite_url, "http://127.0.0.1:9"))
    return app.test_cli_runner()


def test_staff_add_list_remove(runner):
    added = runner.invoke(args=["staff", "add", "--zalo-id", "Z1", "--name", "Nguyễn Văn Hòa", "--role", "leader"])
    assert added.exit_code == 0, added.output
    runner.invoke(args=["staff", "add", "--zalo-id", "Z2", "--name", "Lan", "--role", "volunteer"])
    listing = runner.invoke(args=["staff", "list"]).output
    assert "leader" in listing and "Nguyễn Văn Hòa" in listing and "Z2" in listing
    assert runner.invoke(args=["staff", "remove", "--zalo-id", "Z1"]).exit_code == 0
    assert "Z1" not in runner.invoke(args=["staff", "list"]).output


def test_staff_bad_role_and_unknown_removal_are_clear_errors(runner):
    bad = runner.invoke(args=["staff", "add", "--zalo-id", "Z", "--name", "X", "--role", "boss"])
    assert bad.exit_code != 0 and "leader" in bad.output
    missing = runner.invoke(args=["staff", "remove", "--zalo-id", "nobody"])
    assert missing.exit_code != 0 and "No staff member" in missing.output


def test_office_hours_are_checked():
    assert load_settings({"OFFICE_HOURS": "0-24"}, dotenv=False).office_hours == (0, 24)
    for bad in ("21-7", "7", "a-b", "7-25"):
        with pytest.raises(ConfigError, match="OFFICE_HOURS"):
            load_settings({"OFFICE_HOURS": bad}, dotenv=False)


def test_roster_parts_must_lie_within_office_hours(sqlite_url):
    with pytest.raises(ConfigError, match="outside OFFICE_HOURS"):
        create_app(make_settings(sqlite_url, "http://127.0.0.1:9", office_hours=(8, 20)))


def test_roster_commands(runner):
    runner.invoke(args=["staff", "add", "--zalo-id", "V1", "--name", "Lan", "--role", "volunteer"])
    assert runner.invoke(args=["roster", "add", "--zalo-id", "V1", "--part", "sang"]).exit_code == 0
    assert "sang" in runner.invoke(args=["roster", "list"]).output
    unknown = runner.invoke(args=["roster", "add", "--zalo-id", "V1", "--part", "dem"])
    assert unknown.exit_code != 0 and "Unknown part" in unknown.output
    stranger = runner.invoke(args=["roster", "add", "--zalo-id", "nobody", "--part", "sang"])
    assert stranger.exit_code != 0 and "not staff" in stranger.output
    assert runner.invoke(args=["roster", "remove", "--zalo-id", "V1", "--part", "sang"]).exit_code == 0
