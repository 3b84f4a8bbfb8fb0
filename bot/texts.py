"""Every sentence residents read that is not in a procedure file. Short, polite, with diacritics."""

WELCOME = ("Chào bác! Đây là Tổ dân phố điện tử. Tổ sẽ hướng dẫn bác làm thủ tục từng bước, "
           "hoặc nối bác với cán bộ, tình nguyện viên (7h–21h).")
MENU_TITLE = "Bác cần làm gì ạ? Bác bấm nút hoặc gõ số (gõ 0 để về menu này):"
UNSUPPORTED = "Tổ chưa đọc được loại tin này ạ. Bác nhắn bằng chữ hoặc bấm số giúp tổ nhé."

# --- Conversations (bot/flows) -------------------------------------------------------------
GREETING_AGAIN = "Chào bác ạ!"
NOT_UNDERSTOOD = "Tổ chưa hiểu ý bác ạ. Bác chọn một mục dưới đây, hoặc gõ «gặp người» để nói chuyện với cán bộ."
WHICH_ONE = "Bác muốn hỏi việc nào ạ? Bác bấm nút hoặc gõ số:"
SUBMENU = "Bác chọn việc cần làm:"
HUMAN_OPTION = "Gặp người hỗ trợ"
GUIDANCE_PAPERS = "Giấy tờ cần chuẩn bị:"
GUIDANCE_FEE = "Lệ phí:"
GUIDANCE_DEADLINE = "Thời hạn:"
GUIDANCE_WHERE = "Nộp ở đâu:"
GUIDANCE_NEW_RULES = "Lưu ý (quy định mới):"
CONSENT = ("Để giúp bác làm hồ sơ, tổ cần hỏi và ghi lại vài thông tin cho riêng yêu cầu này. Thông tin chỉ "
           "dùng để hỗ trợ bác và được giữ kín theo Nghị định 13/2023/NĐ-CP. Bác có đồng ý không ạ?")
CONSENT_OPTIONS = ("Đồng ý", "Không đồng ý")
NO_CONSENT = "Dạ, tổ không ghi thông tin của bác. Bác có thể tự làm theo hướng dẫn ở trên ạ."
OPTIONAL_HINT = "(Nếu không có, bác gõ «bỏ qua».)"
PHOTO_HINT = "(Bác bấm nút gửi ảnh trong Zalo để gửi ảnh.)"
LOCATION_HINT = "(Bác gửi vị trí trong Zalo, hoặc gõ địa chỉ.)"
YESNO = ("Có", "Không")
CHANNEL_QUESTION = "Bác muốn nộp hồ sơ theo cách nào ạ?"
CHANNEL_LABELS = {"online": "Tự nộp qua mạng", "nha_van_hoa": "Tại nhà văn hóa", "tai_nha": "Tại nhà"}
CHANNEL_OPTIONS = ("Tự nộp qua mạng (tổ hướng dẫn)", "Ra nhà văn hóa nhờ tình nguyện viên",
                   "Tình nguyện viên đến nhà")
SUMMARY_TITLE = "Bác kiểm tra lại thông tin ạ:"
SUMMARY_OPTIONS = ("Gửi", "Sửa")
SUMMARY_CHANNEL = "Cách nộp"
SKIPPED = "(bỏ qua)"
EDIT_WHICH = "Bác muốn sửa mục nào ạ? Bác gõ số:"
OFFER_HUMAN = "Có vẻ câu này hơi khó. Bác có muốn tổ nối với tình nguyện viên không ạ?"
OFFER_HUMAN_OPTIONS = ("Gặp tình nguyện viên", "Tôi thử lại")
CANCELLED = "Dạ, tổ đã hủy, không lưu thông tin vừa rồi."
RESUME = "Lần trước bác đang làm «{title}» dở. Bác muốn làm tiếp không ạ?"
RESUME_OPTIONS = ("Tiếp tục", "Làm lại")
PLEASE_CHOOSE = "Bác bấm nút hoặc gõ số giúp tổ nhé."
NOTHING_TO_GO_BACK = "Đây là câu đầu tiên rồi ạ."
ANSWER_PROBLEMS = {
    "text": "Bác trả lời ngắn gọn giúp tổ (từ 2 đến 1000 chữ) ạ.",
    "name": "Bác gõ họ và tên đầy đủ, chỉ chữ, ví dụ: Nguyễn Văn An.",
    "date": "Ngày chưa đúng ạ. Bác gõ theo dạng ngày/tháng/năm, ví dụ: 15/08/2024.",
    "date_future": "Ngày này chưa tới ạ. Bác xem lại giúp tổ, ví dụ: 15/08/2024.",
    "date_past": "Ngày này đã qua rồi ạ. Bác chọn một ngày sắp tới, ví dụ: {example}.",
    "phone": "Số điện thoại chưa đúng ạ. Bác gõ 10 số, ví dụ: 0912345678.",
    "cccd": "Số căn cước (CCCD) gồm 12 chữ số ạ, ví dụ: 001234567890.",
    "number": "Bác gõ một con số giúp tổ, ví dụ: 3.",
    "choice": "Bác bấm nút hoặc gõ số thứ tự giúp tổ (ví dụ: 1).",
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
HUMAN_REQUESTED = ("Dạ, tổ đã báo cán bộ, tình nguyện viên (mã {code}). Người trực sẽ nhắn bác sớm, trong giờ "
                   "{hours}. Trong lúc chờ, bác cứ nhắn câu hỏi vào đây ạ.")
