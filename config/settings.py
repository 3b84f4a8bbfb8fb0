"""Settings read once from the environment (and `.env`); the only module that reads os.environ."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from dotenv import dotenv_values, load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = f"sqlite:///{PROJECT_ROOT / 'instance' / 'bot.db'}"

# Fixed identities of the built-in stand-in; never valid against the real Zalo.
SANDBOX_APP_ID = "sandbox-app"
SANDBOX_OA_ID = "sandbox-oa"
SANDBOX_OA_SECRET_KEY = "sandbox-oa-secret"
SANDBOX_APP_SECRET = "sandbox-app-secret"
SANDBOX_ACCESS_TOKEN = "sandbox-access-0"
SANDBOX_REFRESH_TOKEN = "sandbox-refresh-0"
# Encrypts personal data at rest in the sandbox and tests only; a real OA must set its own DATA_KEY.
SANDBOX_DATA_KEY = "EL0PD2xBBe50U7qQ7CAiKJUrg6kbV5p67120EqlYbPg="

REQUIRED_OUTSIDE_SANDBOX = (
    "ZALO_APP_ID", "ZALO_OA_ID", "ZALO_OA_SECRET_KEY", "ZALO_APP_SECRET",
    "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN", "SECRET_KEY", "DATA_KEY",
)
# Any of these set means someone configured a real OA: sandbox mode must not run then.
REAL_CREDENTIALS = ("ZALO_APP_SECRET", "ZALO_ACCESS_TOKEN", "ZALO_REFRESH_TOKEN", "ZALO_OA_SECRET_KEY")


class ConfigError(RuntimeError):
    """The environment cannot run the bot; the message says what to set."""


@dataclass(frozen=True)
class OASettings:
    """A further neighborhood's OA served by the same deployment (EXTRA_OAS): its own Zalo
    credentials and, optionally, a folder whose files replace the shared config/ ones."""

    key: str
    oa_id: str
    oa_secret_key: str
    access_token: str
    refresh_token: str
    app_id: str
    app_secret: str
    config_overrides: Path | None = None
    announce_zalo_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about its environment."""

    database_url: str = DEFAULT_SQLITE
    sandbox: bool = True
    app_id: str = SANDBOX_APP_ID
    oa_id: str = SANDBOX_OA_ID
    oa_secret_key: str = SANDBOX_OA_SECRET_KEY
    app_secret: str = SANDBOX_APP_SECRET
    access_token: str = SANDBOX_ACCESS_TOKEN
    refresh_token: str = SANDBOX_REFRESH_TOKEN
    api_base: str = "https://openapi.zalo.me"
    oauth_base: str = "https://oauth.zaloapp.com"
    secret_key: str = "sandbox-only-secret-key"
    zalo_timeout_seconds: float = 10.0
    zalo_buttons: bool = True
    host: str = "127.0.0.1"
    port: int = 8080
    standin_port: int = 8081
    worker_threads: int = 1
    sender_threads: int = 32
    worker_nice: int = 5
    worker_poll_seconds: float = 0.05
    worker_lease_seconds: float = 30.0
    max_body_bytes: int = 1024 * 1024
    config_dir: Path = PROJECT_ROOT / "config"
    conversation_timeout_minutes: int = 30
    office_hours: tuple[int, int] = (7, 21)
    handoff_claim_minutes: int = 10
    console_quiet_minutes: int = 30
    cookie_secure: bool = False
    digest_hour: int = 20
    announce_quiet_hours: tuple[int, int] | None = (21, 7)
    announce_rate_per_minute: int = 3000
    announce_zalo_groups: tuple[str, ...] = ()
    announce_poll_seconds: float = 5.0
    data_key: str = SANDBOX_DATA_KEY
    retention_days: int = 730
    zalo_tags: bool = True
    extra_oas: tuple[OASettings, ...] = ()
    oas_file: Path | None = None  # OAS_FILE: further OAs, re-read while running (read_oas_file)
    config_overrides: Path | None = None  # files here replace config_dir's (a further OA's own)
    oa_key: str = "main"  # the OA's short name: "main", or its name in EXTRA_OAS
    log_level: str = "INFO"  # DEBUG also shows Alembic's and APScheduler's routine lines
    event_max_age_hours: int = 24  # a signed event older than this is a replay (Zalo retries for ~2 h)
    flood_messages: int = 10  # more messages than this from one resident within flood_seconds…
    flood_seconds: int = 10  # …are kept and logged but not answered one by one
    dashboard_url: str = ""  # the dashboard's address in staff notices; "" = http://HOST:PORT/admin
    trusted_proxies: int = 0  # reverse proxies in front of the app: their X-Forwarded-For names the client
    retry_backoff_base: float = 1.0  # a failed send waits 2, 4, 8… times this many seconds (tests: less)
    backup_dir: Path = PROJECT_ROOT / "instance" / "backups"  # `db backup` and the nightly job write here
    backup_keep: int = 14  # back-ups kept in backup_dir (the newest ones); older ones are deleted
    backup_nightly: bool = False  # a back-up every night at backup_hour (scheduler); /healthz watches it
    backup_hour: int = 3  # local hour (Asia/Ho_Chi_Minh) of the nightly back-up
    metrics_token: str = ""  # /metrics answers only with this bearer token; "" = no /metrics at all

    def with_overrides(self, **changes) -> "Settings":
        """Return a copy with some fields changed (tests, the sandbox)."""
        return replace(self, **changes)

    @property
    def dashboard_link(self) -> str:
        """Where staff open the dashboard, as written in their chat notices."""
        return self.dashboard_url or f"http://{self.host}:{self.port}/admin"

    def for_oa(self, oa: OASettings) -> "Settings":
        """The settings one further OA runs with: its credentials and config, the rest shared."""
        return replace(self, app_id=oa.app_id, oa_id=oa.oa_id, oa_secret_key=oa.oa_secret_key,
                       app_secret=oa.app_secret, access_token=oa.access_token, refresh_token=oa.refresh_token,
                       config_overrides=oa.config_overrides, oa_key=oa.key,
                       announce_zalo_groups=oa.announce_zalo_groups, extra_oas=())

    def all_oas(self) -> tuple["Settings", ...]:
        """The settings of every OA this deployment serves, the main one (ZALO_*) first."""
        return (self,) + tuple(self.for_oa(oa) for oa in self.extra_oas)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def parse_hours(value: str) -> tuple[int, int]:
    """'7-21' → (7, 21); '0-24' means always open."""
    try:
        start, end = (int(part) for part in value.replace(" ", "").split("-"))
    except ValueError:
        raise ConfigError(f"OFFICE_HOURS must look like 7-21, not {value!r}") from None
    if not 0 <= start < end <= 24:
        raise ConfigError(f"OFFICE_HOURS must be two hours from 0 to 24, start before end, not {value!r}")
    return start, end


