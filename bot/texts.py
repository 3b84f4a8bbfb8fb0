"""Every sentence residents read that is not in a procedure file. Short, polite, with diacritics."""

WELCOME = ("Chào bác! Đây là Tổ dân phố điện tử. Tổ sẽ hướng dẫn bác làm thủ tục từng bước, "
           "hoặc nối bác với cán bộ, tình nguyện viên (7h–21h). Bác ở trong tổ thì nhắn "
           "«đăng ký thành viên» để nhận thông báo đúng khu.")
MENU_TITLE = "Bác cần làm gì ạ? Bác bấm nút hoặc gõ số (gõ 0 để về menu này):"
MENU_TITLE_TYPED = "Bác cần làm gì ạ? Bác gõ số (gõ 0 để về menu này):"  # more items than buttons
TEXT_CUT = ("Tin nhắn của bác dài quá, tổ chỉ đọc được khoảng 2.000 chữ đầu. Phần sau bác nhắn tiếp "
            "thành tin khác giúp tổ nhé.")
LONG_MESSAGE = ("Tin nhắn của bác khá dài, tổ chưa tự đọc hiểu hết được. Muốn người trực đọc giúp, bác gõ "
                "«gặp người». Hoặc bác chọn một việc dưới đây:")
UNSUPPORTED = "Tổ chưa đọc được loại tin này ạ. Bác nhắn bằng chữ hoặc bấm số giúp tổ nhé."

# --- Conversations (bot/flows) -------------------------------------------------------------
GREETING_AGAIN = "Chào bác ạ!"
NOT_UNDERSTOOD = "Tổ chưa hiểu ý bác ạ. Bác chọn một mục dưới đây, hoặc gõ «gặp người» để nói chuyện với cán bộ."
WHICH_ONE = "Bác muốn hỏi việc nào ạ? Bác bấm nút hoặc gõ số:"
WHICH_ONE_TYPED = "Bác muốn hỏi việc nào ạ? Bác gõ số:"
UNSURE = ("Tổ chưa chắc bác cần việc gì ạ. Có phải một trong các việc dưới đây không? Nếu không phải, "
          "bác chọn «Gặp người hỗ trợ» hoặc nhắn rõ hơn giúp tổ.")
THANKS = "Dạ không có gì ạ. Bác cần gì cứ nhắn tổ nhé."
PLACE_FACTS = "{name}\n- Địa chỉ: {address}\n- Giờ làm việc: {hours}\n- Điện thoại: {phone}"
VOICE_OFFER = ("Tổ chưa nghe được tin nhắn thoại ạ. Bác có muốn tình nguyện viên gọi điện lại cho bác "
               "không? Người gọi sẽ nghe bác nói và giúp bác.")
CALL_OFFER = "Tổ chưa nhận được cuộc gọi ạ. Bác có muốn tình nguyện viên gọi lại cho bác không?"
CALLBACK_OPTIONS = ("Gọi lại cho tôi", "Không cần")
CALLBACK_DECLINED = "Dạ vâng. Bác cần gì cứ nhắn chữ hoặc bấm số giúp tổ nhé."
SUBMENU = "Bác chọn việc cần làm:"
HUMAN_OPTION = "Gặp người hỗ trợ"
GUIDANCE_PAPERS = "Giấy tờ cần chuẩn bị:"
GUIDANCE_BRING = "Cần mang:"
MORE_HINT = "(Bác chọn «Xem thêm» để xem đủ giấy tờ, lệ phí, thời hạn.)"
GUIDANCE_FEE = "Lệ phí:"
GUIDANCE_DEADLINE = "Thời hạn:"
GUIDANCE_WHERE = "Nộp ở đâu:"
GUIDED_WHERE = "Làm ở đâu:"  # guidance only: nothing is filed
GUIDED_STEPS = "Các bước làm:"
GUIDANCE_NEW_RULES = "Lưu ý (quy định mới):"
# Consent as Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Điều 9 asks (in force 01/01/2026, with NĐ 356/2025/NĐ-CP,
# which replaced NĐ 13/2023): what is kept, what for, who keeps it, and that it can be withdrawn.
CONSENT = ("Để giúp bác làm hồ sơ, tổ dân phố cần ghi lại vài thông tin cho riêng việc này (họ tên, ngày tháng, "
           "số giấy tờ, số điện thoại…), chỉ để hỗ trợ bác. Thông tin được giữ kín theo Luật Bảo vệ dữ liệu cá "
           "nhân số 91/2025/QH15 và Nghị định 356/2025/NĐ-CP; bác nhắn «xóa dữ liệu của tôi» để tổ xóa bất cứ "
           "lúc nào. Bác có đồng ý không ạ?")
CONSENT_OPTIONS = ("Đồng ý", "Không đồng ý", "Xem thêm")
NO_CONSENT = "Dạ, tổ không ghi thông tin của bác. Bác có thể tự làm theo hướng dẫn dưới đây ạ."
OPTIONAL_HINT = "(Câu này không bắt buộc: bác có thể gõ «bỏ qua».)"
PHOTO_HINT = "(Bác bấm nút gửi ảnh trong Zalo để gửi ảnh.)"
LOCATION_HINT = "(Bác gửi vị trí trong Zalo, hoặc gõ địa chỉ.)"
YESNO = ("Có", "Không")
CHANNEL_QUESTION = "Bác muốn nộp hồ sơ theo cách nào ạ?"
CHANNEL_LABELS = {"online": "Tự nộp qua mạng", "nha_van_hoa": "Tại nhà văn hóa", "tai_nha": "Tại nhà",
                  "to_chuyen": "Tổ chuyển đến nơi giải quyết"}
