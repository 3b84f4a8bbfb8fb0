"""The staff dashboard through the Flask test client, on SQLite and PostgreSQL: login and its throttle,
CSRF, who may see what, status changes that reach the resident, filters, exports and statistics."""
from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime, timedelta

import pytest

from bot import create_app, texts
from bot.admin import texts as t
from bot.store import upgrade_schema
from tests.conftest import make_settings

PASSWORD = "mật-khẩu-đúng"


def add_staff(bot, zalo_id: str, name: str, role: str, password: str = PASSWORD) -> None:
    bot.add_staff(zalo_id, name, role)
    with bot.services.store.unit() as uow:
        uow.staff.set_password(zalo_id, password)
        uow.commit()


def add_request(bot, kind: str, user_id: str, answers: dict | None = None, channel: str | None = None,
                assignee: str | None = None, created_local: datetime | None = None, name: str | None = None) -> str:
    """Insert a request directly (with a resident name, an assignee and a creation time if given)."""
    procedure = bot.services.runtime.catalog.procedures.get(kind)
    with bot.services.store.unit() as uow:
        row = uow.requests.create(procedure.code if procedure else "HT", kind, user_id, answers or {}, channel)
        row.assignee_id = assignee
        if created_local:
            row.created_at = created_local - timedelta(hours=7)
        if name:
            uow.members.get_or_create(user_id).display_name = name
            uow.names.add(user_id, name)  # as the name job does
        uow.commit()
        return row.code


def add_handoff(bot, user_id: str, asked_local: datetime, claimed_after: timedelta | None = None,
                closed_after: timedelta | None = None, rating: int | None = None) -> None:
    """A «gặp người» request and its handover, the staff told when it was asked."""
    with bot.services.store.unit() as uow:
        request = uow.requests.create("HT", "ho_tro", user_id, {}, None)
        request.created_at = asked_local - timedelta(hours=7)
        handoff = uow.handoffs.open(request.code, user_id, request.id, None)
        handoff.created_at = handoff.notified_at = request.created_at
        if claimed_after is not None:
            handoff.status, handoff.volunteer_id = "claimed", "vol-1"
            handoff.claimed_at = request.created_at + claimed_after
        if closed_after is not None:
            handoff.status, handoff.closed_at = "closed", request.created_at + closed_after
        handoff.rating = rating
        uow.commit()


def token_of(client) -> str:
    with client.session_transaction() as session:
        return session.get("csrf_token", "")


def login(client, account: str, password: str = PASSWORD):
    client.get("/admin/login")
    return client.post("/admin/login", data={"account": account, "password": password, "csrf_token": token_of(client)})


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": token_of(client), **data})


@pytest.fixture
def admin(bot):
    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    add_staff(bot, "vol-1", "Trần Thị Lan", "volunteer")
    add_staff(bot, "vol-2", "Lê Văn Minh", "volunteer")
    return bot


@pytest.fixture
def leader(admin):
    client = admin.app.test_client()
    assert login(client, "leader-1").status_code == 302
    return client