def _positive(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise ConfigError(f"{name} must be a whole number above 0, not {value!r}")
    return number


def parse_quiet_hours(value: str) -> tuple[int, int] | None:
    """'21-7' → (21, 7): from 21h to 7h next morning; '' → None (no quiet hours)."""
    if not value.strip():
        return None
    try:
        start, end = (int(part) for part in value.replace(" ", "").split("-"))
    except ValueError:
        raise ConfigError(f"ANNOUNCE_QUIET_HOURS must look like 21-7 (or be empty), not {value!r}") from None
    if not (0 <= start <= 23 and 0 <= end <= 23 and start != end):
        raise ConfigError(f"ANNOUNCE_QUIET_HOURS must be two different hours from 0 to 23, not {value!r}")
    return start, end


def parse_hour(value: str, name: str) -> int:
    """'3' → 3: a local hour of the day, 0 to 23."""
    if not value.isdigit() or int(value) > 23:
        raise ConfigError(f"{name} must be an hour from 0 to 23, not {value!r}")
    return int(value)


OA_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")


def parse_extra_oas(get, app_id: str, app_secret: str) -> tuple[OASettings, ...]:
    """EXTRA_OAS=to5,to7: each further OA's settings are OA_TO5_ZALO_OA_ID and the like
    (.env.example lists them); the app id and secret default to ZALO_APP_ID / ZALO_APP_SECRET,
    since several OAs may be linked to one Zalo app."""
    keys = [k.strip().lower() for k in get("EXTRA_OAS").split(",") if k.strip()]
    bad = [k for k in keys if not OA_KEY.fullmatch(k)]
    if bad or len(set(keys)) != len(keys):
        raise ConfigError(f"EXTRA_OAS must list distinct short names (letters, digits, _), not {get('EXTRA_OAS')!r}")
    oas = []
    for key in keys:
        prefix = f"OA_{key.upper()}_"
        named = {n: get(prefix + n) for n in ("ZALO_OA_ID", "ZALO_OA_SECRET_KEY", "ZALO_ACCESS_TOKEN",
                                              "ZALO_REFRESH_TOKEN")}
        missing = [prefix + n for n, value in named.items() if not value]
        if missing:
            raise ConfigError(f"Missing settings for OA {key} (EXTRA_OAS): {', '.join(missing)}")
        overrides = get(prefix + "CONFIG_DIR")
        if overrides and not Path(overrides).is_dir():
            raise ConfigError(f"{prefix}CONFIG_DIR: no folder {overrides}")
        oas.append(OASettings(
            key=key, oa_id=named["ZALO_OA_ID"], oa_secret_key=named["ZALO_OA_SECRET_KEY"],
            access_token=named["ZALO_ACCESS_TOKEN"], refresh_token=named["ZALO_REFRESH_TOKEN"],
            app_id=get(prefix + "ZALO_APP_ID", app_id), app_secret=get(prefix + "ZALO_APP_SECRET", app_secret),
            config_overrides=Path(overrides) if overrides else None,
            announce_zalo_groups=tuple(g.strip() for g in get(prefix + "ANNOUNCE_ZALO_GROUPS").split(",") if g.strip())))
    if len({oa.oa_id for oa in oas}) != len(oas):
        raise ConfigError("EXTRA_OAS: two OAs have the same ZALO_OA_ID")
    return tuple(oas)


def read_oas_file(path: Path | None, app_id: str, app_secret: str) -> tuple[OASettings, ...]:
    """The further OAs listed in OAS_FILE, in the same form as the environment's (EXTRA_OAS=to9 and
    OA_TO9_ZALO_OA_ID=… lines). The file is read at start and again while running when an event names an
    OA not served yet, so adding an OA is a few lines there, without restarting anything."""
    if path is None:
        return ()
    if not path.is_file():
        raise ConfigError(f"OAS_FILE: no file {path}")
    values = {k: v for k, v in dotenv_values(path).items() if v is not None}
    return parse_extra_oas(lambda name, default="": (values.get(name) or default).strip(), app_id, app_secret)


def operator_language(env: dict[str, str] | None = None) -> str:
    """'vi' when LANG names Vietnamese (vi_VN.UTF-8), else 'en': the language `flask doctor` speaks. Read
    apart from load_settings, so the doctor can say in that language that the settings are wrong."""
    value = (os.environ if env is None else env).get("LANG", "")
    return "vi" if value.strip().lower().startswith("vi") else "en"


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {value!r}")
    return level


def load_settings(env: dict[str, str] | None = None, dotenv: bool = True) -> Settings:
    """Build Settings from the environment; fail with a clear message when something is missing."""
    if env is None:
        if dotenv:
            load_dotenv(PROJECT_ROOT / ".env", override=False)
        env = dict(os.environ)
    get = lambda name, default="": (env.get(name) or default).strip()  # noqa: E731
    has_credentials = any(get(name) for name in REAL_CREDENTIALS)
    sandbox = _flag(env.get("ZALO_SANDBOX"), default=not has_credentials)
    database_url = get("DATABASE_URL", DEFAULT_SQLITE)
    # SQLite has one writer at a time: more worker threads only queue behind each other and keep the
    # webhook's insert waiting (bench/README.md has the figures). PostgreSQL takes parallel writers.
    default_threads = "1" if database_url.startswith("sqlite") else "4"
    common = dict(
        database_url=database_url,
        log_level=_log_level(get("LOG_LEVEL", "INFO")),
        zalo_timeout_seconds=float(get("ZALO_TIMEOUT_SECONDS", "10")),
        zalo_buttons=_flag(env.get("ZALO_BUTTONS"), default=True),
        host=get("HOST", "127.0.0.1"),
        port=int(get("PORT", "8080")),
        standin_port=int(get("SANDBOX_STANDIN_PORT", "8081")),
        worker_threads=int(get("WORKER_THREADS", default_threads)),
        sender_threads=int(get("SENDER_THREADS", "32")),
        worker_nice=int(get("WORKER_NICE", "5")),
        worker_poll_seconds=float(get("WORKER_POLL_SECONDS", "0.05")),
        worker_lease_seconds=float(_positive(get("WORKER_LEASE_SECONDS", "30"), "WORKER_LEASE_SECONDS")),
        config_dir=Path(get("BOT_CONFIG_DIR", str(PROJECT_ROOT / "config"))),
        conversation_timeout_minutes=int(get("CONVERSATION_TIMEOUT_MINUTES", "30")),
        office_hours=parse_hours(get("OFFICE_HOURS", "7-21")),
        handoff_claim_minutes=int(get("HANDOFF_CLAIM_MINUTES", "10")),
        console_quiet_minutes=int(get("CONSOLE_QUIET_MINUTES", "30")),
        digest_hour=int(get("DIGEST_HOUR", "20")),
        announce_quiet_hours=parse_quiet_hours(env.get("ANNOUNCE_QUIET_HOURS", "21-7")),
        announce_rate_per_minute=_positive(get("ANNOUNCE_RATE_PER_MINUTE", "3000"), "ANNOUNCE_RATE_PER_MINUTE"),
        announce_zalo_groups=tuple(g.strip() for g in get("ANNOUNCE_ZALO_GROUPS", "").split(",") if g.strip()),
        announce_poll_seconds=float(get("ANNOUNCE_POLL_SECONDS", "5")),
        retention_days=_positive(get("RETENTION_DAYS", "730"), "RETENTION_DAYS"),
        zalo_tags=_flag(env.get("ZALO_TAGS"), default=True),
        event_max_age_hours=_positive(get("EVENT_MAX_AGE_HOURS", "24"), "EVENT_MAX_AGE_HOURS"),
        flood_messages=_positive(get("FLOOD_MESSAGES", "10"), "FLOOD_MESSAGES"),
        flood_seconds=_positive(get("FLOOD_SECONDS", "10"), "FLOOD_SECONDS"),
        dashboard_url=get("DASHBOARD_URL").rstrip("/"),
        trusted_proxies=int(get("TRUSTED_PROXIES", "0")),
        backup_dir=Path(get("BACKUP_DIR", str(PROJECT_ROOT / "instance" / "backups"))),
        backup_keep=_positive(get("BACKUP_KEEP", "14"), "BACKUP_KEEP"),
        backup_nightly=_flag(env.get("BACKUP_NIGHTLY"), default=False),
        backup_hour=parse_hour(get("BACKUP_HOUR", "3"), "BACKUP_HOUR"),
        metrics_token=get("METRICS_TOKEN"),
    )
    if sandbox:
        if has_credentials:
            named = ", ".join(n for n in REAL_CREDENTIALS if get(n))
            raise ConfigError(f"ZALO_SANDBOX=1 is refused while real Zalo credentials are set ({named}). "
                              "Unset them to use the sandbox, or set ZALO_SANDBOX=0.")
        if get("EXTRA_OAS"):
            raise ConfigError("EXTRA_OAS needs each OA's real Zalo credentials; the sandbox plays one OA. "
                              "Unset EXTRA_OAS, or configure real OAs with ZALO_SANDBOX=0.")
        standin = f"http://127.0.0.1:{common['standin_port']}"
        return Settings(sandbox=True, secret_key=get("SECRET_KEY", "sandbox-only-secret-key"),
                        data_key=get("DATA_KEY", SANDBOX_DATA_KEY),
                        api_base=standin, oauth_base=standin,
                        cookie_secure=_flag(env.get("COOKIE_SECURE"), default=False), **common)
    missing = [name for name in REQUIRED_OUTSIDE_SANDBOX if not get(name)]
    if missing:
        raise ConfigError("Missing settings for a real Zalo OA: " + ", ".join(missing) +
                          ". Set them in the environment or .env (see .env.example), or run with ZALO_SANDBOX=1.")
    oas_file = Path(get("OAS_FILE")) if get("OAS_FILE") else None
    extra_oas = parse_extra_oas(get, get("ZALO_APP_ID"), get("ZALO_APP_SECRET")) \
        + read_oas_file(oas_file, get("ZALO_APP_ID"), get("ZALO_APP_SECRET"))
    if get("ZALO_OA_ID") in {oa.oa_id for oa in extra_oas}:
        raise ConfigError(f"EXTRA_OAS: OA id {get('ZALO_OA_ID')} is already ZALO_OA_ID")
    if len({oa.key for oa in extra_oas}) != len(extra_oas):
        raise ConfigError("EXTRA_OAS and OAS_FILE name the same OA twice")
    return Settings(extra_oas=extra_oas, oas_file=oas_file,
        sandbox=False, app_id=get("ZALO_APP_ID"), oa_id=get("ZALO_OA_ID"),
        oa_secret_key=get("ZALO_OA_SECRET_KEY"), app_secret=get("ZALO_APP_SECRET"),
        access_token=get("ZALO_ACCESS_TOKEN"), refresh_token=get("ZALO_REFRESH_TOKEN"),
        api_base=get("ZALO_API_BASE", "https://openapi.zalo.me").rstrip("/"),
        oauth_base=get("ZALO_OAUTH_BASE", "https://oauth.zaloapp.com").rstrip("/"),
        secret_key=get("SECRET_KEY"), data_key=get("DATA_KEY"), cookie_secure=_flag(env.get("COOKIE_SECURE"), default=True), **common,
    )