CHANNEL_OPTIONS = ("Tự nộp qua mạng (tổ hướng dẫn)", "Ra nhà văn hóa nhờ tình nguyện viên",
                   "Tình nguyện viên đến nhà")
SUMMARY_TITLE = "Bác kiểm tra lại thông tin ạ:"
SUMMARY_OPTIONS = ("Gửi", "Sửa")
SUMMARY_CHANNEL = "Cách nộp"
PHOTO_SENT = "1 ảnh đã gửi"
LOCATION_SENT = "Vị trí đã gửi (xem bản đồ: {url})"
SKIPPED = "(bỏ qua)"
EDIT_WHICH = "Bác muốn sửa mục nào ạ? Bác gõ số:"
OFFER_HUMAN = "Có vẻ câu này hơi khó. Bác có muốn tổ nối với tình nguyện viên không ạ?"
OFFER_HUMAN_OPTIONS = ("Gặp tình nguyện viên", "Tôi thử lại")
CANCELLED = "Dạ, tổ đã hủy, không lưu thông tin vừa rồi."
GUIDED_HELP = "Bác làm thử theo các bước trên nhé. Cần người giúp tận tay thì bác bấm «Gặp tình nguyện viên» ạ."
GUIDED_HELP_OPTIONS = ("Gặp tình nguyện viên", "Về menu", "Xem thêm")
GO_ON = "Bác vẫn muốn làm tiếp không ạ?"
GO_ON_OPTIONS = ("Vẫn làm tiếp", "Dừng ở đây")
STOPPED = "Dạ, tổ dừng ở đây, không lưu thông tin vừa rồi. Bác cần gì thêm cứ nhắn tổ ạ."
RESUME = "Lần trước bác đang làm «{title}» dở. Bác muốn làm tiếp không ạ?"
RESUME_OPTIONS = ("Tiếp tục", "Làm lại")
PLEASE_CHOOSE = "Bác bấm nút hoặc gõ số giúp tổ nhé."
PLEASE_TYPE_NUMBER = "Bác gõ số thứ tự giúp tổ nhé (ví dụ: 1)."  # a list with no buttons
NOTHING_TO_GO_BACK = "Đây là câu đầu tiên rồi ạ."
ANSWER_PROBLEMS = {
    "text": "Bác trả lời ngắn gọn giúp tổ (từ 2 đến 1000 chữ) ạ.",
    "name": "Bác gõ họ và tên đầy đủ, chỉ chữ, ví dụ: Nguyễn Văn An.",
    "unknown": ("Tổ cần thông tin này để ghi hồ sơ ạ. Nếu chưa biết, bác hỏi người nhà rồi nhắn lại sau, "
                "hoặc gõ «gặp người» để tình nguyện viên giúp."),
    "date": "Ngày chưa đúng ạ. Bác gõ theo dạng ngày/tháng/năm, ví dụ: 15/08/2024.",
    "date_year": "Bác gõ cả năm giúp tổ ạ, ví dụ: 15/08/1950.",
    "date_future": "Ngày này chưa tới ạ. Bác xem lại giúp tổ, ví dụ: 15/08/2024.",
    "date_past": "Ngày này đã qua rồi ạ. Bác chọn một ngày sắp tới, ví dụ: {example}.",
    "date_too_far": "Ngày này xa quá ạ. Bác chọn một ngày trong {days} ngày tới, ví dụ: {example}.",
    "phone": "Số điện thoại chưa đúng ạ. Bác gõ 10 số, ví dụ: 0912345678.",
    "cccd": "Số căn cước (CCCD) gồm 12 chữ số ạ, ví dụ: 001234567890.",
    "number": "Bác gõ một con số giúp tổ, ví dụ: 3.",
    "choice": "Bác bấm nút hoặc gõ số thứ tự giúp tổ (ví dụ: 1).",
    "choice_typed": "Bác gõ số thứ tự giúp tổ (ví dụ: 1).",  # more options than buttons
    "yesno": "Bác trả lời «có» hoặc «không» (hoặc gõ 1 hay 2) giúp tổ ạ.",
    "address": "Bác gõ địa chỉ rõ hơn giúp tổ, ví dụ: số 12 ngõ 5 phố Hoa Lư.",
    "photo": "Câu này cần một tấm ảnh ạ. Bác bấm nút gửi ảnh trong Zalo.",
    "location": "Bác gửi vị trí trong Zalo, hoặc gõ địa chỉ, ví dụ: đầu ngõ 5 phố Hoa Lư.",
    "need_text": "Câu này bác trả lời bằng chữ giúp tổ ạ.",
}
SUBMITTED = "Tổ đã nhận yêu cầu «{title}». Mã hồ sơ của bác là {code}. Bác nhớ giữ mã này để hỏi lại khi cần ạ."
NEXT_ONLINE = "Cách tự nộp qua mạng:"
NEXT_ONLINE_NONE = "Việc này cần làm trực tiếp tại:"
NEXT_LINKS = "Trang web:"
NEXT_HOUSE = ("Bác mang giấy tờ đến {house} ({hours}). Tình nguyện viên sẽ cùng bác làm hồ sơ. "
              "Cần hỏi thêm, bác gọi {phone}.")
NEXT_HOME = "Tình nguyện viên sẽ gọi cho bác để hẹn ngày đến nhà hướng dẫn. Cần gấp, bác gọi {phone}."
NEXT_REPORT = "Tổ trưởng sẽ xem và chuyển phản ánh đến nơi giải quyết. Việc khẩn cấp: gọi 113 (công an), 114 (cháy nổ)."
HUMAN_REQUESTED = ("Dạ, tổ đã báo tình nguyện viên đang trực (mã {code}). Người trực sẽ nhắn bác trong ít phút. "
                   "Trong lúc chờ, bác cứ nhắn câu hỏi vào đây ạ.")

