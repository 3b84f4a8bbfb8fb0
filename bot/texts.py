"""Every sentence residents read that is not in a procedure file. Short, polite, with diacritics."""

WELCOME = ("Chào bác! Đây là Tổ dân phố điện tử. Tổ sẽ hướng dẫn bác làm thủ tục từng bước, "
           "hoặc nối bác với cán bộ, tình nguyện viên (7h–21h).")
MENU_TITLE = "Bác cần làm gì ạ? Bác bấm nút hoặc gõ số:"
UNSUPPORTED = "Tổ chưa đọc được loại tin này ạ. Bác nhắn bằng chữ hoặc bấm số giúp tổ nhé."
