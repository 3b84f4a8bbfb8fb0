"""Several neighborhoods' OAs on one deployment (EXTRA_OAS): each event goes to the OA it names, each
OA answers with its own token, procedures and data, and one OA's staff never see another's residents."""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot import texts
from bot.sandbox import events as zalo
from bot.sandbox.events import sign_body
from bot.sandbox.standin import StandInState, serve_standin
from config import ConfigError, load_settings
from config.settings import OASettings
from tests.conftest import APP_ID, APP_SECRET, OA_ID, OA_SECRET, RunningBot, make_settings, start_bot
from tests.test_admin import PASSWORD, token_of

ROOT = Path(__file__).resolve().parent.parent
OA2, OA2_SECRET = "test-oa-7", "test-oa-secret-7"
OWN_MENU_TITLE = "Báo sự cố trong tổ"
OWN_FEE = "Miễn phí, tổ 7 làm giúp tại nhà văn hóa."


def own_config(folder: Path) -> Path:
    """Tổ 7's own files: its neighborhood facts, its menu wording and its VNeID guidance."""
    (folder / "procedures").mkdir(parents=True)
    (folder / "neighborhood.yaml").write_text(
        "name: Tổ dân phố số 7\ncommunity_house: Nhà văn hóa tổ 7, số 3 ngõ 9\nhours: 7h–21h\nphone: 0987 654 321\n",
        encoding="utf-8")
    menu = (ROOT / "config" / "menu.yaml").read_text(encoding="utf-8")
    (folder / "menu.yaml").write_text(menu.replace("Phản ánh, kiến nghị", OWN_MENU_TITLE), encoding="utf-8")
    vneid = (ROOT / "config" / "procedures" / "vneid.yaml").read_text(encoding="utf-8")
    assert '"Không mất phí."' in vneid
    (folder / "procedures" / "vneid.yaml").write_text(vneid.replace('"Không mất phí."', f'"{OWN_FEE}"'),
                                                      encoding="utf-8")
    return folder


@dataclass
class TwoOAs:
    bot: RunningBot  # the main OA (test-oa-1)
    first: StandInState
    second: StandInState

    @property
    def deployment(self):
        return self.bot.app.extensions["bot_deployment"]

    @property
    def main(self):
        return self.deployment.oas[OA_ID]

    @property
    def to7(self):
        return self.deployment.oas[OA2]

    def post(self, event: dict, secret: str) -> requests.Response:
        raw = json.dumps(event, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json",
                   "X-ZEvent-Signature": sign_body(APP_ID, raw, str(event["timestamp"]), secret)}
        return requests.post(self.bot.url + "/zalo/webhook", data=raw, headers=headers, timeout=10)

    def wait_idle(self) -> None:
        for services in self.deployment:
            assert services.worker.wait_idle(10), f"worker of {services.settings.oa_id} did not finish"

    def say(self, oa_id: str, user_id: str, text: str) -> list[str]:
        """A resident of one OA writes to it; return the new replies that OA sent them."""
        state, secret = (self.first, OA_SECRET) if oa_id == OA_ID else (self.second, OA2_SECRET)
        seen = len(state.messages_for(user_id))
        assert self.post(zalo.user_text_event(APP_ID, oa_id, user_id, text), secret).status_code == 200
        self.wait_idle()
        return [m["text"] or "" for m in state.messages_for(user_id)[seen:]]


@contextmanager
def two_oas_running(database_url: str, config_overrides: Path | None = None, **settings):
    """The bot serving OA_ID and OA2 (short name to7) on one database, each with its own Zalo stand-in."""
    first = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-1", refresh_token="refresh-1",
                         oa_id=OA_ID)
    second = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-7", refresh_token="refresh-7",
                          oa_id=OA2)
    server = serve_standin(first, more_oas=(second,))
    extra = OASettings(key="to7", oa_id=OA2, oa_secret_key=OA2_SECRET, access_token="access-7",
                       refresh_token="refresh-7", app_id=APP_ID, app_secret=APP_SECRET,
                       config_overrides=config_overrides)
    running, stop = start_bot(make_settings(database_url, server.url, extra_oas=(extra,), **settings), server)
    for state, secret in ((first, OA_SECRET), (second, OA2_SECRET)):
        state.webhook_url, state.oa_secret_key = running.url + "/zalo/webhook", secret
    try:
        yield TwoOAs(running, first, second)
    finally:
        stop()
        server.shutdown()