# --- Handoff to a person (bot/handlers/handoff.py) ------------------------------------------------
HUMAN_OUT_OF_HOURS = ("Dạ, tổ đã ghi nhận (mã {code}). Bây giờ ngoài giờ trực ({hours}), {when} sẽ có người "
                      "nhắn bác. Bác cứ để lại câu hỏi ở đây ạ.")
CALLBACK_REQUESTED = ("Dạ, tổ đã báo tình nguyện viên đang trực (mã {code}). Người trực sẽ gọi lại cho bác "
                      "qua Zalo trong ít phút ạ.")
CALLBACK_OUT_OF_HOURS = ("Dạ, tổ đã ghi nhận (mã {code}). Bây giờ ngoài giờ trực ({hours}), {when} sẽ có người "
                         "gọi lại cho bác ạ.")
HUMAN_NOBODY_YET = ("Dạ, tổ đã ghi lại yêu cầu của bác (mã {code}). Hiện tổ chưa có người trực trên Zalo, nên "
                    "chưa ai nhắn lại bác ngay được. Việc cần gấp, bác gọi tổ: {phone} ạ.")
HUMAN_NOBODY_NOW = ("Dạ, tổ đã ghi lại yêu cầu của bác (mã {code}). Lúc này chưa có ai trực; người đầu tiên vào "
                    "trực sẽ nhắn bác. Việc cần gấp, bác gọi tổ: {phone} ạ.")
HANDOFF_CANCELLED = "Dạ, tổ đã hủy yêu cầu gặp người ({code}). Bác cần gì cứ nhắn tổ ạ."
HUMAN_ALREADY = "Dạ, tổ đã báo người trực rồi (mã {code}). Bác chờ một chút, người trực sẽ nhắn bác ạ."
HANDOFF_NOTICE = ("Cần hỗ trợ: {code}\nCư dân: {name}\nĐang làm: {doing}\nTin nhắn gần nhất:\n{last}\n"
                  "Để nhận, nhắn: nhận {code}")
HANDOFF_NOTHING_DOING = "(chưa chọn thủ tục)"
HANDOFF_CALLBACK = "Xin gọi lại (cư dân gửi tin nhắn thoại hoặc gọi tới, đã đồng ý được gọi lại)"
HANDOFF_NO_MESSAGES = "(chưa có)"
HANDOFF_CLAIMED_RESIDENT = "Dạ, {name} sẽ hỗ trợ bác từ bây giờ. Bác cứ nhắn vào đây ạ."
HANDOFF_CLAIMED_STAFF = ("Bạn đã nhận {code}. Tin bạn nhắn vào OA sẽ được chuyển tới cư dân {name}. "
                         "Xong việc, nhắn: xong")
HANDOFF_TAKEN = "Mã {code} đã có {name} nhận rồi."
HANDOFF_UNKNOWN = "Không thấy mã {code}. Bạn xem lại mã trong tin báo nhé."
HANDOFF_CLOSED_ALREADY = "Mã {code} đã xong rồi."
HANDOFF_NOTHING_TO_CLOSE = "Bạn không có cuộc hỗ trợ nào đang mở."
HANDOFF_CLOSED_STAFF = "Đã đóng {code}. Cảm ơn bạn!"
HANDOFF_RELAY_TO_STAFF = "[{code}] {name}: {text}"
FLOOD_SLOW_DOWN = ("Tổ nhận được nhiều tin của bác cùng lúc. Bác nhắn chậm lại giúp tổ: chờ tổ trả lời "
                   "rồi hãy nhắn tiếp ạ.")
STAFF_SEE_MORE = "… (xem đầy đủ trên bảng điều hành: {link})"
HANDOFF_RELAY_TO_RESIDENT = "{name}: {text}"
HANDOFF_REMINDER = "Nhắc: {code} ({name}) chờ {minutes} phút mà chưa ai nhận. Để nhận, nhắn: nhận {code}"
RATE_QUESTION = "Cảm ơn bác đã chờ. Bác thấy sự hỗ trợ vừa rồi thế nào ạ?"
RATE_OPTIONS = ("Chưa tốt", "Tạm được", "Tốt")
RATE_THANKS = "Tổ cảm ơn bác đã cho ý kiến ạ."
RATE_AGAIN = "Bác chấm giúp tổ một trong ba mức dưới đây nhé (bấm nút, gõ số, hoặc gõ «tốt», «tạm được», «chưa tốt»)."
ATTACHMENT_IMAGE = "[ảnh] {url}"
ATTACHMENT_LOCATION = "[vị trí] {lat},{lng}"
ATTACHMENT_OTHER = "[tin nhắn không phải chữ]"
ATTACHMENT_VOICE = "[tin nhắn thoại] {url}"
DUTY_ON = "Đã ghi nhận: bạn đang trực đến {until}h hôm nay. Có người cần hỗ trợ, tổ sẽ nhắn bạn."
DUTY_OFF = "Đã ghi nhận: bạn nghỉ trực hôm nay."
STAFF_HELP = ("Lệnh cho cán bộ, tình nguyện viên: «trực», «nghỉ», «nhận <mã>», «xong», «xong <mã>», "
              "«lịch hôm nay».")
