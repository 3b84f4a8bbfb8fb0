"""Every sentence of the staff dashboard (/admin). Vietnamese, with diacritics."""

APP_TITLE = "Tổ dân phố điện tử"
DASHBOARD = "Bảng điều hành"
SANDBOX_BANNER = "CHẾ ĐỘ THỬ NGHIỆM (sandbox) — không kết nối Zalo thật"
ROLES = {"leader": "Tổ trưởng", "volunteer": "Tình nguyện viên"}

# --- Navigation and login ----------------------------------------------------------------------
NAV_REQUESTS = "Yêu cầu"
NAV_STATS = "Thống kê"
NAV_AUDIT = "Nhật ký truy cập"
NAV_GROUPS = "Nhóm"
LOGOUT = "Đăng xuất"
LOGIN_TITLE = "Đăng nhập"
LOGIN_INTRO = "Dành cho tổ trưởng và tình nguyện viên của tổ dân phố."
LOGIN_ACCOUNT = "Tài khoản (Zalo ID hoặc họ tên)"
LOGIN_PASSWORD = "Mật khẩu"
LOGIN_BUTTON = "Đăng nhập"
LOGIN_OA = "Tổ dân phố"
LOGIN_CHOOSE_OA = "Vui lòng chọn tổ dân phố của bạn."
LOGIN_WRONG = "Sai tài khoản hoặc mật khẩu."
LOGIN_LOCKED = "Bạn đã nhập sai nhiều lần. Vui lòng chờ {seconds} giây rồi thử lại."
LOGIN_REQUIRED = "Bạn cần đăng nhập để xem trang này."
LOGGED_OUT = "Bạn đã đăng xuất."
LOGIN_BAD_NEXT = "Địa chỉ trang cần mở sau khi đăng nhập không hợp lệ. Bạn đăng nhập từ trang này nhé."

# --- Errors --------------------------------------------------------------------------------------
ERROR_TITLE = "Có lỗi"
CSRF_FAILED = "Biểu mẫu đã hết hạn hoặc không hợp lệ. Bạn tải lại trang rồi thử lại nhé."
FORBIDDEN_TITLE = "Không có quyền truy cập"
FORBIDDEN = "Yêu cầu này đã giao cho người khác, hoặc việc này chỉ tổ trưởng được làm."
NOT_FOUND_TITLE = "Không tìm thấy"
NOT_FOUND = "Không có trang hoặc yêu cầu này. Bạn xem lại mã hồ sơ nhé."
BAD_REQUEST = "Dữ liệu gửi lên không hợp lệ."
NOT_BY_LINK = "Muốn tải danh sách, bạn bấm nút «Tải CSV» hoặc «Tải Excel» trên trang danh sách yêu cầu."
NOT_AS_A_PAGE = "Trang này chỉ mở được khi bạn bấm vào nó trên bảng điều hành."
BACK_TO_LIST = "Về danh sách yêu cầu"

# --- Request list and filters ---------------------------------------------------------------------
LIST_TITLE = "Danh sách yêu cầu"
LIST_COUNT = "{n} yêu cầu"
LIST_LIMITED = "Chỉ hiện {n} yêu cầu mới nhất; bạn lọc hẹp hơn hoặc tải file về để xem hết."
LIST_EMPTY = "Không có yêu cầu nào khớp bộ lọc."
FILTER_KIND = "Loại việc"
FILTER_STATUS = "Trạng thái"
FILTER_CHANNEL = "Cách nộp"
FILTER_ASSIGNEE = "Người phụ trách"
FILTER_FROM = "Từ ngày"
FILTER_TO = "Đến ngày"
FILTER_SEARCH = "Tìm theo mã hoặc tên"
FILTER_SEARCH_HINT = "Ví dụ: KS-0001 hoặc Nguyễn"
FILTER_ALL = "Tất cả"
FILTER_UNASSIGNED = "Chưa giao ai"
FILTER_MINE = "Của tôi"
FILTER_BUTTON = "Lọc"
FILTER_CLEAR = "Xóa lọc"
FILTER_BAD_DATE = ("Ô «{field}»: ngày «{value}» không dùng được. Bạn chọn một ngày có thật, theo dạng "
                   "ngày/tháng/năm (ví dụ 03/12/2026).")