@pytest.fixture
def two(database_url, tmp_path):
    with two_oas_running(database_url, own_config(tmp_path / "to7")) as both:
        yield both


def stored_events(services) -> int:
    with services.store.unit() as uow:
        return uow.events.count()


def test_each_oa_answers_its_own_residents_with_its_own_token_and_files(two):
    main_reply = two.say(OA_ID, "resident-a", "xin chào")
    own_reply = two.say(OA2, "resident-b", "xin chào")
    assert main_reply and own_reply
    assert "Phản ánh, kiến nghị" in "\n".join(main_reply) and OWN_MENU_TITLE not in "\n".join(main_reply)
    assert OWN_MENU_TITLE in "\n".join(own_reply)
    # Each reply went out with its own OA's access token, so Zalo counts it as that OA's message.
    assert two.first.messages_for("resident-b") == [] and two.second.messages_for("resident-a") == []
    two.say(OA2, "resident-b", "vneid")
    assert any(OWN_FEE in t for t in two.say(OA2, "resident-b", "xem thêm"))  # the full guidance: its own fee
    two.say(OA_ID, "resident-a", "vneid")
    assert not any(OWN_FEE in t for t in two.say(OA_ID, "resident-a", "xem thêm"))
    assert stored_events(two.main) > 0 and stored_events(two.to7) > 0


def test_codes_counters_and_requests_are_kept_per_oa(two):
    assert any("HT-0001" in t for t in two.say(OA_ID, "resident-a", "gặp người"))
    assert any("HT-0001" in t for t in two.say(OA2, "resident-b", "gặp người"))
    with two.main.store.unit() as uow:
        main_users = {r.user_id for r in uow.requests.all()}
    with two.to7.store.unit() as uow:
        own_users = {r.user_id for r in uow.requests.all()}
    assert main_users == {"resident-a"} and own_users == {"resident-b"}


def test_an_event_signed_with_another_oas_key_is_refused(two):
    event = zalo.user_text_event(APP_ID, OA2, "resident-b", "xin chào")
    answer = two.post(event, OA_SECRET)  # the main OA's key, for tổ 7's event
    assert answer.status_code == 401 and answer.json()["reason"] == "signature does not match"
    assert stored_events(two.main) == 0 and stored_events(two.to7) == 0


def test_an_event_for_an_oa_not_served_here_is_ignored(two):
    event = zalo.user_text_event(APP_ID, "oa-of-another-ward", "resident-x", "xin chào")
    answer = two.post(event, OA_SECRET)
    assert answer.status_code == 200 and answer.json()["status"] == "ignored"
    assert stored_events(two.main) == 0 and stored_events(two.to7) == 0


def test_the_same_delivery_is_kept_once_per_oa(two):
    event = zalo.user_text_event(APP_ID, OA2, "resident-b", "xin chào", msg_id="same-msg")
    assert two.post(event, OA2_SECRET).json()["status"] == "ok"
    assert two.post(event, OA2_SECRET).json()["status"] == "duplicate"
    same_id_elsewhere = zalo.user_text_event(APP_ID, OA_ID, "resident-a", "xin chào", msg_id="same-msg")
    assert two.post(same_id_elsewhere, OA_SECRET).json()["status"] == "ok"


def test_a_token_expiry_refreshes_only_that_oas_pair(two):
    two.second.expire_access_token()
    assert two.say(OA2, "resident-b", "xin chào")
    assert two.say(OA_ID, "resident-a", "xin chào")
    assert two.second.refresh_count == 1 and two.first.refresh_count == 0
    with two.main.store.unit() as uow:
        main_token = uow.tokens.get().access_token
    with two.to7.store.unit() as uow:
        own_token = uow.tokens.get().access_token
    assert main_token == "access-1" and own_token == two.second.access_token != "access-7"