LEADER_HELP = ("Lệnh cho tổ trưởng: «thông báo: …», «thông báo đã hẹn», «yêu cầu mới», «thống kê», "
               "«duyệt <mã>», «từ chối <mã>», «nhóm», «nhóm khu A», «thêm vào nhóm khu A: số điện thoại», "
               "«bỏ khỏi nhóm khu A: số điện thoại», «xóa nhóm khu A».")
# To each leader when a dashboard account crosses the failed-login threshold (at most once an hour); never
# the typed password or the address it came from.
LEADER_LOGIN_FAILURES = ("Bảng điều hành: tài khoản {name} vừa bị đăng nhập sai {n} lần liên tiếp. Nếu không "
                         "phải chính người đó gõ nhầm, hãy đổi mật khẩu cho tài khoản này.")

# --- Emergencies (bot/handlers/emergency.py, config/emergencies.yaml) ------------------------------------
EMERGENCY_LOCAL = "{name}: {phone}"
EMERGENCY_REPLY = "{advice}\n{local}\nTổ đã báo ngay tổ trưởng và tình nguyện viên (mã {code})."
EMERGENCY_ASK_LOCATION = ("Nếu được, bác gửi vị trí của bác trong Zalo (bấm dấu + rồi chọn «Vị trí») để người "
                          "đến giúp tìm nhanh hơn. Không gửi cũng được ạ.")
EMERGENCY_AGAIN = "{advice}\nTổ đã báo lại tổ trưởng và tình nguyện viên (mã {code})."
EMERGENCY_LOCATION_THANKS = "Dạ, tổ đã chuyển vị trí của bác cho tổ trưởng và tình nguyện viên ({code})."
# To leaders and volunteers
EMERGENCY_NOTICE = ("KHẨN CẤP {code}: {kind}\nCư dân: {name}{phone}\nNhắn: «{words}»\nVị trí: {where}\n"
                    "Tổ đã bảo cư dân gọi {call}. Bạn ở gần thì gọi hoặc đến giúp.")
EMERGENCY_MORE = "KHẨN CẤP {code}: {name} nhắn thêm: «{words}»"
EMERGENCY_LOCATION_STAFF = "KHẨN CẤP {code}: {name} đã gửi vị trí: {map}"
EMERGENCY_NO_LOCATION = "chưa gửi"

# --- Appointments (bot/handlers/appointments.py, slot steps) -------------------------------------
SLOT_DAY_FULL = "Ngày {day} không còn buổi nào trống ạ. Bác chọn ngày khác giúp tổ."
SLOT_TAKEN = "Buổi bác chọn vừa có người đặt kín chỗ ạ. Bác chọn buổi khác giúp tổ."
ANSWER_PROBLEMS["slot_full"] = "Buổi này đã kín lịch ạ. Bác chọn một buổi còn chỗ dưới đây giúp tổ."
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
APPOINTMENT_WHEN = "{weekday} {day}, {part}"
APPOINTMENT_AT_HOUSE = "tại {house}"
APPOINTMENT_AT_HOME = "tại nhà bác: tình nguyện viên sẽ đến địa chỉ {address}"
APPOINTMENT_AT_HOME_NO_ADDRESS = "tại nhà bác: tình nguyện viên sẽ gọi bác để hỏi địa chỉ"
APPOINTMENT_HOW_TO_CHANGE = "Muốn hủy, bác nhắn «hủy lịch»; muốn đổi ngày giờ, bác nhắn «đổi lịch»."
APPOINTMENT_BOOKED = ("Lịch hẹn của bác ({code}): {when}, {place}. Tổ sẽ nhắn nhắc bác trước giờ hẹn. "
                      + APPOINTMENT_HOW_TO_CHANGE)
REMIND_EVENING = "Nhắc lịch hẹn ngày mai ({code}): {when}, {place}. " + APPOINTMENT_HOW_TO_CHANGE
REMIND_HOUR = "Khoảng 1 tiếng nữa là đến lịch hẹn của bác ({code}): {when}, {place}. " + APPOINTMENT_HOW_TO_CHANGE
NO_APPOINTMENT = "Bác chưa có lịch hẹn nào sắp tới ạ. Muốn đặt lịch, bác nhắn «đặt lịch»."
APPOINTMENT_CANCELLED = "Dạ, tổ đã hủy lịch hẹn {code} ({when}) của bác. Bác cần gì cứ nhắn tổ ạ."
APPOINTMENT_MOVING = ("Dạ, tổ đã hủy lịch cũ {code} ({when}). Bác chọn ngày và buổi mới, "
                      "các thông tin khác tổ giữ nguyên ạ.")
# To volunteers and leaders
APPOINTMENT_PLACES = {"nha_van_hoa": "tại nhà văn hóa", "tai_nha": "đến nhà"}
APPOINTMENT_NOTICE = "Lịch hẹn mới {code}: {when}, {place}.\nPhụ trách: {who}\n{details}\nXong việc, nhắn: xong {code}"
APPOINTMENT_NOBODY = "chưa có tình nguyện viên trực buổi này, nhờ bạn sắp xếp người"
APPOINTMENT_CANCELLED_STAFF = "Cư dân đã hủy lịch hẹn {code} ({when}, {place})."
APPOINTMENT_MOVED_STAFF = "Cư dân đã đổi lịch hẹn {code} ({when}, {place}) sang ngày khác; lịch mới sẽ báo sau."
TODAY_TITLE = "Lịch hẹn hôm nay ({day}):"
TODAY_LINE = "{number}. {code} · {part} · {place} · {who}{done}"
TODAY_DONE = " (đã xong)"
TODAY_NONE = "Hôm nay ({day}) bạn không có lịch hẹn nào."
APPOINTMENT_UNKNOWN = "Không thấy lịch hẹn {code}. Bạn xem lại mã nhé."
APPOINTMENT_DONE = "Đã ghi nhận lịch hẹn {code} đã xong. Cảm ơn bạn!"
APPOINTMENT_ALREADY_DONE = "Lịch hẹn {code} đã ghi xong rồi."
APPOINTMENT_WAS_CANCELLED = "Lịch hẹn {code} đã bị hủy nên không ghi xong được."

