"""The notice board on the dashboard through the Flask test client, on SQLite and PostgreSQL: who may use it,
CSRF, every bad input said on a form that comes back filled, the preview as residents receive it, send now,
schedule and cancel (and what cannot be), the people not reached, a sign-up's list and its exports, the
photo, and the audit log."""
from __future__ import annotations

import csv
import html
import io
import re
import struct
import zlib
from datetime import datetime, timedelta

import pytest

from bot import texts
from bot.admin import texts as t
from bot.admin.notices import SIGNUP_COLUMNS
from bot.clock import utc
from bot.replies import Choices, Text
from bot.services import announcements as notices
from bot.services.notice_form import max_text
from tests.test_admin import add_staff, login, post, token_of

LEADER, OTHER_LEADER = "leader-1", "leader-2"
NOTICE = "Cắt nước từ 8h đến 11h sáng thứ Bảy để sửa đường ống. Bà con trữ nước giúp tổ."
EVENT = "Tiêm phòng dại cho chó mèo"


def png(size: int = 0) -> bytes:
    """A small real PNG, padded with a text chunk to `size` bytes when asked."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    image = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
             + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x10\x80\xf0" * 2 + b"\x00" + b"\xf0\x80\x10" * 2)))
    padding = b"" if size <= len(image) + 24 else chunk(b"tEXt", b"c\x00" + b"x" * (size - len(image) - 26))
    return image + padding + chunk(b"IEND", b"")


def add_members(bot, inside: int, outside: int, prefix: str = "m", phones: str = "09123456") -> dict[str, list[str]]:
    """Members with a registered name and phone: `inside` wrote yesterday, `outside` ten days ago."""
    now = bot.clock()
    made = {"in": [f"{prefix}-in-{i}" for i in range(inside)], "out": [f"{prefix}-out-{i}" for i in range(outside)]}
    with bot.services.store.unit() as uow:
        for number, user in enumerate(made["in"] + made["out"]):
            uow.members.record_interaction(user, now - timedelta(days=1 if user in made["in"] else 10))
            uow.members.set_follower(user, True)
            uow.members.set_identity(user, f"Nguyễn Văn {prefix.upper()}{number}", f"{phones}{number:02d}")
        uow.commit()
    return made


def in_group(bot, name: str, users: list[str]) -> None:
    with bot.services.store.unit() as uow:
        for user in users:
            uow.groups.add(name, name.casefold(), user)
        uow.commit()


def form(**changes) -> dict:
    fields = {"text": NOTICE, "send_at": "", "signup_title": "", "event_at": "", "signup_limit": ""}
    return {**fields, **changes}


def compose(client, files: dict | None = None, **changes):
    """Post the compose form (multipart, as the browser does) with the session's token."""
    data = {"csrf_token": token_of(client), **form(**changes), **(files or {})}
    return client.post("/admin/notices/new", data=data, content_type="multipart/form-data")