def test_health_names_the_oa_whose_token_could_not_be_refreshed(two):
    import time
    add_leader(two.main, "leader-1", "Tổ trưởng tổ 5")
    add_leader(two.to7, "leader-7", "Tổ trưởng tổ 7")
    two.second.expire_access_token()
    two.second.refresh_token = "something-else"  # tổ 7's refresh token is no longer valid
    assert two.post(zalo.user_text_event(APP_ID, OA2, "resident-b", "xin chào"), OA2_SECRET).status_code == 200
    deadline = time.time() + 10
    while requests.get(two.bot.url + "/healthz").json()["status"] != "degraded" and time.time() < deadline:
        time.sleep(0.1)
    health = requests.get(two.bot.url + "/healthz").json()
    assert health["status"] == "degraded" and list(health["zalo_tokens"]) == [OA2]
    assert "refresh failed" in health["zalo_tokens"][OA2]
    # The main OA goes on answering (tổ 7's reply waits for a token that works).
    assert two.post(zalo.user_text_event(APP_ID, OA_ID, "resident-a", "xin chào"), OA_SECRET).status_code == 200
    assert two.first.wait_for_messages("resident-a", 1, timeout=10)
    assert two.second.messages_for("resident-b") == []


def add_leader(services, zalo_id: str, name: str) -> None:
    with services.store.unit() as uow:
        uow.staff.add(zalo_id, name, "leader")
        uow.staff.set_password(zalo_id, PASSWORD)
        uow.commit()


def login_to(client, oa_id: str, account: str):
    client.get("/admin/login")
    return client.post("/admin/login", data={"oa": oa_id, "account": account, "password": PASSWORD,
                                             "csrf_token": token_of(client)})


def test_staff_of_one_oa_never_see_another_oas_residents(two):
    add_leader(two.main, "leader-a", "Nguyễn Văn Hòa")
    add_leader(two.to7, "leader-b", "Trần Thị Lan")
    two.say(OA_ID, "resident-a", "gặp người")
    two.say(OA2, "resident-b", "gặp người")
    with two.to7.store.unit() as uow:
        uow.members.get_or_create("resident-b").display_name = "Phạm Thị Bảy"
        uow.commit()

    client = two.bot.app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    assert 'name="oa"' in page and "Tổ dân phố số 7" in page and "Tổ dân phố số 5" in page
    refused = login_to(client, OA2, "leader-a")  # a leader of tổ 5 is nobody in tổ 7
    assert refused.status_code == 401
    assert login_to(client, OA_ID, "leader-a").status_code == 302
    listing = client.get("/admin/").get_data(as_text=True)
    assert "HT-0001" in listing and "Phạm Thị Bảy" not in listing and "Tổ dân phố số 5" in listing
    export = client.post("/admin/export.csv", data={"csrf_token": token_of(client)}).get_data(as_text=True)
    assert "resident-b" not in export and "Phạm Thị Bảy" not in export

    other = two.bot.app.test_client()
    assert login_to(other, OA2, "leader-b").status_code == 302
    assert "Phạm Thị Bảy" in other.get("/admin/requests/HT-0001").get_data(as_text=True)
    with two.main.store.unit() as uow:
        entries = uow.audit.latest()
    assert entries and {e.staff_id for e in entries} == {"leader-a"}
    with two.to7.store.unit() as uow:
        assert {e.staff_id for e in uow.audit.latest()} == {"leader-b"}


def test_choosing_no_oa_at_login_is_answered_in_vietnamese(two):
    add_leader(two.main, "leader-a", "Nguyễn Văn Hòa")
    client = two.bot.app.test_client()
    for chosen in ("", "oa-made-up"):
        answer = login_to(client, chosen, "leader-a")
        assert answer.status_code == 400 and "chọn tổ dân phố" in answer.get_data(as_text=True)


def test_a_leaders_chat_commands_count_only_their_own_oa(two):
    with two.to7.store.unit() as uow:
        uow.staff.add("leader-b", "Trần Thị Lan", "leader")
        uow.commit()
    two.say(OA_ID, "resident-a", "gặp người")
    reply = "\n".join(two.say(OA2, "leader-b", "yêu cầu mới"))
    assert "HT-0001" not in reply
    two.say(OA2, "resident-b", "gặp người")
    assert "HT-0001" in "\n".join(two.say(OA2, "leader-b", "yêu cầu mới"))
    # The same words from tổ 7's leader id, written to the main OA, are a resident's.
    assert "HT-0001" not in "\n".join(two.say(OA_ID, "leader-b", "yêu cầu mới"))