EXPORT_CSV = "Tải CSV"
EXPORT_XLSX = "Tải Excel"

# --- Columns (list page and export files) ------------------------------------------------------------
COL_CODE = "Mã"
COL_KIND = "Loại việc"
COL_STATUS = "Trạng thái"
COL_CHANNEL = "Cách nộp"
COL_CREATED = "Thời gian tạo"
COL_RESIDENT = "Cư dân"
COL_ASSIGNEE = "Người phụ trách"
COL_ANSWERS = "Nội dung"
COL_OTHER_ANSWERS = "Nội dung khác"  # answers the procedure file no longer asks (one-procedure exports)
NO_CHANNEL = "Không chọn"
AGE_NOW = "vừa xong"
AGE_MINUTES = "{n} phút trước"
AGE_HOURS = "{n} giờ trước"
AGE_DAYS = "{n} ngày trước"
NOBODY = "Chưa giao"
EMPTY_ANSWER = "—"
EXPORT_SHEET = "Yêu cầu"

# --- One request ------------------------------------------------------------------------------------------
REQUEST_TITLE = "Hồ sơ {code}"
ANSWERS_TITLE = "Thông tin cư dân đã khai"
ANSWERS_NONE = "Yêu cầu này không có câu trả lời nào."
PHOTO_OPEN = "Mở ảnh"
TRANSCRIPT_TITLE = "Trò chuyện về yêu cầu này"
TRANSCRIPT_FROM_START = "Từ tin nhắn đầu tiên của cư dân"
TRANSCRIPT_SINCE = "Từ {at} (lúc cư dân gửi yêu cầu trước)"
TRANSCRIPT_UNTIL = "đến {at}."
TRANSCRIPT_ONGOING = "đến nay (cư dân vẫn đang được hỗ trợ)."
TRANSCRIPT_NOTE = "{n} tin nhắn giữa cư dân và tổ (cũ trước, mới sau)."
OLDER_LINK = "Xem tin nhắn cũ hơn"
OLDER_NOTE = "(những lần trò chuyện trước; mỗi lần xem được ghi vào nhật ký truy cập)"
OLDER_TITLE = "Tin nhắn cũ hơn · {code}"
OLDER_INTRO = ("Tin nhắn của {resident} trước cuộc trò chuyện về yêu cầu này (tối đa 100 tin gần nhất). "
               "Lần xem này đã được ghi vào nhật ký truy cập.")
TRANSCRIPT_NONE = "Chưa có tin nhắn nào."
FROM_RESIDENT = "Cư dân"
FROM_BOT = "Tổ dân phố"
NOT_SENT = "(chưa gửi được)"
ATTACHMENT_IMAGE = "[ảnh]"
ATTACHMENT_IMAGE_ADDRESS = "[ảnh không hiện vì không nằm trên máy chủ của Zalo] {url}"
ATTACHMENT_LOCATION = "[vị trí] {lat}, {lng}"
MAP_LINK_TEXT = "Vị trí đã gửi (xem bản đồ)"
ATTACHMENT_LOCATION_AS_SENT = "[vị trí] {value}"
ATTACHMENT_STICKER = "[nhãn dán]"
ATTACHMENT_OTHER = "[tin nhắn không phải chữ]"
STATUS_FORM = "Đổi trạng thái"
STATUS_BUTTON = "Cập nhật trạng thái"
STATUS_TOLD = "Đã đổi trạng thái. Tổ đang nhắn báo cư dân."
STATUS_HELD = "Đã đổi trạng thái. Cư dân quá 7 ngày chưa nhắn tin, sẽ nhận thông báo khi nhắn lại."
STATUS_SAME = "Trạng thái không thay đổi."
ASSIGN_FORM = "Giao cho"
ASSIGN_BUTTON = "Giao việc"
ASSIGNED = "Đã giao việc."
NOTE_FORM = "Ghi chú nội bộ (cư dân không thấy)"
NOTE_BUTTON = "Lưu ghi chú"
NOTE_SAVED = "Đã lưu ghi chú."
NOTE_EMPTY = "Ghi chú đang trống."
HISTORY_TITLE = "Lịch sử xử lý"
HISTORY_NONE = "Chưa có thay đổi nào."
HISTORY_KINDS = {"created": "Tạo yêu cầu", "status": "Đổi trạng thái", "assignee": "Giao việc",
                 "note": "Ghi chú", "reopened": "Cư dân mở lại", "claimed": "Nhận hỗ trợ", "rating": "Cư dân chấm"}