def text_of(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def plain(page: str) -> str:
    """The page's words without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def rows(bot):
    with bot.services.store.unit() as uow:
        return uow.announcements.board(LEADER, 100)


def audit_actions(bot) -> list[tuple[str, str]]:
    with bot.services.store.unit() as uow:
        return [(e.action, e.target) for e in reversed(uow.audit.latest())]


def wait_until_done(bot, announcement_id: int) -> None:
    bot.services.announcer.run_due()
    assert bot.services.worker.wait_idle(20)
    with bot.services.store.unit() as uow:
        assert uow.announcements.get(announcement_id).status == "done"


@pytest.fixture
def board(bot):
    bot.clock.set_local(2026, 12, 3, 9)
    add_staff(bot, LEADER, "Nguyễn Văn Hòa", "leader")
    add_staff(bot, OTHER_LEADER, "Trần Văn Bảy", "leader")
    add_staff(bot, "vol-1", "Trần Thị Lan", "volunteer")
    return bot


@pytest.fixture
def leader(board):
    client = board.app.test_client()
    assert login(client, LEADER).status_code == 302
    return client


def test_a_volunteer_gets_403_and_a_form_without_its_token_400(board, leader):
    volunteer = board.app.test_client()
    login(volunteer, "vol-1")
    for url in ("/admin/notices", "/admin/notices/new", "/admin/notices/1", "/admin/notices/1/photo"):
        assert volunteer.get(url).status_code == 403, url
    assert compose(volunteer).status_code == 403
    assert t.NAV_NOTICES not in volunteer.get("/admin/").get_data(as_text=True)
    assert rows(board) == []

    no_token = leader.post("/admin/notices/new", data=form(), content_type="multipart/form-data")
    assert no_token.status_code == 400 and t.CSRF_FAILED in text_of(no_token)
    assert rows(board) == []
    assert t.NAV_NOTICES in text_of(leader.get("/admin/"))
    assert leader.get("/admin/notices").status_code == 200


@pytest.mark.parametrize("changes, expected", [
    ({"text": "  "}, t.COMPOSE_ERRORS["empty"]),
    ({"text": "x" * (max_text(False) + 1)}, "quá 1 ký tự"),
    ({"text": "x" * max_text(True) + "xx", "urgent": "1"}, "quá 2 ký tự"),  # the urgent header is longer
    ({"send_at": "2026-12-03T08:00"}, "Giờ gửi 08:00 03/12/2026 đã qua"),
    ({"send_at": "ngày mai"}, "Giờ gửi «ngày mai» không đúng dạng"),
    ({"send_at": "0001-01-01T00:00"}, "Giờ gửi «0001-01-01T00:00» không đúng dạng"),  # not a 500
    ({"signup": "1", "event_at": "2026-12-06T08:00"}, t.COMPOSE_ERRORS["no_title"]),
    ({"signup": "1", "signup_title": EVENT}, t.COMPOSE_ERRORS["no_event"]),
    ({"signup": "1", "signup_title": EVENT, "event_at": "2026-12-02T08:00"}, "Sự kiện lúc 08:00 02/12/2026 đã qua"),
    ({"signup": "1", "signup_title": EVENT, "event_at": "2026-12-05T08:00", "send_at": "2026-12-05T09:00"},
     "Sự kiện (08:00 05/12/2026) phải diễn ra sau giờ gửi thông báo (09:00 05/12/2026)"),
    ({"signup": "1", "signup_title": EVENT, "event_at": "2026-12-06T08:00", "signup_limit": "hai chục"},
     "Số người tối đa «hai chục» không dùng được"),
    ({"signup": "1", "signup_title": EVENT, "event_at": "2026-12-06T08:00", "signup_limit": "1001"},
     "Số người tối đa «1001» không dùng được"),
    ({"signup": "1", "signup_title": EVENT, "event_at": "2026-12-06T08:00", "signup_limit": "²"},
     "Số người tối đa «²» không dùng được"),
    ({"signup": "1", "signup_title": EVENT, "event_at": "9999-12-31T23:59"}, "Ngày giờ sự kiện «9999-12-31T23:59»"),
    ({"group": "Khu Z"}, "Không còn nhóm «Khu Z»"),
])
def test_each_bad_input_is_said_and_the_form_comes_back_filled(board, leader, changes, expected):
    answer = compose(leader, **changes)
    page = text_of(answer)
    assert answer.status_code == 400 and expected in page
    for name in ("text", "signup_title", "send_at", "event_at", "signup_limit"):
        if changes.get(name, "").strip():
            assert changes[name].strip() in page, name  # what was typed is still there
    assert rows(board) == []


def test_a_bad_photo_is_said_and_the_rest_kept(board, leader):
    not_an_image = compose(leader, files={"photo": (io.BytesIO(b"GIF89a not a jpg"), "anh.gif")})
    assert not_an_image.status_code == 400 and t.PROOF_PHOTO_NOT_IMAGE in text_of(not_an_image)
    assert NOTICE in text_of(not_an_image)
    too_big = compose(leader, files={"photo": (io.BytesIO(png(1_000_001)), "to.png")})
    assert too_big.status_code == 400 and t.PROOF_PHOTO_TOO_BIG in text_of(too_big)
    elsewhere_wrong = compose(leader, files={"photo": (io.BytesIO(png()), "a.png")}, signup="1")
    assert t.COMPOSE_PHOTO_AGAIN in text_of(elsewhere_wrong)  # a file input cannot be filled again: said so
    assert rows(board) == [] and board.standin.state.uploads == {}


def test_the_longest_text_zalo_takes_is_accepted(board, leader):
    longest = "x" * max_text(False)
    assert compose(leader, text=longest).status_code == 302
    (draft,) = rows(board)
    (first, *_rest) = notices.message(draft)
    assert len(first.text) == 2000


def test_the_form_shows_each_groups_reach_and_the_preview_what_residents_receive(board, leader):
    members = add_members(board, inside=3, outside=2)
    in_group(board, "Khu A", members["in"][:2] + members["out"][:1])
    page = text_of(leader.get("/admin/notices/new"))
    assert "Khu A (3 người, 2 người nhận ngay)" in plain(page)
    assert t.COMPOSE_GROUPS_NOTE.format(members=5, at_once=3) in page

    answer = compose(leader, text="Họp tổ\r\nlúc 19h", signup="1", signup_title=EVENT, event_at="2026-12-06T08:00",
                     signup_limit="30")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/admin/notices/1/preview")
    preview = text_of(leader.get(answer.headers["Location"]))
    with board.services.store.unit() as uow:
        draft = uow.announcements.get(1)
        assert draft.status == "draft" and draft.created_by == LEADER and draft.text == "Họp tổ\nlúc 19h"
        assert (draft.signup_title, draft.signup_limit) == (EVENT, 30)
        replies = notices.message(draft)
    assert [type(r) for r in replies] == [Text, Choices]
    assert f"{texts.ANNOUNCE_HEADER}\nHọp tổ\nlúc 19h" in preview
    question = replies[1]
    numbered = "\n".join([question.text, "1. Đăng ký", "2. Không tham gia"])
    assert f"Bác có tham gia «{EVENT}» (08:00 Chủ nhật 06/12/2026) không? Tổ nhận tối đa 30 người." in numbered
    assert numbered in preview
    assert re.search(r'class="notice-button">Đăng ký<.*class="notice-button">Không tham gia<', preview, re.S)
    assert t.PREVIEW_REACH.format(reach="tất cả 5 thành viên") in preview
    assert t.PREVIEW_AT_ONCE.format(at_once=3) in preview

    edit = text_of(leader.get("/admin/notices/new?draft=1"))  # «Sửa»: the form again, filled
    assert 'name="draft" value="1"' in edit and f'value="{EVENT}"' in edit and 'value="2026-12-06T08:00"' in edit
    assert compose(leader, draft="1", text="Họp tổ lúc 19h30", group="Khu A").status_code == 302
    (draft,) = rows(board)  # the same draft, changed
    assert (draft.text, notices.group_names(draft), draft.signup_title) == ("Họp tổ lúc 19h30", ["Khu A"], None)
    preview = text_of(leader.get("/admin/notices/1/preview"))
    assert t.PREVIEW_REACH.format(reach="3 thành viên trong nhóm Khu A") in preview
    assert ("create_notice", "#1 · Họp tổ lúc 19h") in audit_actions(board)
    assert ("edit_notice", "#1 · Họp tổ lúc 19h30") in audit_actions(board)


def test_schedule_in_the_past_is_refused_and_a_scheduled_one_is_cancelled(board, leader):
    add_members(board, inside=2, outside=0)
    compose(leader, send_at="2026-12-04T07:30")
    preview = text_of(leader.get("/admin/notices/1/preview"))
    assert 'value="2026-12-04T07:30"' in preview  # «Hẹn giờ» offers the form's time

    past = post(leader, "/admin/notices/1/schedule", send_at="2026-12-03T08:59")
    assert past.status_code == 400 and "Giờ gửi 08:59 03/12/2026 đã qua" in text_of(past)
    assert post(leader, "/admin/notices/1/schedule", send_at="").status_code == 400
    assert rows(board)[0].status == "draft"

    done = post(leader, "/admin/notices/1/schedule", send_at="2026-12-04T07:30")
    assert done.status_code == 302
    (row,) = rows(board)
    assert row.status == "scheduled" and row.send_at == utc(datetime(2026, 12, 4, 7, 30))
    page = text_of(leader.get("/admin/notices/1"))
    assert t.NOTICE_SCHEDULED.format(id=1, when="07:30 ngày 04/12/2026") in page
    assert "Sẽ gửi lúc 04/12/2026 07:30" in page and 'id="notice-cancel"' in page
    board_page = text_of(leader.get("/admin/notices"))
    assert texts.ANNOUNCE_STATUS["scheduled"] in board_page and t.NOTICE_ALL_MEMBERS in board_page

    assert post(leader, "/admin/notices/1/cancel").status_code == 302
    assert rows(board)[0].status == "cancelled"
    assert texts.ANNOUNCE_CANCELLED.format(id=1) in text_of(leader.get("/admin/notices/1"))
    assert [a for a, _ in audit_actions(board)] == ["create_notice", "schedule_notice", "cancel_notice"]
    board.clock.set_local(2026, 12, 4, 8)
    assert board.services.announcer.run_due() == 0


def test_quiet_hours_are_said_when_a_notice_is_scheduled_into_them(board, leader):
    compose(leader, send_at="2026-12-03T22:30")
    preview = text_of(leader.get("/admin/notices/1/preview"))
    assert t.PREVIEW_QUIET.format(when="07:00 ngày 04/12/2026") in preview
    post(leader, "/admin/notices/1/schedule", send_at="2026-12-03T22:30")
    assert t.NOTICE_QUIET.format(when="07:00 ngày 04/12/2026") in text_of(leader.get("/admin/notices/1"))


def test_send_now_reaches_members_the_numbers_and_who_did_not_and_a_sent_one_cannot_be_cancelled(board, leader):
    members = add_members(board, inside=3, outside=2)
    with board.services.store.unit() as uow:
        uow.members.set_announcements_off(members["in"][2], True)
        uow.commit()
    board.standin.state.unreachable[members["in"][1]] = -244  # has blocked the OA
    compose(leader)
    assert post(leader, "/admin/notices/1/send").status_code == 302
    (row,) = rows(board)
    assert row.status == "scheduled" and row.send_at == board.clock()
    wait_until_done(board, 1)
    assert any(NOTICE in (m["text"] or "") for m in board.standin.state.messages_for(members["in"][0]))

    page = text_of(leader.get("/admin/notices/1"))
    numbers = plain(page)
    for label, count in (("Đã nhận", 1), ("Chờ 7 ngày", 2), ("Đã tắt nhận tin", 1), ("Không gửi được", 1)):
        assert f"{label}: {count}" in numbers, label
    assert "1 người: đã chặn tin nhắn của OA" in numbers
    people = page[page.index('id="people"'):]
    assert "Nguyễn Văn M1" in people and "0912***601" in people and "đã chặn tin nhắn của OA" in people
    assert "Nguyễn Văn M3" in people and t.NOTICE_PEOPLE_STATUS["waiting"] in people
    assert "Nguyễn Văn M0" not in people  # received it
    assert not any(user in page for user in members["in"] + members["out"])  # no Zalo ids
    assert "0912345601" not in page
    assert ("view_notice", f"#1 · {notices.excerpt(NOTICE)}") in audit_actions(board)

    refused = post(leader, "/admin/notices/1/cancel")
    assert refused.status_code == 302 and rows(board)[0].status == "done"
    assert texts.ANNOUNCE_CANNOT_CANCEL.format(id=1, status="đã gửi xong") in text_of(leader.get("/admin/notices/1"))
    assert post(leader, "/admin/notices/1/send").status_code == 302 and rows(board)[0].status == "done"
    assert [a for a, _ in audit_actions(board) if a != "view_notice"] == ["create_notice", "send_notice"]


def test_the_board_lists_chat_and_cli_announcements_but_not_another_leaders_drafts(board, leader):
    with board.services.store.unit() as uow:
        uow.announcements.add("Từ dòng lệnh", "cli", status="scheduled", send_at=board.clock() + timedelta(hours=2))
        uow.announcements.add("Nháp của người khác", OTHER_LEADER)
        uow.announcements.add("Nháp của tôi", LEADER)
        uow.commit()
    page = text_of(leader.get("/admin/notices"))
    assert "Từ dòng lệnh" in page and "Nháp của tôi" in page and "Nháp của người khác" not in page
    assert page.index("Nháp của tôi") < page.index("Từ dòng lệnh")  # newest first
    assert leader.get("/admin/notices/2").status_code == 404
    assert leader.get("/admin/notices/2/preview").status_code == 404
    assert post(leader, "/admin/notices/2/send").status_code == 404
    assert "Sẽ gửi lúc 03/12/2026 11:00" in page


def test_an_announcement_to_everyone_also_goes_to_the_zalo_groups_and_one_to_a_group_does_not(board, leader):
    board.services.settings = board.services.settings.with_overrides(announce_zalo_groups=("g-tdp-5",))
    members = add_members(board, inside=2, outside=0)
    in_group(board, "Khu A", members["in"][:1])
    compose(leader)
    compose(leader, text="Chỉ khu A", group="Khu A")
    with board.services.store.unit() as uow:
        assert notices.zalo_groups(uow.announcements.get(1)) == ["g-tdp-5"]
        assert notices.zalo_groups(uow.announcements.get(2)) == []
    post(leader, "/admin/notices/1/send")
    wait_until_done(board, 1)
    (group_post,) = board.standin.state.messages_for("g-tdp-5")
    assert NOTICE in group_post["text"]


def test_the_photo_goes_up_to_zalo_is_shown_and_residents_get_it_by_that_attachment_id(board, leader):
    members = add_members(board, inside=1, outside=0)
    photo = png()
    assert compose(leader, files={"photo": (io.BytesIO(photo), "hop.png")}).status_code == 302
    ((upload_id, upload),) = board.standin.state.uploads.items()
    assert upload["bytes"] == photo
    (draft,) = rows(board)
    assert draft.image_attachment_id == upload_id and draft.image_type == "image/png"
    preview = leader.get("/admin/notices/1/preview").get_data(as_text=True)
    assert re.search(r'<img src="data:image/png;base64,[^"]+"', preview)
    served = leader.get("/admin/notices/1/photo")
    assert served.data == photo and served.headers["Content-Type"] == "image/png"
    as_image = leader.get("/admin/notices/1/photo", headers={"Sec-Fetch-Dest": "image"})
    assert as_image.status_code == 403  # the dashboard's addresses never load as images (the page embeds it)

    post(leader, "/admin/notices/1/send")
    wait_until_done(board, 1)
    sent = board.standin.state.messages_for(members["in"][0])
    elements = [m["payload"]["message"]["attachment"]["payload"]["elements"][0] for m in sent
                if "attachment" in m["payload"]["message"]]
    assert elements == [{"media_type": "image", "attachment_id": upload_id}]
    assert len(board.standin.state.uploads) == 1  # still fresh: not uploaded again


def test_a_signup_list_its_exports_and_the_audit_log(board, leader):
    members = add_members(board, inside=4, outside=0)
    compose(leader, text="Mời bà con đưa chó mèo đi tiêm", signup="1", signup_title=EVENT,
            event_at="2026-12-06T08:00", signup_limit="3")
    post(leader, "/admin/notices/1/send")
    wait_until_done(board, 1)
    now = board.clock()
    with board.services.store.unit() as uow:
        for number, (user, people, status) in enumerate(((members["in"][0], 2, "going"), (members["in"][1], 1, "going"),
                                                         (members["in"][2], 2, "waiting"),
                                                         (members["in"][3], 1, "declined"))):
            uow.signups.add(1, user, people, status, now + timedelta(minutes=number))
        uow.commit()

    page = text_of(leader.get("/admin/notices/1"))
    assert t.NOTICE_SIGNUP_NUMBERS.format(going=2, people=3, waiting=1, left=0) in page
    table = page[page.index('id="signups"'):]
    assert "Nguyễn Văn M0" in table and "0912***600" in table and "Danh sách chờ (thứ 1)" in table
    assert not any(user in page for user in members["in"])
    board_page = text_of(leader.get("/admin/notices"))
    assert t.NOTICE_SIGNUP_NUMBERS.format(going=2, people=3, waiting=1, left=0) in board_page

    assert leader.get("/admin/notices/1/signups.csv").status_code == 405  # a link exports nothing
    assert leader.post("/admin/notices/1/signups.csv").status_code == 400  # nor a form without the token
    answer = post(leader, "/admin/notices/1/signups.csv")
    assert answer.status_code == 200
    name = re.search(r'filename="([^"]+)"', answer.headers["Content-Disposition"]).group(1)
    assert name.startswith("dang-ky-1-tiem-phong-dai-cho-cho-meo-") and name.endswith(".csv")
    lines = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert lines[0] == list(SIGNUP_COLUMNS)
    assert [line[1:5] for line in lines[1:]] == [
        ["Nguyễn Văn M0", "0912***600", "2", "Tham gia"], ["Nguyễn Văn M1", "0912***601", "1", "Tham gia"],
        ["Nguyễn Văn M2", "0912***602", "2", "Danh sách chờ (thứ 1)"],
        ["Nguyễn Văn M3", "0912***603", "1", "Không tham gia"]]
    assert not any(user in answer.data.decode("utf-8-sig") for user in members["in"])
    assert "0912345600" not in answer.data.decode("utf-8-sig")

    from openpyxl import load_workbook
    answer = post(leader, "/admin/notices/1/signups.xlsx")
    sheet = load_workbook(io.BytesIO(answer.data)).active
    assert [sheet.cell(r, 2).value for r in range(2, 6)] == [f"Nguyễn Văn M{i}" for i in range(4)]
    assert sheet.cell(2, 6).is_date
    actions = audit_actions(board)
    assert ("export_signups_csv", "#1 · 4 người trả lời") in actions
    assert ("export_signups_xlsx", "#1 · 4 người trả lời") in actions
    assert ("view_notice", "#1 · Mời bà con đưa chó mèo đi tiêm") in actions