def test_commands_take_the_oa_they_act_on(two):
    runner = two.bot.app.test_cli_runner()
    done = runner.invoke(args=["staff", "add", "--oa", "to7", "--zalo-id", "leader-b", "--name", "Trần Thị Lan",
                               "--role", "leader"])
    assert done.exit_code == 0, done.output
    listed_main = runner.invoke(args=["staff", "list"]).output
    listed_own = runner.invoke(args=["staff", "list", "--oa", OA2]).output
    assert "leader-b" not in listed_main and "leader-b" in listed_own
    wrong = runner.invoke(args=["staff", "list", "--oa", "to9"])
    assert wrong.exit_code != 0 and "main, to7" in wrong.output


def test_an_announcement_reaches_only_its_own_oas_members(two):
    for oa_id, user in ((OA_ID, "resident-a"), (OA2, "resident-b"), (OA2, "resident-c")):
        two.say(oa_id, user, "xin chào")
    runner = two.bot.app.test_cli_runner()
    made = runner.invoke(args=["announce", "--oa", "to7", "--text", "Cắt nước tổ 7 từ 8h đến 11h", "--urgent"])
    assert made.exit_code == 0, made.output
    for services in two.deployment:
        services.announcer.run_due()
    two.wait_idle()
    notice = "Cắt nước tổ 7 từ 8h đến 11h"
    assert all(any(notice in (m["text"] or "") for m in two.second.messages_for(u)) for u in ("resident-b", "resident-c"))
    assert not any(notice in (m["text"] or "") for m in two.first.messages)


def test_extra_oas_are_read_from_the_environment(tmp_path):
    base = {"ZALO_APP_ID": "app", "ZALO_OA_ID": "oa-5", "ZALO_OA_SECRET_KEY": "s5", "ZALO_APP_SECRET": "as",
            "ZALO_ACCESS_TOKEN": "a5", "ZALO_REFRESH_TOKEN": "r5", "SECRET_KEY": "k", "DATA_KEY": "d"}
    env = dict(base, EXTRA_OAS="to7, to9", OA_TO7_ZALO_OA_ID="oa-7", OA_TO7_ZALO_OA_SECRET_KEY="s7",
               OA_TO7_ZALO_ACCESS_TOKEN="a7", OA_TO7_ZALO_REFRESH_TOKEN="r7", OA_TO7_CONFIG_DIR=str(tmp_path),
               OA_TO9_ZALO_OA_ID="oa-9", OA_TO9_ZALO_OA_SECRET_KEY="s9", OA_TO9_ZALO_ACCESS_TOKEN="a9",
               OA_TO9_ZALO_REFRESH_TOKEN="r9", OA_TO9_ZALO_APP_ID="app-9", OA_TO9_ZALO_APP_SECRET="as9")
    settings = load_settings(env, dotenv=False)
    to7, to9 = settings.all_oas()[1:]
    assert (to7.oa_key, to7.oa_id, to7.app_id, to7.app_secret, to7.config_overrides) == ("to7", "oa-7", "app", "as", tmp_path)
    assert (to9.oa_id, to9.app_id, to9.app_secret, to9.access_token) == ("oa-9", "app-9", "as9", "a9")
    assert settings.oa_id == "oa-5" and to9.database_url == settings.database_url