# --- Casework: request statuses, follow-ups, leaders' numbers (bot/casework.py) -----------------------
STATUS_LABELS = {"moi": "Mới", "dang_xu_ly": "Đang xử lý", "cho_bo_sung": "Chờ bổ sung", "da_xong": "Đã xong",
                 "da_huy": "Đã hủy"}
STATUS_NOTICE = "Hồ sơ {code} của bác: {status}. {next}"
STATUS_NEXT = {
    "moi": "Tổ sẽ xem lại và báo bác sớm ạ.",
    "dang_xu_ly": "{who} đang làm, cần gì thêm sẽ nhắn bác ạ.",
    "cho_bo_sung": "Bác cần bổ sung giấy tờ: bác nhắn «gặp người» hoặc gọi {phone} để được hướng dẫn ạ.",
    "da_xong": "Việc đã xong. Cảm ơn bác ạ.",
    "da_huy": "Nếu bác vẫn cần, bác nhắn lại cho tổ hoặc gọi {phone} ạ.",
}
WHO_DEFAULT = "Tổ dân phố"
# --- A resident following their own request (bot/handlers/lookup.py) ---
LOOKUP_TITLE = "Hồ sơ {code}: {title}"
LOOKUP_STATUS = "Tình trạng: {status}"
LOOKUP_LAST_CHANGE = "Cập nhật gần nhất: {when} ({what})"
LOOKUP_SENT = "bác gửi yêu cầu"
LOOKUP_NOT_FOUND = ("Tổ không tìm thấy hồ sơ {code} của bác ạ. Bác xem lại mã trong tin nhắn tổ đã gửi, hoặc "
                    "nhắn «hồ sơ của tôi» để xem các yêu cầu của bác.")
LOOKUP_NONE_OPEN = "Bác chưa có yêu cầu nào đang mở ạ."
LOOKUP_LIST_TITLE = "Các yêu cầu đang mở của bác (mới nhất trước):"
LOOKUP_LIST_LINE = "- {code}: {title} ({status})"
LOOKUP_LIST_HINT = "Bác gõ mã (ví dụ {code}) để xem chi tiết ạ."
LOOKUP_BACK_TO_QUESTION = "Bác gõ «nhắc lại» để tiếp tục câu tổ đang hỏi ạ."
RESIDENT = "Cư dân"
PENDING_INTRO = "Bác có {n} thông báo mới từ tổ dân phố:"
FOLLOW_UP_QUESTION = "Phản ánh {code} của bác đã được xử lý chưa ạ?"
FOLLOW_UP_OPTIONS = ("Rồi", "Chưa")
FOLLOW_UP_THANKS = "Tổ cảm ơn bác đã phản hồi ạ."
FOLLOW_UP_REOPENED = "Dạ, tổ đã mở lại phản ánh {code} và báo tổ trưởng ạ."
FOLLOW_UP_REOPENED_STAFF = "Cư dân báo phản ánh {code} chưa được xử lý; đã mở lại."
KIND_TITLES = {"ho_tro": "Gặp người hỗ trợ", "khan_cap": "Khẩn cấp"}
NONE = "(không có)"
STATS_TITLE = "Thống kê tháng {month}: {total} yêu cầu."
STATS_BY_KIND = "Theo loại:"
STATS_BY_STATUS = "Theo trạng thái:"
STATS_BY_CHANNEL = "Theo cách làm:"
OPEN_NONE = "Không có yêu cầu nào đang mở."
OPEN_TITLE = "{n} yêu cầu đang mở (cũ nhất trước):"
OPEN_LINE = "- {code} · {kind} · {status} · {days} ngày"
ASSIGNED_TO_YOU = "{by} đã giao cho bạn yêu cầu {code} ({kind}). Xem trên bảng điều hành, mục Yêu cầu."
URGENT_MARK = "[KHẨN CẤP] "
DIGEST_URGENT = "KHẨN CẤP chưa xong: {codes}"
DIGEST_REVIEW = ("Thủ tục cần xem lại: {n} điểm (quy định sắp có hoặc hết hiệu lực, tệp lâu chưa rà soát) ở {files}. "
                 "Xem đủ: flask --app wsgi procedures check")
DIGEST = ("Tổng kết ngày {day}: {new} yêu cầu mới, {overdue} yêu cầu quá hạn, {done} yêu cầu xong hôm nay.\n"
          "Quá hạn: {codes}")

