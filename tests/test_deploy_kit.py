"""The deploy kit (deploy/): the systemd units pass systemd's own checks and, started exactly as written,
answer a resident through the webhook and stop cleanly on SIGTERM; the Caddyfile passes Caddy's; the
compose file names what exists and runs the units' commands."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from cryptography.fernet import Fernet

from bot.sandbox import events as zalo
from bot.sandbox.events import sign_body
from tests.conftest import APP_ID, APP_SECRET, OA_ID, OA_SECRET

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALL_DIR = "/srv/tobot"  # the units' install folder; the tests put the project there instead
UNITS = ("bot-web.service", "bot-worker.service")
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # what systemd gives a service


def unit_here(name: str) -> str:
    """The unit's text with the install folder replaced by this project."""
    return (DEPLOY / name).read_text().replace(INSTALL_DIR, str(ROOT))


def unit_values(text: str, key: str) -> list[str]:
    """Every value of one key of a unit, in order."""
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile= reads them (comments and blank lines skipped)."""
    pairs = (line.split("=", 1) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the units, as systemd reads them ----------------------------------------------------------

def test_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed (Debian: systemd)")
    for name in UNITS:
        (tmp_path / name).write_text(unit_here(name))
    result = subprocess.run([analyze, "verify", *(str(tmp_path / name) for name in UNITS)],
                            capture_output=True, text=True, timeout=60)
    complaints = [line for line in (result.stdout + result.stderr).splitlines()
                  if any(name in line for name in UNITS)]  # verify only warns on unknown keys: read its lines
    assert result.returncode == 0 and not complaints, result.stdout + result.stderr
    worker = unit_here("bot-worker.service")
    assert not unit_values(worker, "Nice"), "the worker lowers its own priority (WORKER_NICE): Nice= would add to it"
    for name in UNITS:
        text = unit_here(name)
        assert unit_values(text, "EnvironmentFile") == ["/etc/tobot/bot.env"]
        assert unit_values(text, "Restart") == ["on-failure"] and unit_values(text, "User") == ["tobot"]


def test_caddyfile_passes_caddy_validate(tmp_path):
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy not installed (Debian 12: apt-get install caddy)")
    env = {"PATH": SYSTEMD_PATH, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
           "BOT_DOMAIN": "bot.example.vn"}
    for upstream in ({}, {"BOT_UPSTREAM": "web:8080"}):  # on the host (systemd) and in compose.yaml
        result = subprocess.run([caddy, "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
                                capture_output=True, text=True, timeout=60, env=env | upstream)
        assert result.returncode == 0 and "Valid configuration" in result.stdout + result.stderr, result.stderr


# --- compose.yaml ------------------------------------------------------------------------------

def test_compose_file_names_what_exists_and_runs_the_units_commands():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "postgres", "caddy"}
    declared = set(compose.get("volumes") or {})
    for name, service in services.items():
        assert service.get("env_file") == "bot.env", name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):  # a file or folder next to compose.yaml
                assert (DEPLOY / source).exists(), f"{name}: {volume}"
            else:
                assert source in declared, f"{name}: volume {source} is not declared"
    used = {v.split(":")[0] for s in services.values() for v in s.get("volumes", [])}
    assert declared <= used, f"declared but unused: {declared - used}"
    # the filled-in settings hold secrets: never in git, never in the image
    assert (DEPLOY / "bot.env.example").exists() and "bot.env" in (DEPLOY / ".gitignore").read_text().split()
    assert {"deploy/bot.env", ".env"} <= set((DEPLOY / "Dockerfile.dockerignore").read_text().split())
    for name in ("web", "worker"):
        assert (DEPLOY / services[name]["build"]["context"]).resolve() == ROOT
        assert (DEPLOY / services[name]["build"]["dockerfile"].removeprefix("deploy/")).exists()
    for service, unit in (("web", "bot-web.service"), ("worker", "bot-worker.service")):
        argv = shlex.split(unit_values(unit_here(unit), "ExecStart")[0])
        assert services[service]["command"] == [Path(argv[0]).name, *argv[1:]], service
    cmd = re.search(r"^CMD (.+)$", (DEPLOY / "Dockerfile").read_text(), re.M).group(1)
    assert json.loads(cmd) == services["web"]["command"]
    web_port = services["web"]["environment"]["PORT"]
    assert services["caddy"]["environment"]["BOT_UPSTREAM"] == f"web:{web_port}"
    assert services["worker"]["depends_on"]["web"]["condition"] == "service_healthy"  # migrations once, first


# --- the units' commands, started as systemd starts them ---------------------------------------

def env_file_for_test(tmp_path: Path, standin_url: str, port: int) -> Path:
    """deploy/bot.env.example filled in as docs/deploy.md says, with the stand-in as Zalo."""
    filled = {"ZALO_APP_ID": APP_ID, "ZALO_APP_SECRET": APP_SECRET, "ZALO_OA_ID": OA_ID,
              "ZALO_OA_SECRET_KEY": OA_SECRET, "ZALO_ACCESS_TOKEN": "access-1", "ZALO_REFRESH_TOKEN": "refresh-1",
              "SECRET_KEY": "a-long-random-test-secret", "DATA_KEY": Fernet.generate_key().decode(),
              # what only a test sets: Zalo on loopback, and nothing written in the project
              "ZALO_API_BASE": standin_url, "ZALO_OAUTH_BASE": standin_url, "PORT": str(port),
              "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}", "BACKUP_DIR": str(tmp_path / "backups")}
    lines = []
    for line in (DEPLOY / "bot.env.example").read_text().splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}={filled.pop(key)}" if key in filled and "=" in line else line)
    path = tmp_path / "bot.env"
    path.write_text("\n".join(lines + [f"{key}={value}" for key, value in filled.items()]) + "\n")
    return path


def service_env(unit: str, env_file: Path, home: Path) -> dict[str, str]:
    """The environment systemd gives the service: its own few variables, the unit's Environment=, then
    the EnvironmentFile= (which wins)."""
    env = {"PATH": SYSTEMD_PATH, "HOME": str(home), "LANG": "C.UTF-8"}
    for value in unit_values(unit, "Environment"):
        env.update(item.split("=", 1) for item in shlex.split(value))
    return env | parse_env_file(env_file.read_text())


def start(unit: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Run the unit's ExecStartPre= to completion, then start its ExecStart= in its own process group."""
    cwd = unit_values(unit, "WorkingDirectory")[0]
    for command in unit_values(unit, "ExecStartPre"):
        done = subprocess.run(shlex.split(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"ExecStartPre={command} failed:\n{done.stdout}{done.stderr}"
    (command,) = unit_values(unit, "ExecStart")
    return subprocess.Popen(shlex.split(command), cwd=cwd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop_seconds(unit: str) -> float:
    return float(unit_values(unit, "TimeoutStopSec")[0])


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"web exited with {process.returncode}:\n{log.read_text()[-3000:]}"
        try:  # gunicorn listens before its workers have loaded the app: the first answers can take a while
            if requests.get(url + "/healthz", timeout=10).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise AssertionError(f"no healthy /healthz within {timeout}s:\n{log.read_text()[-3000:]}")


def test_the_units_commands_answer_a_resident_and_stop_on_sigterm(standin, tmp_path):
    web_unit, worker_unit = unit_here("bot-web.service"), unit_here("bot-worker.service")
    port = free_port()
    env_file = env_file_for_test(tmp_path, standin.url, port)
    (home := tmp_path / "home").mkdir()
    url = f"http://127.0.0.1:{port}"
    standin.state.webhook_url, standin.state.oa_secret_key = url + "/zalo/webhook", OA_SECRET  # Zalo's echoes
    logs = {"web": tmp_path / "web.log", "worker": tmp_path / "worker.log"}
    running: dict[str, subprocess.Popen] = {}
    try:
        running["web"] = start(web_unit, service_env(web_unit, env_file, home), logs["web"])
        running["worker"] = start(worker_unit, service_env(worker_unit, env_file, home), logs["worker"])  # After=web
        wait_until_healthy(url, running["web"], logs["web"])

        event = zalo.user_text_event(APP_ID, OA_ID, "resident-1", "xin chào")
        raw = json.dumps(event, ensure_ascii=False).encode()
        answer = requests.post(url + "/zalo/webhook", data=raw, timeout=10, headers={
            "Content-Type": "application/json",
            "X-ZEvent-Signature": sign_body(APP_ID, raw, str(event["timestamp"]), OA_SECRET)})
        assert answer.status_code == 200, answer.text
        try:
            welcome, menu = standin.state.wait_for_messages("resident-1", 2, timeout=30)
        except AssertionError as missing:
            raise AssertionError(f"{missing}\n{logs['worker'].read_text()[-3000:]}") from None
        assert "Tổ dân phố điện tử" in welcome["text"] and "1. " in menu["text"]
        # the worker yields the CPU to the web processes by itself (WORKER_NICE, default 5)
        assert os.getpriority(os.PRIO_PROCESS, running["worker"].pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 5)

        for name, unit in (("worker", worker_unit), ("web", web_unit)):  # KillMode=control-group: the whole group
            os.killpg(running[name].pid, signal.SIGTERM)
            began = time.monotonic()
            try:
                code = running[name].wait(stop_seconds(unit))
            except subprocess.TimeoutExpired:
                raise AssertionError(f"{name} still running {stop_seconds(unit)}s after SIGTERM "
                                     f"(systemd would kill it):\n{logs[name].read_text()[-3000:]}") from None
            assert code == 0, f"{name} exited with {code}:\n{logs[name].read_text()[-3000:]}"
            assert time.monotonic() - began < stop_seconds(unit)
    finally:
        for process in running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