@pytest.mark.parametrize("changes, named", [
    ({"EXTRA_OAS": "to7"}, "OA_TO7_ZALO_OA_ID, OA_TO7_ZALO_OA_SECRET_KEY"),
    ({"EXTRA_OAS": "tổ 7"}, "EXTRA_OAS must list"),
    ({"EXTRA_OAS": "to7,to7"}, "EXTRA_OAS must list"),
    ({"EXTRA_OAS": "to7", "OA_TO7_ZALO_OA_ID": "oa-5", "OA_TO7_ZALO_OA_SECRET_KEY": "s", "OA_TO7_ZALO_ACCESS_TOKEN": "a",
      "OA_TO7_ZALO_REFRESH_TOKEN": "r"}, "already ZALO_OA_ID"),
    ({"EXTRA_OAS": "to7", "OA_TO7_ZALO_OA_ID": "oa-7", "OA_TO7_ZALO_OA_SECRET_KEY": "s", "OA_TO7_ZALO_ACCESS_TOKEN": "a",
      "OA_TO7_ZALO_REFRESH_TOKEN": "r", "OA_TO7_CONFIG_DIR": "/no/such/folder"}, "no folder"),
])
def test_a_wrong_extra_oa_stops_the_start_and_says_what_to_fix(changes, named):
    base = {"ZALO_APP_ID": "app", "ZALO_OA_ID": "oa-5", "ZALO_OA_SECRET_KEY": "s5", "ZALO_APP_SECRET": "as",
            "ZALO_ACCESS_TOKEN": "a5", "ZALO_REFRESH_TOKEN": "r5", "SECRET_KEY": "k", "DATA_KEY": "d"}
    with pytest.raises(ConfigError, match=named):
        load_settings(dict(base, **changes), dotenv=False)


def test_the_sandbox_plays_one_oa():
    with pytest.raises(ConfigError, match="EXTRA_OAS"):
        load_settings({"EXTRA_OAS": "to7"}, dotenv=False)


def test_one_worker_process_serves_every_oa_and_runs_each_ones_jobs(database_url, tmp_path):
    """The production layout: `flask worker` configured from the environment with EXTRA_OAS, the
    webhook in another process; each OA's replies and scheduled announcement go out with its token."""
    import os
    import subprocess
    import sys
    from datetime import timedelta

    from bot.store.models import utcnow
    from config.settings import SANDBOX_DATA_KEY

    first = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-1", refresh_token="refresh-1",
                         oa_id=OA_ID)
    second = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-7", refresh_token="refresh-7",
                          oa_id=OA2)
    server = serve_standin(first, more_oas=(second,))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZALO_", "ANNOUNCE_", "WORKER_", "OA_"))}
    env.update(DATABASE_URL=database_url, ZALO_SANDBOX="0", ZALO_APP_ID=APP_ID, ZALO_OA_ID=OA_ID,
               ZALO_OA_SECRET_KEY=OA_SECRET, ZALO_APP_SECRET=APP_SECRET, ZALO_ACCESS_TOKEN="access-1",
               ZALO_REFRESH_TOKEN="refresh-1", SECRET_KEY="test-secret", DATA_KEY=SANDBOX_DATA_KEY,
               ZALO_API_BASE=server.url, ZALO_OAUTH_BASE=server.url, EXTRA_OAS="to7", OA_TO7_ZALO_OA_ID=OA2,
               OA_TO7_ZALO_OA_SECRET_KEY=OA2_SECRET, OA_TO7_ZALO_ACCESS_TOKEN="access-7",
               OA_TO7_ZALO_REFRESH_TOKEN="refresh-7", OA_TO7_CONFIG_DIR=str(own_config(tmp_path / "to7")),
               ANNOUNCE_POLL_SECONDS="0.5", ANNOUNCE_QUIET_HOURS="", WORKER_NICE="0", WORKER_POLL_SECONDS="0.02",
               PYTHONUNBUFFERED="1")
    web, stop = start_bot(load_settings(env, dotenv=False), server, start_worker=False)
    two = TwoOAs(web, first, second)
    for state, secret in ((first, OA_SECRET), (second, OA2_SECRET)):
        state.webhook_url, state.oa_secret_key = web.url + "/zalo/webhook", secret
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env,
                              stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        for oa_id, user, secret in ((OA_ID, "resident-a", OA_SECRET), (OA2, "resident-b", OA2_SECRET)):
            assert two.post(zalo.user_text_event(APP_ID, oa_id, user, "xin chào"), secret).status_code == 200
        (main_reply, *_) = first.wait_for_messages("resident-a", 1, timeout=20)
        (own_reply, *_) = second.wait_for_messages("resident-b", 1, timeout=20)
        assert OWN_MENU_TITLE not in main_reply["text"] and OWN_MENU_TITLE in "".join(
            m["text"] or "" for m in second.wait_for_messages("resident-b", 2, timeout=10))

        with two.to7.store.unit() as uow:
            uow.announcements.add("Họp tổ 7 lúc 19h", "cli", status="scheduled",
                                  send_at=utcnow() + timedelta(seconds=3))
            uow.commit()
        seen = len(second.messages_for("resident-b"))
        arrived = second.wait_for_messages("resident-b", seen + 1, timeout=20)[seen:]
        assert any("Họp tổ 7 lúc 19h" in (m["text"] or "") for m in arrived)
        assert not any("Họp tổ 7" in (m["text"] or "") for m in first.messages)
    finally:
        worker.terminate()
        assert worker.wait(timeout=20) == 0, log.read_text()
        stop()
        server.shutdown()


