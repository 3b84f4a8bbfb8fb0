"""Personal-data promises an outside probe tested (issue 21): erasure reaches the copies sent to staff and
the texts quoting the person, Zalo display names are sealed and found through a keyed-hash name index,
and SQLite's write-ahead log keeps no erased ciphertext. Through the running bot, SQLite and PostgreSQL."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import texts
from bot.runtime.jobs import fill_member_names
from tests.test_admin import add_staff, login
from tests.test_personal_data import CCCD, NAME, PHONE, plain_dump, readable_dump, walk

pytestmark = pytest.mark.security


def test_erasure_reaches_the_copies_sent_to_staff_and_the_texts_quoting_the_person(bot):
    bot.clock.set_local(2026, 12, 3, 9)  # office hours: the leader is told at once
    bot.add_staff("L1", "Tổ trưởng Hòa", "leader")
    user = "resident-copies"
    code = walk(bot, user, "tam_tru")
    bot.say(user, f"Tôi là {NAME}, CCCD {CCCD}, số {PHONE}")
    bot.say(user, "gặp người")
    (notice,) = bot.inbox("L1")
    assert CCCD in notice  # the handoff notice quotes the resident
    handoff = re.search(r"HT-\d{4}", notice).group(0)
    bot.say("L1", f"nhận {handoff}")
    bot.say(user, f"Số của tôi là {PHONE} ạ")
    assert any(PHONE in m and m.startswith(f"[{handoff}]") for m in bot.inbox("L1"))  # relayed
    bot.say("L1", "Chào bác, cháu gọi lại ngay ạ")
    bot.say("L1", "xong")
    with bot.services.store.unit() as uow:
        uow.notices.hold("L1", "status", f"{code}: {NAME} ({PHONE}) đã nộp hồ sơ")
        uow.announcements.add(f"Cảm ơn bác {NAME}, số {PHONE}, đã báo đèn hỏng", "L1")
        uow.audit.record("L1", "Tổ trưởng Hòa", "export_csv", f"3 dòng, tìm «{NAME}»")
        uow.commit()
    database_url = bot.services.settings.database_url
    assert PHONE in readable_dump(database_url) and NAME in readable_dump(database_url)

    bot.say(user, "xóa dữ liệu của tôi")
    assert bot.say(user, "1")[0] == texts.ERASED
    readable = readable_dump(database_url)
    for value in (CCCD, PHONE, NAME):
        assert value not in readable, value  # not in the outbox to staff, the notice, the draft, the audit log
    assert code in readable  # the request stays counted


def test_zalo_display_names_are_sealed_and_found_by_any_spelling(bot):
    user = "resident-named-0042"
    bot.say(user, "xin chào")
    assert fill_member_names(bot.services) >= 1  # the stand-in names them «Người dùng 0042»
    code = walk(bot, "resident-typed", "tam_tru")  # types NAME (Trần Thị Bích Ngọc) in the form
    with bot.services.store.unit() as uow:
        assert uow.members.get(user).display_name == "Người dùng 0042"
        uow.requests.create("HT", "ho_tro", user, {}, None)
        uow.commit()
    assert "Người dùng 0042" not in plain_dump(bot.services.settings.database_url)

    add_staff(bot, "leader-1", "Nguyễn Văn Hòa", "leader")
    client = bot.app.test_client()
    assert login(client, "leader-1").status_code == 302
    typed_name = client.get("/admin/?q=tran thi bich ngoc").get_data(as_text=True)
    assert code in typed_name  # a name typed in the answers, found without its diacritics
    profile = client.get("/admin/?q=Nguoi Dung 0042").get_data(as_text=True)
    assert "HT-0001" in profile and code not in profile
    assert "HT-0001" not in client.get("/admin/?q=Nguoi Dung 9999").get_data(as_text=True)

    bot.say("resident-typed", "xóa dữ liệu của tôi")
    bot.say("resident-typed", "1")
    assert code not in client.get("/admin/?q=tran thi bich ngoc").get_data(as_text=True)


def test_erased_ciphertext_leaves_the_sqlite_file_and_its_wal(bot):
    database_url = bot.services.settings.database_url
    if not database_url.startswith("sqlite:///"):
        pytest.skip("the write-ahead log is SQLite's")
    user = "resident-wal"
    code = walk(bot, user, "tam_tru")
    with bot.services.store.unit() as uow:
        uow.members.set_identity(user, NAME, PHONE)
        uow.commit()
    sealed = _stored_ciphertexts(database_url, code, user)
    assert len(sealed) == 3
    bot.say(user, "xóa dữ liệu của tôi")
    assert bot.say(user, "1")[0] == texts.ERASED
    path = Path(database_url.removeprefix("sqlite:///"))
    files = {p.name: p.read_bytes() for p in path.parent.glob(path.name + "*")}
    for ciphertext in sealed:
        assert not any(ciphertext.encode() in content for content in files.values())


def _stored_ciphertexts(database_url: str, code: str, user: str) -> list[str]:
    """The sealed answers of the request and the member's sealed name and phone, as the file holds them."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    with engine.connect() as connection:  # plain SQL: the values as stored, not opened
        answers = connection.execute(text("SELECT answers FROM requests WHERE code = :code"), {"code": code}).scalar_one()
        name, phone = connection.execute(text("SELECT full_name, phone FROM members WHERE user_id = :user"),
                                         {"user": user}).one()
    engine.dispose()
    return [value for value in (answers, name, phone) if re.match(r"enc1:", value or "")]