HISTORY_CHANGE = "{old} → {new}"

# --- Statistics --------------------------------------------------------------------------------------
STATS_TITLE = "Thống kê 12 tháng gần nhất"
STATS_TOTAL = "Tổng cộng {n} yêu cầu."
STATS_BY_KIND = "Theo loại việc"
STATS_BY_CHANNEL = "Theo cách nộp"
STATS_BY_STATUS = "Theo trạng thái"
STATS_MONTH = "Tháng"
STATS_SUM = "Tổng"
STATS_EMPTY = "Chưa có yêu cầu nào trong 12 tháng qua."
STATS_CHART_LABEL = "Biểu đồ số yêu cầu mỗi tháng, {title}"
STATS_TABLE_NOTE = "Bảng số liệu (kéo ngang để xem hết):"
HANDOFF_STATS_TITLE = "Cư dân nhắn «gặp người»"
HANDOFF_STATS_NOTE = ("Bot hẹn cư dân có người nhắn lại trong ít phút: ở đây tính là {minutes} phút kể từ lúc báo "
                      "người trực (quá thời gian đó, bot nhắc tổ trưởng). Điểm cư dân chấm sau khi được hỗ trợ: "
                      "{scale}.")
HANDOFF_STATS_EMPTY = "Chưa có cư dân nào nhắn «gặp người» trong 12 tháng qua."
HANDOFF_ASKED = "Số lượt"
HANDOFF_IN_TIME = "Nhận trong {minutes} phút"
HANDOFF_SHARE = "{n}/{of} ({percent}%)"
HANDOFF_RATED = "Lượt chấm"
HANDOFF_AVERAGE = "Điểm TB (1–3)"

# Audit log (leaders only)
AUDIT_TITLE = "Nhật ký truy cập dữ liệu cá nhân"
AUDIT_NOTE = "Mỗi lần cán bộ mở một hồ sơ hoặc xuất danh sách đều được ghi lại ở đây (200 lần gần nhất)."
AUDIT_EMPTY = "Chưa có ai mở hồ sơ hay xuất danh sách."
AUDIT_COL_AT, AUDIT_COL_WHO, AUDIT_COL_ACTION, AUDIT_COL_TARGET = "Thời gian", "Cán bộ", "Việc", "Nội dung"
AUDIT_ACTIONS = {"view_request": "Xem hồ sơ", "export_csv": "Xuất CSV", "export_xlsx": "Xuất Excel",
                 "import_households": "Nhập danh sách hộ", "export_households": "Xuất danh sách hộ",
                 "view_group": "Xem thành viên nhóm", "view_older_messages": "Xem tin nhắn cũ"}
AUDIT_EXPORT_TARGET = "{n} hồ sơ; bộ lọc: {filters}"

# Member groups (leaders only)
GROUPS_TITLE = "Nhóm thành viên"
GROUPS_NOTE = ("Nhóm dùng để gửi thông báo cho một phần cư dân («khu A», «người cao tuổi»). "
               "Nhóm cũng được ghi thành nhãn (tag) trên Zalo OA.")