def test_a_leader_picks_their_neighborhood_at_login_in_a_real_browser(two, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from tests.test_admin_browser import log_in, waiter

    add_leader(two.to7, "leader-b", "Trần Thị Lan")
    two.say(OA_ID, "resident-a", "gặp người")
    two.say(OA2, "resident-b", "gặp người")
    two.say(OA2, "resident-c", "gặp người")
    wait = waiter(browser)
    browser.get(two.bot.url + "/admin/")
    Select(browser.find_element(By.ID, "oa")).select_by_visible_text("Tổ dân phố số 7")
    log_in(browser, wait, "leader-b")
    assert browser.find_element(By.ID, "oa-name").text == "Tổ dân phố số 7"
    codes = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#request-list tbody th a")]
    assert sorted(codes) == ["HT-0001", "HT-0002"]  # tổ 7's two requests; tổ 5's HT-0001 is not shown


def test_one_worker_process_serves_200_oas_each_reply_with_its_own_token(database_url, tmp_path):
    """An OA is data: 200 OAs in one `flask worker` (one dispatch loop, one sweep, one pool); residents of a
    few of them write, and each gets every reply from their own OA's stand-in, so with their OA's token."""
    import os
    import subprocess
    import sys

    from config.settings import SANDBOX_DATA_KEY

    count, writing = 200, (0, 1, 57, 123, 199)
    states = [StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token=f"access-{n}",
                           refresh_token=f"refresh-{n}", oa_id=f"oa-{n}") for n in range(count)]
    server = serve_standin(states[0], more_oas=tuple(states[1:]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZALO_", "ANNOUNCE_", "WORKER_", "OA_"))}
    env.update(DATABASE_URL=database_url, ZALO_SANDBOX="0", ZALO_APP_ID=APP_ID, ZALO_OA_ID="oa-0",
               ZALO_OA_SECRET_KEY="secret-0", ZALO_APP_SECRET=APP_SECRET, ZALO_ACCESS_TOKEN="access-0",
               ZALO_REFRESH_TOKEN="refresh-0", SECRET_KEY="test-secret", DATA_KEY=SANDBOX_DATA_KEY,
               ZALO_API_BASE=server.url, ZALO_OAUTH_BASE=server.url, ANNOUNCE_QUIET_HOURS="", WORKER_NICE="0",
               WORKER_POLL_SECONDS="0.02", PYTHONUNBUFFERED="1", EXTRA_OAS=",".join(f"t{n}" for n in range(1, count)))
    for n in range(1, count):
        env.update({f"OA_T{n}_ZALO_OA_ID": f"oa-{n}", f"OA_T{n}_ZALO_OA_SECRET_KEY": f"secret-{n}",
                    f"OA_T{n}_ZALO_ACCESS_TOKEN": f"access-{n}", f"OA_T{n}_ZALO_REFRESH_TOKEN": f"refresh-{n}"})
    web, stop = start_bot(load_settings(env, dotenv=False), server, start_worker=False)
    for n, state in enumerate(states):
        state.webhook_url, state.oa_secret_key = web.url + "/zalo/webhook", f"secret-{n}"
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env,
                              stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        for n in writing:
            for text in ("xin chào", "1"):
                raw = json.dumps(zalo.user_text_event(APP_ID, f"oa-{n}", f"resident-{n}", text)).encode()
                event = json.loads(raw)
                headers = {"Content-Type": "application/json",
                           "X-ZEvent-Signature": sign_body(APP_ID, raw, str(event["timestamp"]), f"secret-{n}")}
                assert requests.post(web.url + "/zalo/webhook", data=raw, headers=headers, timeout=10).ok
        for n in writing:
            replies = states[n].wait_for_messages(f"resident-{n}", 3, timeout=60)
            assert replies[0]["text"].startswith(texts.WELCOME[:20]), replies[0]["text"]
        for n, state in enumerate(states):  # nobody else heard from the bot, and no other OA sent to them
            assert {m["user_id"] for m in state.messages} <= ({f"resident-{n}"} if n in writing else set())
        assert "taken for dead" not in log.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        stop()
        server.shutdown()


def test_an_oa_added_to_the_oas_file_is_served_by_the_running_web_and_worker_processes(database_url, tmp_path):
    """Adding an OA is a few lines in OAS_FILE: the web process reads it again when an event names an OA
    it does not serve yet, the worker process when such an event waits; neither restarts."""
    import os
    import subprocess
    import sys

    from config.settings import SANDBOX_DATA_KEY

    first = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-1", refresh_token="refresh-1",
                         oa_id=OA_ID)
    added = StandInState(app_id=APP_ID, app_secret=APP_SECRET, access_token="access-9", refresh_token="refresh-9",
                         oa_id="oa-9")
    server = serve_standin(first, more_oas=(added,))
    oas_file = tmp_path / "oas.env"
    oas_file.write_text("# further OAs of this deployment\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZALO_", "ANNOUNCE_", "WORKER_", "OA_"))}
    env.update(DATABASE_URL=database_url, ZALO_SANDBOX="0", ZALO_APP_ID=APP_ID, ZALO_OA_ID=OA_ID,
               ZALO_OA_SECRET_KEY=OA_SECRET, ZALO_APP_SECRET=APP_SECRET, ZALO_ACCESS_TOKEN="access-1",
               ZALO_REFRESH_TOKEN="refresh-1", SECRET_KEY="test-secret", DATA_KEY=SANDBOX_DATA_KEY,
               ZALO_API_BASE=server.url, ZALO_OAUTH_BASE=server.url, OAS_FILE=str(oas_file), WORKER_NICE="0",
               WORKER_POLL_SECONDS="0.02", PYTHONUNBUFFERED="1", EXTRA_OAS="")
    web, stop = start_bot(load_settings(env, dotenv=False), server, start_worker=False)
    for state, secret in ((first, OA_SECRET), (added, "secret-9")):
        state.webhook_url, state.oa_secret_key = web.url + "/zalo/webhook", secret
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker"], cwd=ROOT, env=env,
                              stdout=log.open("ab"), stderr=subprocess.STDOUT)

    def post(oa_id: str, user: str, secret: str) -> dict:
        raw = json.dumps(zalo.user_text_event(APP_ID, oa_id, user, "xin chào")).encode()
        headers = {"Content-Type": "application/json",
                   "X-ZEvent-Signature": sign_body(APP_ID, raw, str(json.loads(raw)["timestamp"]), secret)}
        return requests.post(web.url + "/zalo/webhook", data=raw, headers=headers, timeout=10).json()

    try:
        first_answer = post(OA_ID, "resident-a", OA_SECRET)
        assert first_answer["status"] == "ok"
        first.wait_for_messages("resident-a", 1, timeout=30)  # the worker is up and serving the main OA
        assert post("oa-9", "resident-z", "secret-9")["status"] == "ignored"  # not listed yet

        oas_file.write_text("EXTRA_OAS=to9\nOA_TO9_ZALO_OA_ID=oa-9\nOA_TO9_ZALO_OA_SECRET_KEY=secret-9\n"
                            "OA_TO9_ZALO_ACCESS_TOKEN=access-9\nOA_TO9_ZALO_REFRESH_TOKEN=refresh-9\n")
        assert post("oa-9", "resident-z", "secret-9")["status"] == "ok"  # the web process read it again
        (welcome, *_) = added.wait_for_messages("resident-z", 1, timeout=30)  # so did the worker: its token
        assert welcome["text"].startswith(texts.WELCOME[:20])
        assert not [m for m in first.messages if m["user_id"] == "resident-z"]
        assert worker.poll() is None and "now serving OA to9" in log.read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        stop()
        server.shutdown()