# --- Announcements (bot/announcements.py, bot/handlers/announce.py) -----------------------------------
ANNOUNCE_HEADER = "THÔNG BÁO TỪ TỔ DÂN PHỐ"
ANNOUNCE_HEADER_URGENT = "THÔNG BÁO KHẨN TỪ TỔ DÂN PHỐ"
ANNOUNCE_HOW = "Cách gửi: «thông báo: <nội dung>» cho mọi người, «thông báo cho khu A, người cao tuổi: <nội dung>» cho nhóm, «thông báo khẩn: …» để gửi cả ban đêm."
ANNOUNCE_EMPTY = "Thông báo chưa có nội dung. " + ANNOUNCE_HOW
ANNOUNCE_UNKNOWN_GROUPS = "Không có nhóm {names}. Các nhóm hiện có: {known}."
ANNOUNCE_NO_GROUPS = "(chưa có nhóm nào)"
ANNOUNCE_PREVIEW = "Xem trước thông báo #{id}{urgent}:\n\n{text}{photo}\n\nSẽ gửi tới: {reach}.{hint}\nBác chọn:"
ANNOUNCE_URGENT_MARK = " (KHẨN: gửi cả giờ nghỉ đêm)"
ANNOUNCE_PHOTO_MARK = "\n[kèm 1 ảnh]"
ANNOUNCE_PHOTO_HINT = "Muốn kèm ảnh, gửi ảnh ngay bây giờ."
ANNOUNCE_REACH_ALL = "tất cả {n} thành viên"
ANNOUNCE_REACH_GROUPS = "{n} thành viên trong nhóm {groups}"
ANNOUNCE_REACH_ZALO = " và nhóm Zalo của tổ"
ANNOUNCE_OPTIONS = ("Gửi ngay", "Hẹn giờ", "Hủy")
ANNOUNCE_ASK_TIME = "Gửi lúc nào? Ví dụ: «7:00 25/11» hoặc «sáng mai 7h»."
ANNOUNCE_BAD_TIME = "Chưa hiểu giờ gửi. " + ANNOUNCE_ASK_TIME
ANNOUNCE_PAST_TIME = "Giờ đó đã qua rồi. " + ANNOUNCE_ASK_TIME
ANNOUNCE_SENDING = "Đang gửi thông báo #{id}. Gửi xong sẽ báo kết quả."
ANNOUNCE_SCHEDULED = "Đã hẹn gửi thông báo #{id} lúc {when}. Muốn hủy, nhắn «hủy thông báo {id}»."
ANNOUNCE_QUIET_NOTE = " Bây giờ là giờ nghỉ đêm nên sẽ gửi lúc {when}."
ANNOUNCE_CANCELLED = "Đã hủy thông báo #{id}."
ANNOUNCE_CANNOT_CANCEL = "Không hủy được thông báo #{id}: {status}."
ANNOUNCE_NOT_FOUND = "Không thấy thông báo #{id}."
ANNOUNCE_SCHEDULED_NONE = "Không có thông báo nào đang hẹn giờ."
ANNOUNCE_SCHEDULED_TITLE = "Thông báo đang hẹn giờ:"
ANNOUNCE_SCHEDULED_LINE = "#{id} · {when} · {excerpt}"
ANNOUNCE_STATUS = {"draft": "chưa gửi", "scheduled": "đang hẹn giờ", "sending": "đang gửi",
                   "done": "đã gửi xong", "cancelled": "đã hủy"}
ANNOUNCE_REPORT = ("Thông báo #{id} đã gửi xong ({excerpt}):\n"
                   "- Đã nhận: {sent}\n- Chờ họ nhắn tin mới gửi được (quá 7 ngày không tương tác): {waiting}\n"
                   "- Đã tắt nhận tin: {opted_out}\n- Không gửi được: {failed}{reasons}")
ANNOUNCE_GROUP_SENT = "\n- Nhóm Zalo: {sent}/{total} nhóm đã nhận"
ANNOUNCE_REASON_LINE = "\n   · {count} người: {reason}"
ANNOUNCE_REASONS = {
    -213: "chưa quan tâm (follow) OA",
    -227: "tài khoản Zalo bị khóa hoặc không còn dùng",
    -244: "đã chặn tin nhắn của OA",
    -230: "quá 7 ngày không tương tác với OA",
    -232: "quá 7 ngày không tương tác với OA",
    -32: "Zalo báo gửi quá nhanh, đã thử lại nhiều lần",
    -237: "nhóm Zalo đã bị tắt",
    -403: "OA không còn trong nhóm Zalo",
}
ANNOUNCE_REASON_SERVER = "Zalo không trả lời, đã thử lại nhiều lần"
ANNOUNCE_REASON_OTHER = "lỗi khác của Zalo (mã {code})"
# Residents: stop and restart announcements
ANNOUNCE_OFF = "Dạ, từ nay bác sẽ không nhận thông báo của tổ dân phố nữa. Muốn nhận lại, bác nhắn «nhận tin lại» ạ."
ANNOUNCE_ON = "Dạ, bác sẽ nhận lại thông báo của tổ dân phố ạ. Muốn dừng, bác nhắn «dừng nhận tin»."

# Residents: an announcement's sign-up (bot/services/signups.py, bot/handlers/signup.py)
SIGNUP_ASK = "Bác có tham gia «{title}» ({when}) không?{limit}"
SIGNUP_LIMIT_NOTE = " Tổ nhận tối đa {limit} người."
SIGNUP_OPTIONS = ("Đăng ký", "Không tham gia")
SIGNUP_GROUP_NOTE = "\nMuốn đăng ký, bác nhắn «đăng ký» cho OA của tổ dân phố."
SIGNUP_GOING = "Dạ, tổ đã ghi tên bác tham gia «{title}», {people} người, lúc {when}."
SIGNUP_HOW_MANY = "Nếu đi nhiều người, bác bấm số người (hoặc nhắn «3 người»). Không đi được, nhắn «hủy đăng ký»."
SIGNUP_PEOPLE_OPTIONS = ("1 người", "2 người", "3 người", "4 người", "5 người")
SIGNUP_PEOPLE_CHANGED = "Dạ, tổ đã sửa thành {people} người cho «{title}» ạ."
SIGNUP_WAITING = ("Dạ, «{title}» đã đủ người. Tổ ghi bác ({people} người) vào danh sách chờ, bác đứng thứ "
                  "{position}. Có người hủy, tổ báo bác ngay. Không chờ nữa, bác nhắn «hủy đăng ký».")