GROUPS_EMPTY = "Chưa có nhóm nào. Tạo nhóm bằng cách thêm người vào ô dưới đây."
GROUPS_COL_NAME, GROUPS_COL_COUNT = "Nhóm", "Số người"
GROUP_ADD_TITLE = "Thêm người vào nhóm"
GROUP_NAME_LABEL = "Tên nhóm"
GROUP_PEOPLE_LABEL = "Số điện thoại đã đăng ký, mã đăng ký (DKTV-…) hoặc Zalo id; mỗi người một dòng"
GROUP_ADD_BUTTON = "Thêm vào nhóm"
GROUP_BACK = "← Các nhóm"
GROUP_COUNT = "{count} người"
GROUP_COL_NAME, GROUP_COL_PHONE, GROUP_COL_FOLLOW = "Họ tên", "Điện thoại", "Theo dõi OA"
GROUP_FOLLOWING, GROUP_LEFT = "Đang theo dõi", "Đã bỏ theo dõi"
GROUP_REMOVE_BUTTON = "Bỏ khỏi nhóm"
GROUP_EMPTY = "Nhóm chưa có ai."
GROUP_DELETE_TITLE = "Xóa nhóm"
GROUP_DELETE_CONFIRM = "Tôi muốn xóa nhóm này (thông báo đã gửi vẫn được giữ)"
GROUP_DELETE_BUTTON = "Xóa nhóm"
GROUP_ADDED = "Đã thêm {added} người vào nhóm «{name}»."
GROUP_NOT_FOUND = "Không tìm thấy: {missing}. Người đó cần đăng ký thành viên trước."
GROUP_NEEDS_NAME = "Cần ghi tên nhóm."
GROUP_NEEDS_PEOPLE = "Cần ghi ít nhất một số điện thoại, mã đăng ký hoặc Zalo id."
GROUP_REMOVED = "Đã bỏ {name} khỏi nhóm."
GROUP_DELETED = "Đã xóa nhóm «{name}» ({count} người)."
GROUP_DELETE_NEEDS_CONFIRM = "Hãy đánh dấu ô xác nhận trước khi xóa nhóm."
URGENT = "KHẨN CẤP"
# Answers no procedure step names: an emergency's and a call back's
ANSWER_LABELS = {"loai": "Loại khẩn cấp", "tin_nhan": "Cư dân nhắn", "vi_tri": "Vị trí", "goi_lai": "Xin gọi lại",
                 "tin_nhan_thoai": "Tin nhắn thoại", "procedure": "Đang làm thủ tục"}
# --- Dashboard sessions (bot/admin/sessions.py) ----------------------------------------------------
SESSION_ENDED = ("Phiên đăng nhập đã kết thúc (đã đăng xuất, mật khẩu vừa đổi, hoặc lâu không dùng). "
                 "Bạn đăng nhập lại nhé.")
# --- Proof when done, and the resident's rating (issue 28) ------------------------------------------
PROOF_TITLE = "Khi đóng"
PROOF_PHOTO = "Ảnh khi xong (nếu đóng)"
PROOF_NOTE = "Ghi chú gửi người dân (nếu đóng)"
PROOF_HINT = "Chỉ dùng khi chọn «Đã xong»: người dân nhận ảnh và ghi chú kèm tin báo xong."
PROOF_BY = "{who}, {at}"
PROOF_NONE = "Đóng không kèm ảnh/ghi chú"
PROOF_PHOTO_ALT = "Ảnh khi xử lý xong"
PROOF_RATING = "Người dân chấm: {score} ({label})"
PROOF_NOT_RATED = "Người dân chưa chấm."
PROOF_PHOTO_TOO_BIG = "Ảnh quá lớn: Zalo nhận ảnh JPG/PNG đến 1 MB. Bạn chọn ảnh nhỏ hơn nhé."
PROOF_PHOTO_NOT_IMAGE = "Chỉ gửi được ảnh JPG hoặc PNG."
PROOF_UPLOAD_FAILED = "Chưa gửi được ảnh lên Zalo. Trạng thái chưa đổi; bạn thử lại sau nhé."
REPORT_RATING_TITLE = "Người dân chấm việc đã xong"
REPORT_RATING_NOTE = "Theo tháng đóng việc. Mỗi ô: số lượt chấm, điểm trung bình ({scale})."
REPORT_RATING_EMPTY = "Chưa có ai chấm."
REPORT_RATING_CELL = "{n} lượt, TB {average}"
# --- Promised times (bot/flows/promises.py): the list, the request page, statistics ---------------------
PROMISE_MARKS = {"overdue": "Quá hạn hẹn", "near": "Sắp đến hạn"}
PROMISE_DUE = "Hẹn trả lời trước {due}"
PROMISE_LABEL = "Hẹn trả lời trước"
PROMISE_STATS_TITLE = "Trả lời đúng hẹn"
PROMISE_STATS_NOTE = ("Yêu cầu có hẹn trả lời, theo tháng gửi. «Trả lời» là lần đầu một người chuyển khỏi «Mới» "
                      "hoặc giao việc. Chưa tính những yêu cầu chưa đến hạn mà chưa ai trả lời.")
