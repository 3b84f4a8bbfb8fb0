"""What `flask doctor` says, in English and in Vietnamese (LANG=vi…): a check's title, its finding and how to
mend it. Errors quoted from elsewhere (a setting, a file's line, Zalo's answer) stay as they are."""
from __future__ import annotations

from typing import Callable

EN = {
    "t_settings": "Settings", "t_start": "Start", "t_database": "Database", "t_data_key": "DATA_KEY",
    "t_zalo": "Zalo token", "t_staff": "Leader and roster", "t_procedures": "Procedure files",
    "t_webhook": "Webhook URL", "t_disk": "Disk", "t_backup": "Last back-up", "t_clock": "Clock",
    "settings_ok": "loaded: real Zalo OA {names}",
    "settings_sandbox": "sandbox mode: the built-in stand-in plays Zalo, no real OA is served",
    "settings_sandbox_mend": "set the real OA's ZALO_* settings (.env.example)",
    "settings_mend": "set or correct what it names in .env or the environment (.env.example explains each "
                     "setting), then run the doctor again",
    "start_fail": "the app does not start: {error}",
    "start_mend": "mend what the error says, then run the doctor again",
    "needs_database": "not checked: needs the database", "needs_key": "not checked: needs a valid DATA_KEY",
    "db_ok": "reachable, schema at {revision} (latest)",
    "db_no_file": "no database file at {path}",
    "db_no_file_mend": "create it: flask --app wsgi db upgrade (or correct DATABASE_URL)",
    "db_down": "cannot connect: {error}",
    "db_down_mend": "check DATABASE_URL and that the database server is running",
    "db_behind": "schema at {current}, this version expects {head}", "db_empty": "no schema yet (empty database)",
    "db_upgrade_mend": "run: flask --app wsgi db upgrade",
    "key_ok": "stored personal data opens ({count} values tried)",
    "key_ok_empty": "seals and opens (no personal data stored yet)",
    "key_malformed_mend": "correct DATA_KEY in .env: one or more Fernet keys, comma-separated",
    "key_wrong": "stored personal data does not open with DATA_KEY: it was written with another key",
    "key_wrong_mend": "set DATA_KEY back to the key the data was written with (to change keys, put the new "
                      "one first and keep the old one after a comma)",
    "zalo_ok": "valid, expires in {hours} h ({at} Vietnam time); the bot renews it before then",
    "zalo_sandbox": "sandbox mode: no real Zalo to ask",
    "zalo_refused": "Zalo refused the token and its renewal ({error})",
    "zalo_refused_mend": "an OA admin authorises the app again on developers.zalo.me (API Explorer: a new "
                        "access and refresh token)",
    "zalo_renewal_failed": "valid now, but its last renewal failed ({error})",
    "zalo_down": "Zalo did not answer ({error})",
    "zalo_down_mend": "check this server's internet access (HTTPS_PROXY behind a proxy) and ZALO_API_BASE",
    "zalo_other": "the token was accepted, but the test call got error {error}",
    "staff_ok": "{leaders} leader(s), {volunteers} volunteer(s), {shifts} shift(s) on the roster",
    "staff_no_leader": "no leader: a resident asking for a person reaches nobody",
    "staff_no_leader_mend": "flask --app wsgi staff add --zalo-id <id> --name <name> --role leader{oa}",
    "staff_no_roster": "{leaders} leader(s), nobody on the roster: every «gặp người» goes to the leaders",
    "staff_no_roster_mend": "flask --app wsgi roster add --zalo-id <id> --part sang{oa}",
    "procedures_ok": "{count} procedures valid",
    "procedures_notes": "{count} procedures valid, {notes} to look at (flask --app wsgi procedures check)",
    "procedures_bad_mend": "fix that line, then check with: flask --app wsgi procedures check",
    "procedures_unreviewed": "never reviewed against the law: {ids}",
    "procedures_unreviewed_mend": "check them and set reviewed_on (docs/procedures.md)",
    "webhook_ok": "set the OA's webhook to {url} (developers.zalo.me, the app's Webhook page)",
    "webhook_sandbox": "sandbox: the stand-in posts to http://{host}:{port}/zalo/webhook",
    "webhook_unknown": "DASHBOARD_URL is not set, so the public address is unknown",
    "webhook_unknown_mend": "set DASHBOARD_URL=https://<domain>/admin; the webhook is then "
                            "https://<domain>/zalo/webhook",
    "webhook_http": "Zalo posts only to https, and DASHBOARD_URL gives {url}",
    "webhook_http_mend": "put Caddy or nginx with a certificate in front and set DASHBOARD_URL=https://<domain>/admin",
    "disk_ok": "{free} GiB free of {total} GiB ({percent} %) where the database lives",
    "disk_low": "only {free} GiB free of {total} GiB ({percent} %) in {folder}",
    "disk_low_mend": "free some space or grow the disk: when it fills, writes and back-ups fail",
    "disk_postgres": "PostgreSQL: its server's disk is not visible from here",
    "backup_ok": "{name}, {age} old", "backup_old": "the newest, {name}, is {age} old",
    "backup_none": "none in {folder}", "backup_failed": "the last try failed: {error}",
    "backup_mend": "make one: flask --app wsgi db backup (BACKUP_NIGHTLY=1 makes one every night)",
    "hours": "{n} h", "days": "{n} days",
    "clock_ok": "this machine: {machine} (UTC{offset}); the bot counts in Asia/Ho_Chi_Minh: {vietnam}",
    "clock_no_zone": "the time zone database has no Asia/Ho_Chi_Minh",
    "clock_no_zone_mend": "install it: apt-get install tzdata (or pip install tzdata)",
    "all_ok": "All checks passed.", "all_ok_warnings": "All checks passed, {warns} warning(s).",
    "problems": "{fails} problem(s), {warns} warning(s).",
}