SIGNUP_STILL_WAITING = "Bác vẫn trong danh sách chờ «{title}» ({people} người), đứng thứ {position} ạ."
SIGNUP_MOVED_UP = ("Tin vui ạ: đã có chỗ cho bác ở «{title}», {people} người, lúc {when}. "
                   "Không đi được, bác nhắn «hủy đăng ký» để nhường chỗ.")
SIGNUP_TOO_MANY = "Dạ, «{title}» chỉ còn {left} chỗ nên tổ giữ {people} người cho bác ạ."
SIGNUP_OVER_LIMIT = "Dạ, «{title}» nhận tối đa {limit} người, bác đăng ký ít người hơn nhé."
SIGNUP_PEOPLE_RANGE = "Dạ, mỗi lần bác đăng ký được từ 1 đến {most} người ạ."
SIGNUP_CANCELLED = "Dạ, tổ đã hủy đăng ký của bác ở «{title}». Muốn đăng ký lại, bác nhắn «đăng ký»."
SIGNUP_DECLINED = "Dạ, tổ ghi nhận bác không tham gia «{title}». Đổi ý, bác nhắn «đăng ký» ạ."
SIGNUP_NOT_SIGNED = "Dạ, bác chưa đăng ký «{title}» ạ. Muốn đăng ký, bác nhắn «đăng ký»."
SIGNUP_CLOSED = "Dạ, «{title}» đã bắt đầu hoặc đã qua nên tổ không nhận đăng ký nữa ạ."
SIGNUP_WHICH = "Bác muốn trả lời sự kiện nào ạ?"
SIGNUP_STATS_TITLE = "Đăng ký sự kiện sắp tới:"
SIGNUP_STATS_LINE = "- #{id} {title} ({when}): {people}{limit} người đăng ký, {waiting} chờ, {declined} không tham gia"
SIGNUP_UNKNOWN = "Dạ, đợt đăng ký này không còn nữa ạ."
SIGNUP_REMIND_EVENING = ("Nhắc bác: ngày mai, {when}, là «{title}». Tổ đã ghi {people} người. Không đi được, "
                         "bác nhắn «hủy đăng ký» để nhường chỗ ạ.")
SIGNUP_REMIND_HOUR = "Nhắc bác: còn khoảng 1 tiếng nữa ({when}) là «{title}» ạ."

# --- A member's own data (bot/handlers/my_data.py) -----------------------------------------------------
MY_DATA_TITLE = "Thông tin tổ dân phố đang giữ về bác:"
MY_DATA_CONTACT = "- Lần cuối bác nhắn tin: {last}. Nhận thông báo của tổ: {announcements}."
MY_DATA_IDENTITY = "- Đăng ký thành viên: tên {name}, số điện thoại {phone}."
MY_DATA_GROUPS = "- Nhóm: {groups}."
MY_DATA_NO_REQUESTS = "- Bác chưa nộp hồ sơ, yêu cầu nào."
MY_DATA_REQUEST = "- {code} · {kind} · {status}{answers}"
MY_DATA_CONSENT = "- Ngày {when} bác đồng ý cho tổ ghi thông tin để làm: {what}."
MY_DATA_FOOTER = "Thông tin chỉ dùng để tổ hỗ trợ bác, không đưa ra ngoài. Muốn xóa, bác nhắn «xóa dữ liệu của tôi»."
YES, NO = "có", "không"
ERASE_CONFIRM = ("Bác muốn xóa mọi thông tin cá nhân tổ đang giữ về bác (câu trả lời trong hồ sơ, tin nhắn)? "
                 "Hồ sơ đã nộp chỉ còn được đếm trong thống kê, không còn tên tuổi. Xóa rồi không lấy lại được.")
ERASE_OPTIONS = ("Xóa", "Không xóa")
ERASED = "Dạ, tổ đã xóa thông tin cá nhân của bác. Bác vẫn nhắn tin cho tổ được bất cứ lúc nào ạ."
ERASE_KEPT = "Dạ, tổ giữ nguyên thông tin của bác."

# --- Member registration (bot/membership.py) ------------------------------------------------------------
MEMBER_APPROVED = "Đã xác nhận thành viên {code}{linked}. Cư dân đã được báo."
MEMBER_LINKED = ", thuộc hộ của {head}"
MEMBER_NOT_LINKED = " (địa chỉ chưa có trong sổ hộ của tổ)"
MEMBER_REJECTED = "Đã từ chối đăng ký {code}. Cư dân đã được báo."
MEMBER_UNKNOWN = "Không thấy đăng ký thành viên {code}."
MEMBER_ALREADY = "Đăng ký {code} đã được xử lý rồi ({status})."

# --- Member groups, leaders' chat commands (bot/handlers/groups.py) ------------------------------------
GROUPS_NONE = "Tổ chưa có nhóm nào. Tạo nhóm bằng cách thêm người, ví dụ: «thêm vào nhóm khu A: 0912345678»."
GROUPS_TITLE = "Các nhóm của tổ:"
GROUPS_LINE = "{n}. {name}: {count} người"
GROUPS_HOW = ("Xem một nhóm: «nhóm khu A». Thêm người: «thêm vào nhóm khu A: số điện thoại hoặc mã đăng ký». "
              "Bỏ người: «bỏ khỏi nhóm khu A: số điện thoại». Xóa nhóm: «xóa nhóm khu A».")