PROMISE_STATS_MONTH = "Tháng"
PROMISE_STATS_SHARE = "Đúng hẹn"
PROMISE_STATS_EMPTY = "Chưa có yêu cầu nào có hẹn trả lời."
# --- Reports of the same thing, anonymous reports (issue 28) -----------------------------------------
ANONYMOUS = "Ẩn danh"
FOLLOWERS_TITLE = "Người cùng báo"
FOLLOWERS_COUNT = "{n} người theo dõi việc này (báo cùng việc, không gửi phản ánh riêng); họ được báo khi đổi trạng thái."
# --- The notice board: announcements on the dashboard (issue 27; bot/admin/notices.py, notice_compose.py) ---
NAV_NOTICES = "Thông báo"
NOTICES_TITLE = "Thông báo của tổ"
NOTICES_NOTE = ("Mọi thông báo đã soạn trong Zalo, bằng dòng lệnh hay ở đây, mới nhất trước. «Chờ 7 ngày»: "
                "cư dân quá 7 ngày chưa nhắn tin cho OA, sẽ nhận khi họ nhắn lại.")
NOTICES_EMPTY = "Chưa có thông báo nào."
NOTICES_NEW = "Soạn thông báo"
NOTICE_TITLE = "Thông báo #{id}"
NOTICE_BACK = "← Các thông báo"
NOTICE_ALL_MEMBERS = "Tất cả thành viên"
NOTICE_ZALO_GROUPS = "nhóm Zalo của tổ ({n})"
NOTICE_URGENT = "Khẩn"
NOTICE_COL_TEXT, NOTICE_COL_TARGETS, NOTICE_COL_STATUS = "Nội dung", "Gửi tới", "Trạng thái"
NOTICE_COL_WHEN, NOTICE_COL_NUMBERS, NOTICE_COL_SIGNUP = "Thời gian", "Kết quả", "Đăng ký"
NOTICE_WHEN = {"draft": "Soạn lúc {at}", "scheduled": "Sẽ gửi lúc {at}", "sending": "Bắt đầu gửi {at}",
               "done": "Gửi xong {at}", "cancelled": "Soạn lúc {at}"}
NOTICE_NUMBERS = (("sent", "Đã nhận"), ("waiting", "Chờ 7 ngày"), ("opted_out", "Đã tắt nhận tin"),
                  ("failed", "Không gửi được"), ("in_progress", "Đang gửi"))
NOTICE_REASON = "{count} người: {reason}"
NOTICE_SIGNUP_NUMBERS = "Tham gia: {going} ({people} người) · Chờ: {waiting} · Còn chỗ: {left}"
NOTICE_NO_LIMIT = "không giới hạn"
NOTICE_BY, NOTICE_BY_CLI = "Người soạn", "Dòng lệnh"
NOTICE_AS_SENT = "Cư dân nhận được"
NOTICE_TO_BE_SENT = "Cư dân sẽ nhận được"
NOTICE_PHOTO_ALT = "Ảnh kèm thông báo"
NOTICE_BUTTONS = "Nút bấm:"
NOTICE_CANCEL = "Hủy thông báo"
NOTICE_PEOPLE_TITLE = "Chưa nhận được"
NOTICE_PEOPLE_NOTE = "Tên như đã đăng ký, số điện thoại che bớt. Mỗi lần xem trang này được ghi vào nhật ký truy cập."
NOTICE_PEOPLE_NONE = "Mọi người đã nhận được."
NOTICE_PEOPLE_STATUS = {"pending": "chưa gửi", "queued": "đang gửi", "waiting": "chờ cư dân nhắn tin (quá 7 ngày)",
                        "failed": "không gửi được", "opted_out": "đã tắt nhận tin"}