@pytest.mark.parametrize("method, url", [
    ("get", "/admin/"), ("get", "/admin/?status=moi"), ("get", "/admin/stats"), ("get", "/admin/requests/HT-0001"),
    ("get", "/admin/export.csv"), ("post", "/admin/export.csv"), ("post", "/admin/export.xlsx"),
    ("get", "/admin/audit"), ("get", "/admin/requests/HT-0001/older"),
    ("post", "/admin/requests/HT-0001/status"),
    ("post", "/admin/requests/HT-0001/assign"), ("post", "/admin/requests/HT-0001/note"), ("post", "/admin/logout"),
])
def test_every_page_sends_a_stranger_to_the_login_page(admin, method, url):
    add_request(admin, "ho_tro", "res-1")
    answer = getattr(admin.app.test_client(), method)(url)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/admin/login")
    assert ("next=" in answer.headers["Location"]) == (method == "get")


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(admin):
    client = admin.app.test_client()
    page = client.get("/admin/login?next=/admin/stats")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and t.LOGIN_TITLE in html and 'name="csrf_token"' in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    answer = client.post("/admin/login", data={"account": "leader-1", "password": PASSWORD, "next": "/admin/stats",
                                               "csrf_token": token_of(client)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/stats"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/admin/")
    assert "Nguyễn Văn Hòa · Tổ trưởng" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert post(client, "/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_by_name_and_never_to_another_site(admin):
    client = admin.app.test_client()
    client.get("/admin/login")
    answer = client.post("/admin/login", data={"account": "trần thị lan", "password": PASSWORD,
                                               "next": "//evil.example/", "csrf_token": token_of(client)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/"


def test_wrong_passwords_slow_down_even_the_right_one(admin):
    admin.clock.advance(0)  # the bot's clock stands still from here; the test moves it
    client = admin.app.test_client()
    first = login(client, "leader-1", "sai")
    assert first.status_code == 401 and t.LOGIN_WRONG in first.get_data(as_text=True)
    for _ in range(3):
        assert "giây" not in login(client, "leader-1", "sai").get_data(as_text=True)
    fifth = login(client, "leader-1", "sai")
    assert fifth.status_code == 401 and "giây" in fifth.get_data(as_text=True)
    locked = login(client, "leader-1")  # the right password, but too soon
    html = locked.get_data(as_text=True)
    assert locked.status_code == 429 and re.search(r"chờ \d+ giây", html)
    assert client.get("/admin/").status_code == 302
    admin.clock.advance(2 / 60)  # the wait is over: no lock keeps the owner out
    assert login(client, "leader-1").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_unknown_accounts_are_throttled_too(admin):
    admin.clock.advance(0)
    client = admin.app.test_client()
    for i in range(5):  # from five addresses: the account's own count, not the address's
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{i}"
        answer = login(client, "ai-do", "x")
    assert answer.status_code == 401 and "giây" in answer.get_data(as_text=True)
    client.environ_base["REMOTE_ADDR"] = "10.0.0.99"
    assert login(client, "AI-DO", "x").status_code == 429


def test_a_post_without_the_right_token_is_refused(admin, leader):
    code = add_request(admin, "ho_tro", "res-1")
    for data in ({}, {"csrf_token": "giả"}):
        answer = leader.post(f"/admin/requests/{code}/status", data={"status": "da_xong", **data})
        assert answer.status_code == 400 and t.CSRF_FAILED in answer.get_data(as_text=True)
    with admin.services.store.unit() as uow:
        assert uow.requests.by_code(code).status == "moi"
    stranger = admin.app.test_client()
    stranger.get("/admin/login")
    refused = stranger.post("/admin/login", data={"account": "leader-1", "password": PASSWORD})
    assert refused.status_code == 400


def test_a_volunteer_sees_own_and_unassigned_requests_only(admin):
    own = add_request(admin, "ho_tro", "res-1", assignee="vol-1")
    free = add_request(admin, "ho_tro", "res-2")
    other = add_request(admin, "ho_tro", "res-3", assignee="vol-2")
    client = admin.app.test_client()
    login(client, "vol-1")
    html = client.get("/admin/").get_data(as_text=True)
    assert own in html and free in html and other not in html
    assert client.get(f"/admin/requests/{own}").status_code == 200
    forbidden = client.get(f"/admin/requests/{other}")
    assert forbidden.status_code == 403 and t.FORBIDDEN_TITLE in forbidden.get_data(as_text=True)
    assert post(client, f"/admin/requests/{other}/status", status="da_xong").status_code == 403
    assert post(client, f"/admin/requests/{other}/note", note="x").status_code == 403
    assert post(client, f"/admin/requests/{free}/assign", assignee="vol-1").status_code == 403
    assert client.get("/admin/stats").status_code == 403
    exported = post(client, "/admin/export.csv").data.decode("utf-8-sig")
    assert own in exported and free in exported and other not in exported
    assert client.get("/admin/requests/XX-9999").status_code == 404


def test_the_staff_row_is_read_on_every_request(admin):
    client = admin.app.test_client()
    login(client, "leader-1")
    assert client.get("/admin/stats").status_code == 200
    admin.add_staff("leader-1", "Nguyễn Văn Hòa", "volunteer")  # demoted
    assert client.get("/admin/stats").status_code == 403
    with admin.services.store.unit() as uow:
        uow.staff.remove("leader-1")
        uow.commit()
    assert client.get("/admin/").status_code == 302


def test_a_status_change_is_recorded_and_the_resident_is_told(admin, leader):
    admin.say("res-1", "gặp người")
    answer = post(leader, "/admin/requests/HT-0001/status", status="dang_xu_ly")
    assert answer.status_code == 302
    page = leader.get("/admin/requests/HT-0001").get_data(as_text=True)
    assert t.STATUS_TOLD in page and "Nguyễn Văn Hòa" in page and "Mới → Đang xử lý" in page
    deadline = time.monotonic() + 10
    while not any("HT-0001" in m and texts.STATUS_LABELS["dang_xu_ly"] in m for m in admin.inbox("res-1")):
        assert time.monotonic() < deadline, admin.inbox("res-1")
        time.sleep(0.1)
    post(leader, "/admin/requests/HT-0001/assign", assignee="vol-1")
    post(leader, "/admin/requests/HT-0001/note", note="Đã gọi điện <b>hẹn</b> sáng mai")
    page = leader.get("/admin/requests/HT-0001").get_data(as_text=True)
    assert "Chưa giao → Trần Thị Lan" in page and "Đã gọi điện &lt;b&gt;hẹn&lt;/b&gt; sáng mai" in page
    with admin.services.store.unit() as uow:
        row = uow.requests.by_code("HT-0001")
        assert (row.status, row.assignee_id) == ("dang_xu_ly", "vol-1")
    assert post(leader, "/admin/requests/HT-0001/status", status="khong-co").status_code == 400


def test_a_resident_outside_the_window_is_told_later(admin, leader):
    code = add_request(admin, "ho_tro", "res-quiet")  # never wrote: outside Zalo's 7-day window
    post(leader, f"/admin/requests/{code}/status", status="da_xong")
    assert t.STATUS_HELD in leader.get(f"/admin/requests/{code}").get_data(as_text=True)
    with admin.services.store.unit() as uow:
        assert any(code in text for _, text in uow.notices.take("res-quiet"))


def test_the_request_page_escapes_residents_words_and_shows_photos(admin, leader):
    attack = "<script>alert(1)</script>"
    admin.say("res-1", attack)
    admin.say("res-1", kind="image", url="https://f6.photo.talk.zdn.vn/sent.jpg")
    admin.say("res-1", kind="location", lat=21.0285, lng=105.8542)
    code = add_request(admin, "phan_anh", "res-1", name="Bà <i>Tư</i>",
                       answers={"description": attack, "photo": "https://f6.photo.talk.zdn.vn/a.jpg",
                                "location": "javascript:alert(1)"})
    html = leader.get(f"/admin/requests/{code}").get_data(as_text=True)
    assert attack not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Bà &lt;i&gt;Tư&lt;/i&gt;" in html
    assert 'src="https://f6.photo.talk.zdn.vn/a.jpg"' in html and "Ảnh hiện trường" in html and "Nội dung phản ánh" in html
    assert 'href="javascript:' not in html
    assert html.count("&lt;script&gt;") >= 2  # the answer and the transcript line
    assert t.FROM_BOT in html  # the bot's reply is in the transcript too
    assert 'src="https://f6.photo.talk.zdn.vn/sent.jpg"' in html and t.MAP_LINK_TEXT in html
    assert 'href="https://www.openstreetmap.org/?mlat=21.0285&amp;mlon=105.8542#map=18/21.0285/105.8542"' in html


def test_filters_and_search(admin, leader):
    ks = add_request(admin, "khai_sinh", "res-1", channel="online", name="Phạm Thu Hà",
                     created_local=datetime(2026, 3, 10, 9))
    pa = add_request(admin, "phan_anh", "res-2", created_local=datetime(2026, 4, 2, 23, 30), assignee="vol-1")
    ht = add_request(admin, "ho_tro", "res-3", created_local=datetime(2026, 4, 3, 0, 30))

    def codes(query: str) -> set[str]:
        html = leader.get("/admin/" + query).get_data(as_text=True)
        return set(re.findall(r"(?:KS|PA|HT)-\d{4}", html.split('id="request-list"')[-1])) \
            if 'id="request-list"' in html else set()

    assert codes("") == {ks, pa, ht}
    assert codes("?kind=khai_sinh") == {ks}
    assert codes("?channel=online") == {ks}
    assert codes("?assignee=vol-1") == {pa}
    assert codes("?assignee=none") == {ks, ht}
    assert codes("?from=2026-04-02&to=2026-04-02") == {pa}  # local dates: 23:30 on the 2nd is the 2nd
    assert codes("?from=03/04/2026") == {ht}
    assert codes("?q=thu hà") == {ks}
    assert codes("?q=" + pa.lower()) == {pa}
    assert codes("?status=da_xong") == set()
    refused = leader.get("/admin/?from=hôm qua")
    assert refused.status_code == 400
    assert t.FILTER_BAD_DATE.format(field=t.FILTER_FROM, value="hôm qua") in refused.get_data(as_text=True)


def test_csv_export_has_a_bom_and_the_filtered_rows(admin, leader):
    ks = add_request(admin, "khai_sinh", "res-1", channel="nha_van_hoa", name="=HYPERLINK(\"x\")",
                     answers={"child_full_name": "Nguyễn Văn An", "mother_full_name": "Phạm Thu Hà"},
                     created_local=datetime(2026, 3, 10, 9, 5), assignee="vol-1")
    add_request(admin, "phan_anh", "res-2")
    answer = post(leader, "/admin/export.csv", channel="nha_van_hoa")  # one kind's columns: test_dashboard_as_found
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    procedure = admin.services.runtime.catalog.procedures["khai_sinh"]
    labels = {s.field: s.label for s in procedure.steps}
    assert rows[0] == ["Mã", "Loại việc", "Trạng thái", "Cách nộp", "Thời gian tạo", "Cư dân", "Người phụ trách",
                       "Nội dung"]
    assert rows[1] == [ks, procedure.title, "Mới", texts.CHANNEL_LABELS["nha_van_hoa"], "10/03/2026 09:05",
                       "'=HYPERLINK(\"x\")", "Trần Thị Lan",
                       f"{labels['child_full_name']}: Nguyễn Văn An; {labels['mother_full_name']}: Phạm Thu Hà"]
    assert len(rows) == 2


def test_xlsx_export_opens_with_openpyxl(admin, leader):
    from openpyxl import load_workbook
    add_request(admin, "phan_anh", "res-1", name="=1+1", answers={"description": "Đèn hỏng"})
    ht = add_request(admin, "ho_tro", "res-2")
    answer = post(leader, "/admin/export.xlsx")
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Mã" and len(rows) == 3
    assert rows[1][0] == ht and rows[2][5] == "=1+1" and sheet.cell(3, 6).data_type == "s"
    assert rows[2][7].endswith("Đèn hỏng")


def test_statistics_count_each_month_by_kind_and_channel(admin, leader):
    from bot.admin.stats import statistics
    admin.clock.set_local(2026, 11, 20, 10)
    for month, kind, channel in ((11, "khai_sinh", "online"), (11, "khai_sinh", "tai_nha"), (11, "phan_anh", None),
                                 (10, "khai_sinh", "online"), (1, "ho_tro", None)):
        add_request(admin, kind, f"res-{month}", channel=channel, created_local=datetime(2026, month, 5, 8))
    add_request(admin, "khai_sinh", "res-old", created_local=datetime(2025, 11, 30, 23))  # 13 months ago
    with admin.services.store.unit() as uow:
        by_kind, by_channel, _ = statistics(uow, admin.services.runtime.catalog, admin.clock())
    titles = {p.id: p.title for p in admin.services.runtime.catalog.procedures.values()}
    assert by_kind.months[0] == "11/2026" and by_kind.months[-1] == "12/2025" and len(by_kind.months) == 12
    counts = dict(zip(by_kind.series, by_kind.counts))
    assert counts[titles["khai_sinh"]][:2] == [2, 1] and sum(counts[titles["khai_sinh"]]) == 3
    assert counts[titles["phan_anh"]][0] == 1 and counts[texts.KIND_TITLES["ho_tro"]][10] == 1
    channels = dict(zip(by_channel.series, by_channel.counts))
    assert channels[texts.CHANNEL_LABELS["online"]][:2] == [1, 1] and sum(channels[t.NO_CHANNEL]) == 2
    html = leader.get("/admin/stats").get_data(as_text=True)
    assert t.STATS_TOTAL.format(n=5) in html and html.count("<svg class=\"chart\"") == 3
    row = re.search(rf"<th scope=\"row\">{titles['khai_sinh']}</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r"<td>(?:<strong>)?(\d+)", row) == ["2", "1"] + ["0"] * 10 + ["3"]


def test_sandbox_mode_shows_the_banner_on_every_page(sqlite_url, standin):
    app = create_app(make_settings(sqlite_url, standin.url).with_overrides(sandbox=True))
    upgrade_schema(app.extensions["bot"].store.engine)
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    assert 'id="sandbox-banner"' in page and t.SANDBOX_BANNER in page
    assert client.get("/admin/static/admin.css").status_code == 200
    app.extensions["bot"].store.dispose()


def test_no_banner_outside_the_sandbox(admin):
    assert "sandbox-banner" not in admin.app.test_client().get("/admin/login").get_data(as_text=True)



def test_views_and_exports_of_personal_data_are_in_the_audit_log_leaders_read(admin, leader):
    code = add_request(admin, "ho_tro", "res-audit")
    assert t.AUDIT_EMPTY in leader.get("/admin/audit").get_data(as_text=True)
    volunteer = admin.app.test_client()
    login(volunteer, "vol-1")
    assert volunteer.get(f"/admin/requests/{code}").status_code == 200
    assert post(volunteer, "/admin/export.csv", status="moi").status_code == 200
    assert post(leader, "/admin/export.xlsx").status_code == 200
    assert volunteer.get("/admin/audit").status_code == 403  # only leaders read the log

    page = leader.get("/admin/audit").get_data(as_text=True)
    rows = re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>\s*<td>([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert rows == [("Nguyễn Văn Hòa", "Xuất Excel", "1 hồ sơ; bộ lọc: -"),
                    ("Trần Thị Lan", "Xuất CSV", "1 hồ sơ; bộ lọc: status=moi"),
                    ("Trần Thị Lan", "Xem hồ sơ", code)]