GROUP_MEMBERS_TITLE = "Nhóm «{name}» ({count} người):"
GROUP_MEMBER_LINE = "{n}. {name}{phone}{left}"
GROUP_MEMBER_LEFT = " (đã bỏ theo dõi OA)"
GROUP_MEMBERS_MORE = "… và {more} người nữa. Xem đủ trên trang quản lý, mục Nhóm."
GROUP_UNKNOWN = "Tổ chưa có nhóm «{name}». Các nhóm hiện có: {names}."
GROUP_NEED_NAME = "Bác ghi tên nhóm giúp tổ, ví dụ: «thêm vào nhóm khu A: 0912345678»."
GROUP_NEED_PEOPLE = ("Bác ghi số điện thoại hoặc mã đăng ký (DKTV-…) sau dấu hai chấm, ví dụ: "
                     "«thêm vào nhóm {name}: 0912345678, DKTV-0003».")
GROUP_ADDED = "Đã thêm {n} người vào nhóm «{name}» (nhóm có {count} người)."
GROUP_REMOVED = "Đã bỏ {n} người khỏi nhóm «{name}» (nhóm còn {count} người)."
GROUP_NOT_FOUND = ("Không tìm thấy thành viên: {missing}. Số điện thoại phải là số đã đăng ký thành viên "
                   "(cư dân nhắn «đăng ký thành viên», tổ trưởng duyệt).")
GROUP_DELETED = "Đã xóa nhóm «{name}» ({count} người). Thông báo cũ vẫn giữ nguyên."

# --- Promised times (bot/flows/promises.py, config/schedule.yaml working_time) -------------------------
PROMISE = "Tổ sẽ trả lời bác trước {hour} {day} ạ."
PROMISE_TODAY = "hôm nay"
PROMISE_TOMORROW = "ngày mai"
PROMISE_ON = "{weekday}, ngày {date}"
PROMISE_WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
# To leaders: in «yêu cầu mới» and the evening digest
PROMISE_OVERDUE_MARK = " · QUÁ HẠN HẸN"
PROMISE_NEAR_MARK = " · sắp đến hạn"
DIGEST_PROMISES = "Quá hạn hẹn trả lời: {overdue}. Sắp đến hạn: {near}."

# --- Reports of the same thing, anonymous reports (bot/services/duplicates.py, flows/engine.py) --------
DUPLICATE_OFFER = ("Đã có {n} người báo việc này ({code}), tổ đang xử lý. Bác muốn theo dõi việc đó (có tin mới "
                   "tổ báo bác), hay vẫn gửi phản ánh của bác?")
DUPLICATE_OPTIONS = ("Theo dõi việc này", "Vẫn gửi phản ánh")
DUPLICATE_FOLLOWING = "Dạ, bác đang theo dõi {code}. Việc này có tin mới, tổ sẽ báo bác ạ."
FOLLOWER_STATUS_NOTICE = "Việc bác theo dõi ({code}): {status}."
ANONYMOUS = "Ẩn danh"
ANONYMOUS_MARK = "[ẨN DANH] "  # in «yêu cầu mới»
# --- Proof when done, and the resident's rating (bot/services/proofs.py, bot/handlers/proof_chat.py) ---
DONE_NOTICE = "Hồ sơ {code} của bác: Đã xử lý xong. Cảm ơn bác đã báo cho tổ ạ."
DONE_NOTE = "Ghi chú của {who}: {note}"
DONE_PHOTO_CAPTION = "Ảnh sau khi xử lý {code}"
REPORT_RATE_QUESTION = "Bác thấy tổ xử lý việc {code} thế nào ạ?"
# To the staff member closing in chat («xong PA-0001», then a photo and/or a note)
PROOF_ASK = ("Đóng {code}: bác gửi ảnh sau khi làm xong và/hoặc một dòng ghi chú cho người dân. "
             "Xong thì nhắn «gửi» (nhắn «gửi» ngay nếu không có gì kèm; «thôi» để không đóng nữa).")
PROOF_ASK_PHOTO = "Đã ghi chú cho {code}. Bác gửi ảnh nếu có, hoặc nhắn «gửi» để báo người dân."
PROOF_ASK_NOTE = "Đã nhận ảnh cho {code}. Bác nhắn một dòng ghi chú, hoặc nhắn «gửi» để báo người dân."
PROOF_SENT = "Đã đóng {code} và báo người dân{what}."
PROOF_SENT_WHAT = {(True, True): " (kèm ảnh và ghi chú)", (True, False): " (kèm ảnh)",
                   (False, True): " (kèm ghi chú)", (False, False): ""}
PROOF_HELD = "Đã đóng {code}. Người dân quá 7 ngày chưa nhắn tổ: tin sẽ đến khi họ nhắn lại."
PROOF_CANCELLED = "Đã thôi, {code} chưa đóng."
PROOF_UNKNOWN = "Không thấy yêu cầu {code}."
PROOF_ALREADY = "{code} đã đóng rồi."
PROOF_NOT_YOURS = "{code} đang giao cho người khác; bác báo tổ trưởng nhé."

# --- Back-ups (bot/runtime/jobs.py nightly_backup): to every leader when the nightly back-up fails ------
BACKUP_FAILED = "Sao lưu dữ liệu đêm nay không thành công: {reason}. Người quản trị máy chủ cần xem lại."
BACKUP_REASONS = {  # bot/ops/backups.py reason(); the details go to the log and /healthz
    "missing_tool": "máy chủ thiếu chương trình pg_dump",
    "disk_full": "ổ đĩa máy chủ đã đầy",
    "folder": "không ghi được vào thư mục sao lưu",
    "other": "lỗi khi sao chép cơ sở dữ liệu",
}