NOTICE_COL_NAME, NOTICE_COL_PHONE, NOTICE_COL_WHY = "Họ tên", "Điện thoại", "Tình trạng"
SIGNUP_TITLE = "Đăng ký tham gia"
SIGNUP_EVENT = "«{title}», {when}."
SIGNUP_LIMIT = "Tối đa {limit} người."
SIGNUP_NONE = "Chưa ai trả lời."
SIGNUP_COL_NO, SIGNUP_COL_PEOPLE, SIGNUP_COL_STATUS, SIGNUP_COL_AT = "STT", "Số người", "Trạng thái", "Trả lời lúc"
SIGNUP_STATUS = {"going": "Tham gia", "waiting": "Danh sách chờ", "cancelled": "Đã hủy", "declined": "Không tham gia"}
SIGNUP_POSITION = "Danh sách chờ (thứ {n})"
SIGNUP_SHEET = "Đăng ký"
SIGNUPS_NOT_BY_LINK = "Muốn tải danh sách đăng ký, bạn bấm nút «Tải CSV» hoặc «Tải Excel» trên trang thông báo."
COMPOSE_TITLE = "Soạn thông báo"
COMPOSE_TEXT = "Nội dung thông báo"
COMPOSE_COUNT = "{n}/{limit} ký tự"
COMPOSE_COUNT_NOTE = "Zalo nhận tối đa 2.000 ký tự mỗi tin, kể cả dòng «{header}» ở đầu."
COMPOSE_PHOTO = "Ảnh kèm theo (không bắt buộc; JPG hoặc PNG, tối đa 1 MB)"
COMPOSE_PHOTO_KEPT = "Ảnh đã chọn:"
COMPOSE_PHOTO_DROP = "Bỏ ảnh này"
COMPOSE_PHOTO_AGAIN = "Ảnh chưa được lưu: bạn chọn lại ảnh nhé."
COMPOSE_GROUPS = "Gửi tới nhóm"
COMPOSE_GROUPS_NOTE = "Không chọn nhóm nào: gửi tới tất cả thành viên ({members} người, {at_once} người nhận ngay)."
COMPOSE_GROUP_REACH = "{members} người, {at_once} người nhận ngay"
COMPOSE_REACH_NOTE = "«Nhận ngay»: đã nhắn tin cho OA trong 7 ngày qua; những người khác nhận khi họ nhắn lại."
COMPOSE_ZALO_NOTE = "Thông báo cho tất cả thành viên cũng được đăng vào nhóm Zalo của tổ."
COMPOSE_NO_GROUPS = "Chưa có nhóm nào: thông báo gửi tới tất cả thành viên ({members} người, {at_once} người nhận ngay)."
COMPOSE_URGENT = "Khẩn: gửi cả trong giờ nghỉ đêm"
COMPOSE_SEND_AT = "Giờ gửi (để trống: gửi ngay khi bấm «Gửi ngay»)"
COMPOSE_SIGNUP = "Cho cư dân đăng ký tham gia"
COMPOSE_SIGNUP_TITLE = "Tên sự kiện (cư dân đọc thấy)"
COMPOSE_EVENT_AT = "Ngày giờ diễn ra"
COMPOSE_LIMIT = "Số người tối đa (để trống: không giới hạn)"
COMPOSE_BUTTON = "Xem trước"
COMPOSE_ERRORS = {
    "empty": "Thông báo chưa có nội dung.",
    "too_long": "Thông báo dài {n} ký tự, quá {over} ký tự: Zalo nhận tối đa {limit} ký tự sau dòng «{header}». "
                "Bạn rút gọn bớt nhé.",
    "unknown_group": "Không còn nhóm «{name}». Bạn chọn lại nhóm nhé.",
    "bad_send_at": "Giờ gửi «{value}» không đúng dạng. Bạn chọn ngày giờ trong ô nhé.",
    "past_send_at": "Giờ gửi {when:%H:%M %d/%m/%Y} đã qua. Bạn chọn giờ sau bây giờ, hoặc để trống để gửi ngay.",
    "no_title": "Cần ghi tên sự kiện để cư dân đăng ký.",
    "long_title": "Tên sự kiện dài quá: tối đa {limit} ký tự.",
    "no_event": "Cần chọn ngày giờ diễn ra sự kiện.",
    "bad_event": "Ngày giờ sự kiện «{value}» không đúng dạng. Bạn chọn trong ô nhé.",
    "past_event": "Sự kiện lúc {when:%H:%M %d/%m/%Y} đã qua. Bạn chọn ngày giờ sắp tới nhé.",
    "event_before_send": "Sự kiện ({event:%H:%M %d/%m/%Y}) phải diễn ra sau giờ gửi thông báo ({send:%H:%M %d/%m/%Y}).",
    "bad_limit": "Số người tối đa «{value}» không dùng được: ghi một số từ 1 đến {most}, hoặc để trống.",
}
COMPOSE_UPLOAD_FAILED = "Chưa gửi được ảnh lên Zalo nên thông báo chưa được lưu. Bạn thử lại sau nhé."
COMPOSE_NOT_DRAFT = "Thông báo #{id} không còn là bản nháp (đã gửi, đã hẹn giờ hoặc đã hủy)."
PREVIEW_TITLE = "Xem trước thông báo #{id}"
PREVIEW_NOTE = "Đây là bản nháp: cư dân chưa nhận được gì. Bạn chọn gửi ngay, hẹn giờ, sửa hoặc hủy."
PREVIEW_REACH = "Sẽ gửi tới: {reach}."
PREVIEW_AT_ONCE = "{at_once} người nhận ngay; những người còn lại nhận khi họ nhắn tin cho OA."
PREVIEW_QUIET = "Bây giờ là giờ nghỉ đêm nên thông báo sẽ đi lúc {when} (muốn gửi cả ban đêm, bấm «Sửa» và chọn «Khẩn»)."
PREVIEW_SEND = "Gửi ngay"
PREVIEW_SCHEDULE = "Hẹn giờ"
PREVIEW_SCHEDULE_AT = "Gửi lúc"
PREVIEW_EDIT = "Sửa"
PREVIEW_CANCEL = "Hủy"
NOTICE_SENDING = "Đang gửi thông báo #{id}. Số liệu trên trang này cập nhật khi cư dân nhận được."
NOTICE_SCHEDULED = "Đã hẹn gửi thông báo #{id} lúc {when}."
NOTICE_QUIET = " Bây giờ là giờ nghỉ đêm nên thông báo sẽ đi lúc {when}."
SCHEDULE_ERRORS = {"missing": "Cần chọn giờ gửi để hẹn giờ.", "bad": COMPOSE_ERRORS["bad_send_at"],
                   "past": COMPOSE_ERRORS["past_send_at"], "event": COMPOSE_ERRORS["event_before_send"]}
AUDIT_ACTIONS.update({"create_notice": "Soạn thông báo", "edit_notice": "Sửa thông báo",
                      "send_notice": "Gửi thông báo", "schedule_notice": "Hẹn giờ thông báo",
                      "cancel_notice": "Hủy thông báo", "view_notice": "Xem người chưa nhận / đăng ký",
                      "export_signups_csv": "Xuất CSV đăng ký", "export_signups_xlsx": "Xuất Excel đăng ký"})
AUDIT_NOTICE_TARGET = "#{id} · {excerpt}"
AUDIT_SIGNUPS_TARGET = "#{id} · {n} người trả lời"