VI = {
    "t_settings": "Cấu hình", "t_start": "Khởi động", "t_database": "Cơ sở dữ liệu", "t_data_key": "DATA_KEY",
    "t_zalo": "Token Zalo", "t_staff": "Tổ trưởng và lịch trực", "t_procedures": "Tệp thủ tục",
    "t_webhook": "Địa chỉ webhook", "t_disk": "Ổ đĩa", "t_backup": "Bản sao lưu gần nhất", "t_clock": "Đồng hồ",
    "settings_ok": "đọc được: OA Zalo thật {names}",
    "settings_sandbox": "chế độ thử (sandbox): Zalo giả lập, chưa phục vụ OA thật nào",
    "settings_sandbox_mend": "đặt các biến ZALO_* của OA thật (xem .env.example)",
    "settings_mend": "đặt hoặc sửa biến được nêu trong .env hoặc biến môi trường (.env.example giải thích "
                     "từng biến), rồi chạy lại doctor",
    "start_fail": "ứng dụng không khởi động được: {error}",
    "start_mend": "sửa theo thông báo lỗi, rồi chạy lại doctor",
    "needs_database": "chưa kiểm tra: cần cơ sở dữ liệu", "needs_key": "chưa kiểm tra: cần DATA_KEY hợp lệ",
    "db_ok": "kết nối được, lược đồ ở {revision} (mới nhất)",
    "db_no_file": "chưa có tệp cơ sở dữ liệu {path}",
    "db_no_file_mend": "tạo bằng: flask --app wsgi db upgrade (hoặc sửa DATABASE_URL)",
    "db_down": "không kết nối được: {error}",
    "db_down_mend": "kiểm tra DATABASE_URL và máy chủ cơ sở dữ liệu có đang chạy không",
    "db_behind": "lược đồ ở {current}, phiên bản này cần {head}", "db_empty": "chưa có lược đồ (cơ sở dữ liệu trống)",
    "db_upgrade_mend": "chạy: flask --app wsgi db upgrade",
    "key_ok": "mở được dữ liệu cá nhân đã lưu (đã thử {count} giá trị)",
    "key_ok_empty": "mã hóa và mở lại được (chưa lưu dữ liệu cá nhân nào)",
    "key_malformed_mend": "sửa DATA_KEY trong .env: một hoặc nhiều khóa Fernet, cách nhau bằng dấu phẩy",
    "key_wrong": "không mở được dữ liệu cá nhân đã lưu bằng DATA_KEY: dữ liệu được ghi bằng khóa khác",
    "key_wrong_mend": "đặt lại DATA_KEY là khóa đã dùng khi ghi dữ liệu (muốn đổi khóa: khóa mới trước, "
                      "giữ khóa cũ sau dấu phẩy)",
    "zalo_ok": "hợp lệ, hết hạn sau {hours} giờ ({at} giờ Việt Nam); bot tự gia hạn trước đó",
    "zalo_sandbox": "chế độ thử: không có Zalo thật để hỏi",
    "zalo_refused": "Zalo từ chối token và cả lần gia hạn ({error})",
    "zalo_refused_mend": "quản trị viên OA cấp quyền lại cho ứng dụng trên developers.zalo.me (API Explorer: "
                         "access token và refresh token mới)",
    "zalo_renewal_failed": "đang hợp lệ, nhưng lần gia hạn gần nhất bị lỗi ({error})",
    "zalo_down": "Zalo không trả lời ({error})",
    "zalo_down_mend": "kiểm tra kết nối Internet của máy chủ (HTTPS_PROXY nếu đi qua proxy) và ZALO_API_BASE",
    "zalo_other": "token được chấp nhận, nhưng lệnh gọi thử bị lỗi {error}",
    "staff_ok": "{leaders} tổ trưởng, {volunteers} tình nguyện viên, {shifts} ca trực",
    "staff_no_leader": "chưa có tổ trưởng: người dân xin gặp người sẽ không có ai nhận",
    "staff_no_leader_mend": "flask --app wsgi staff add --zalo-id <id> --name <tên> --role leader{oa}",
    "staff_no_roster": "{leaders} tổ trưởng, chưa ai có ca trực: mọi yêu cầu «gặp người» đều tới tổ trưởng",
    "staff_no_roster_mend": "flask --app wsgi roster add --zalo-id <id> --part sang{oa}",
    "procedures_ok": "{count} thủ tục hợp lệ",
    "procedures_notes": "{count} thủ tục hợp lệ, {notes} điều cần xem (flask --app wsgi procedures check)",
    "procedures_bad_mend": "sửa dòng đó, rồi kiểm tra: flask --app wsgi procedures check",
    "procedures_unreviewed": "chưa ai đối chiếu với văn bản pháp luật: {ids}",
    "procedures_unreviewed_mend": "đối chiếu rồi ghi reviewed_on (docs/procedures.md)",
    "webhook_ok": "đặt webhook của OA là {url} (developers.zalo.me, trang Webhook của ứng dụng)",
    "webhook_sandbox": "chế độ thử: Zalo giả lập gửi tới http://{host}:{port}/zalo/webhook",
    "webhook_unknown": "chưa đặt DASHBOARD_URL nên chưa biết địa chỉ công khai",
    "webhook_unknown_mend": "đặt DASHBOARD_URL=https://<tên miền>/admin; webhook khi đó là "
                            "https://<tên miền>/zalo/webhook",
    "webhook_http": "Zalo chỉ gửi tới địa chỉ https, mà DASHBOARD_URL là {url}",
    "webhook_http_mend": "đặt Caddy hoặc nginx có chứng chỉ phía trước và DASHBOARD_URL=https://<tên miền>/admin",
    "disk_ok": "còn trống {free} GiB / {total} GiB ({percent} %) nơi chứa cơ sở dữ liệu",
    "disk_low": "chỉ còn trống {free} GiB / {total} GiB ({percent} %) ở {folder}",
    "disk_low_mend": "dọn bớt hoặc nới rộng ổ đĩa: khi đầy, việc ghi dữ liệu và sao lưu sẽ lỗi",
    "disk_postgres": "PostgreSQL: không xem được ổ đĩa của máy chủ cơ sở dữ liệu từ đây",
    "backup_ok": "{name}, cách đây {age}", "backup_old": "bản mới nhất, {name}, đã cũ {age}",
    "backup_none": "chưa có bản nào trong {folder}", "backup_failed": "lần sao lưu gần nhất bị lỗi: {error}",
    "backup_mend": "tạo một bản: flask --app wsgi db backup (BACKUP_NIGHTLY=1: tự sao lưu mỗi đêm)",
    "hours": "{n} giờ", "days": "{n} ngày",
    "clock_ok": "máy này: {machine} (UTC{offset}); bot tính theo giờ Asia/Ho_Chi_Minh: {vietnam}",
    "clock_no_zone": "cơ sở dữ liệu múi giờ thiếu Asia/Ho_Chi_Minh",
    "clock_no_zone_mend": "cài đặt: apt-get install tzdata (hoặc pip install tzdata)",
    "all_ok": "Mọi kiểm tra đều ổn.", "all_ok_warnings": "Mọi kiểm tra đều ổn, {warns} cảnh báo.",
    "problems": "{fails} lỗi, {warns} cảnh báo.",
}

TEXTS = {"en": EN, "vi": VI}
Say = Callable[..., str]


def speaker(language: str) -> Say:
    """say(key, **values): the text of `key` in `language` ("vi" or "en"), filled in."""
    table = TEXTS.get(language, EN)

    def say(key: str, **values) -> str:
        return table[key].format(**values)

    return say
