"""The household map from the leader's spreadsheet: CSV import with a report, export, sealed at rest."""
from __future__ import annotations

import csv
import io

from tests.test_personal_data import plain_dump

GOOD_AND_BAD = """Chủ hộ,Địa chỉ,Khu,Số tầng,Số người,Điện thoại
Nguyễn Văn Bình,Số 12 ngõ 5 Hoa Lư,Khu A,3,5,0912 345 678
Trần Thị Cúc,Số 14 ngõ 5 Hoa Lư,Khu A,2,4,
Lê Văn Dũng,số 12 NGÕ 5 hoa lư,Khu A,1,2,0987654321
Phạm Thị Em,Số 3 ngõ 7 Hoa Lư,Khu B,2,3,12345
Hoàng Văn Phúc,Số 9 ngõ 7 Hoa Lư,Khu B,hai,3,0976543210
,Số 11 ngõ 7 Hoa Lư,Khu B,2,3,
Vũ Thị Giang,Số 15 ngõ 7 Hoa Lư,Khu B,4,6,+84 868 123 456
"""


def run(bot, *args, data: bytes | None = None, tmp_path=None):
    runner = bot.app.test_cli_runner()
    if data is not None:
        path = tmp_path / "ho.csv"
        path.write_bytes(data)
        args = (*args, str(path))
    return runner.invoke(args=list(args))


def test_import_keeps_good_rows_and_says_why_each_bad_row_was_rejected(bot, tmp_path):
    database_url = bot.services.settings.database_url  # the database the bot runs on
    result = run(bot, "households", "import", data=GOOD_AND_BAD.encode("utf-8-sig"), tmp_path=tmp_path)
    assert result.exit_code == 0, result.output
    assert "3 households imported, 4 rows rejected." in result.output
    assert "line 4: duplicate address 'số 12 NGÕ 5 hoa lư'" in result.output
    assert "line 5: bad phone number '12345'" in result.output
    assert "line 6: floor count must be a whole number from 1 to 999, not 'hai'" in result.output
    assert "line 7: head of household and address are required" in result.output

    again = run(bot, "households", "import", data="Địa chỉ;Chủ hộ\nSố 14 ngõ 5 Hoa Lư;Trần Thị Cúc\n".encode(),
                tmp_path=tmp_path)
    assert "0 households imported, 1 rows rejected." in again.output and "duplicate address" in again.output

    exported = run(bot, "households", "export")
    assert exported.output.startswith("\ufeffChủ hộ,Địa chỉ,Khu,Số tầng,Số người,Điện thoại")
    rows = list(csv.DictReader(io.StringIO(exported.output.lstrip("\ufeff"))))
    assert [(r["Chủ hộ"], r["Điện thoại"]) for r in rows] == [
        ("Nguyễn Văn Bình", "0912345678"), ("Trần Thị Cúc", ""), ("Vũ Thị Giang", "0868123456")]
    dump = plain_dump(database_url)
    assert "0912345678" not in dump and "Số 12 ngõ 5 Hoa Lư" not in dump and "Nguyễn Văn Bình" not in dump
    with bot.services.store.unit() as uow:
        assert [e.action for e in uow.audit.latest()] == ["export_households", "import_households", "import_households"]


def test_a_file_with_wrong_columns_or_not_in_utf8_is_refused_whole(bot, tmp_path):
    wrong = run(bot, "households", "import", data="Tên,Nhà\nAn,Số 1\n".encode(), tmp_path=tmp_path)
    assert wrong.exit_code != 0 and "missing column(s): Chủ hộ, Địa chỉ" in wrong.output
    legacy = run(bot, "households", "import", tmp_path=tmp_path,
                 data="Chủ hộ,Địa chỉ\nNguyễn Văn Bình,Số 12 ngõ 5\n".encode("utf-16"))  # Excel «Unicode Text»
    assert legacy.exit_code != 0 and "not UTF-8" in legacy.output and "Nothing was imported" in legacy.output
    with bot.services.store.unit() as uow:
        assert uow.households.all() == []


def test_a_resident_registers_and_the_leader_confirms_them_into_their_household(bot, tmp_path):
    from bot import texts
    from tests.test_personal_data import ADDRESS, walk
    household_map = GOOD_AND_BAD + f"Đỗ Văn Hải,{ADDRESS.upper()},Khu C,2,3,\n"  # the address the walker types
    run(bot, "households", "import", data=household_map.encode(), tmp_path=tmp_path)
    bot.add_staff("leader-1", "Tổ trưởng Hòa", "leader")
    code = walk(bot, "new-neighbor", "dang_ky_thanh_vien")
    other = walk(bot, "stranger", "dang_ky_thanh_vien")
    assert not bot.say("stranger", f"duyệt {other}")[0].startswith("Đã xác nhận")  # residents cannot confirm

    said = bot.say("leader-1", f"Duyệt {code}")
    assert said[0] == texts.MEMBER_APPROVED.format(code=code, linked=", thuộc hộ của Đỗ Văn Hải")
    assert any(code in t and "Đã xong" in t for t in bot.inbox("new-neighbor"))
    assert bot.say("leader-1", f"duyet {code}")[0] == texts.MEMBER_ALREADY.format(code=code, status="Đã xong")
    assert bot.say("leader-1", f"từ chối {other}")[0] == texts.MEMBER_REJECTED.format(code=other)
    assert any(other in t and "Đã hủy" in t for t in bot.inbox("stranger"))
    with bot.services.store.unit() as uow:
        member = uow.members.get("new-neighbor")
        household = uow.households.get(member.household_id)
        assert household.head_name == "Đỗ Văn Hải" and member.household_role == "Chủ hộ"
        assert uow.members.get("stranger").household_id is None
