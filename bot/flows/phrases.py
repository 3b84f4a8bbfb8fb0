"""Every phrase the bot recognises in what people type, gathered in one place like the sentences it says
(bot/texts.py): a ward changes or adds one here, and the matching code stays as it is. All are written
without diacritics, as `flows/text.normalize` makes what residents type."""


# --- Commands at any step, and asking for a person or the menu (flows/intents.py) ---
# Whole-message commands, checked before anything else inside a conversation.
COMMANDS = {
    "cancel": ("huy", "huy bo", "thoi", "dung lai", "khong lam nua", "bo di", "thoi khong lam"),
    "back": ("quay lai", "tro lai", "lui lai", "cau truoc", "quay lai cau truoc"),
    "repeat": ("nhac lai", "hoi lai", "noi lai", "nhac lai cau hoi", "lap lai cau hoi"),
    "menu": ("menu", "0", "trang chu", "danh muc", "menu chinh", "quay ve menu", "ve menu"),
    "human": ("gap nguoi", "ho tro", "gap can bo", "can bo", "gap tinh nguyen vien", "tinh nguyen vien",
              "noi chuyen voi nguoi", "gap nguoi ho tro", "can nguoi ho tro", "goi can bo"),
}
# Phrases that mean "a person, please" anywhere in a longer message.
HUMAN_TRIGGERS = ("gap nguoi", "gap can bo", "noi chuyen voi can bo", "noi chuyen voi nguoi", "gap tinh nguyen vien",
                  "can nguoi giup", "nguoi giup truc tiep", "goi can bo", "khong biet dung", "gap nguoi ho tro",
                  "can bo ho tro", "tinh nguyen vien ho tro", "can nguoi ho tro", "gap truc tiep",
                  "noi chuyen truc tiep", "noi may", "to truong", "chuyen cho can bo", "noi voi nguoi",
                  "hoi truc tiep", "noi chuyen voi tinh nguyen vien", "noi chuyen voi ai", "nhan lai cho toi",
                  "can tinh nguyen vien", "gap to truong", "khong hieu", "kho hieu", "nguoi tra loi", "nguoi that",
                  "khong biet bam", "khong biet nhan", "goi dien cho toi duoc", "goi lai cho toi", "co ai giup",
                  "nhan vien ho tro", "chuyen rieng", "to pho", "goi cho toi duoc", "tra loi em", "tra loi toi",
                  "tra loi voi", "ho tro truc tiep")
# Phrases that ask what the bot can do: the menu.
MENU_TRIGGERS = ("xem menu", "co nhung muc gi", "nhung muc gi", "nhung viec gi", "lam duoc gi", "giup duoc gi",
                 "giup duoc nhung gi", "co nhung gi", "danh sach viec", "danh sach thu tuc", "xem danh sach")
# Small talk holding one of these thanks the tổ: a short «Dạ không có gì ạ», not the menu again.
THANKS = ("cam on", "thanks", "thank")

# --- Answers (flows/answers.py) ---
YES = {"co", "1", "dung", "u", "uh", "um", "vang", "da", "roi", "da roi", "co a", "dung roi", "phai", "ok",
       "dong y", "duoc", "yes", "co roi", "vang a", "da co"}
NO = {"khong", "2", "chua", "khong co", "chua co", "khong phai", "no", "khong a", "chua a", "sai"}
SKIP = {"bo qua", "khong co", "khong biet", "chua co", "skip", "bo"}
# «I don't know»: never an answer to a question that must be answered (a choice may offer «Không rõ»).
NOT_KNOWN = {"khong biet", "khong nho", "chua biet", "khong ro", "chua ro", "quen roi", "toi quen roi",
             "khong biet a", "khong nho a", "chiu", "chua dat ten"}
# How a yes starts («vâng ạ», «dạ đồng ý», «được ạ», «ok gửi đi»); a no starts with «không» or «chưa».
AGREE_STARTS = ("co", "vang", "duoc", "ok", "dong y", "u", "yes", "gui", "xac nhan")
POLITE_WORDS = {"a", "nhe", "nha", "chau", "em"}  # «vâng ạ», «đồng ý nhé cháu»

# --- The summary (flows/engine.py) ---
SUBMIT_WORDS = {"1", "gui", "gui di", "dong y", "co", "ok", "xac nhan", "dung", "dung roi", "duoc", "so 1"}
EDIT_WORDS = {"2", "sua", "sua lai", "chinh sua", "so 2", "sai"}

# --- Announcements, for residents and leaders (handlers/announce.py) ---
ANNOUNCEMENTS_OFF = {"dung nhan tin", "dung nhan thong bao", "huy nhan tin", "khong nhan tin nua", "tat thong bao"}
ANNOUNCEMENTS_ON = {"nhan tin lai", "nhan lai tin", "nhan thong bao lai", "bat thong bao", "nhan lai thong bao"}
SCHEDULED_ANNOUNCEMENTS = {"thong bao da hen", "thong bao hen gio", "danh sach thong bao"}

# --- Appointments (handlers/appointments.py) ---
APPOINTMENT_CANCEL = {"huy lich", "huy lich hen", "huy hen", "huy cuoc hen", "huy lich ho tro"}
APPOINTMENT_MOVE = {"doi lich", "doi lich hen", "doi hen", "doi ngay hen", "doi ngay", "doi buoi", "chuyen lich",
                    "doi gio hen"}

# --- A member's own data (handlers/my_data.py) ---
MY_DATA_SHOW = {"du lieu cua toi", "thong tin cua toi", "xem du lieu cua toi", "xem thong tin cua toi"}
MY_DATA_ERASE = {"xoa du lieu cua toi", "xoa thong tin cua toi", "xoa du lieu", "xoa het du lieu cua toi"}

# --- Staff (handlers/staff_commands.py) ---
ON_DUTY = {"truc", "vao truc", "bat dau truc", "vao ca"}
OFF_DUTY = {"nghi", "nghi truc", "het ca", "het truc"}
STAFF_HELP = {"lenh", "huong dan can bo", "lenh can bo"}

# --- Groups, for leaders (handlers/groups.py) ---
GROUPS_LIST = {"nhom", "danh sach nhom", "cac nhom", "xem cac nhom"}


# --- A resident following their own request (handlers/lookup.py) ---
# Words that may stand around a code («tra cứu TT-0001», «hồ sơ TT-0001 của tôi đến đâu rồi ạ»).
LOOKUP_WORDS = ("tra cuu", "kiem tra", "xem", "xem giup", "ho so", "ma ho so", "ma", "yeu cau", "phan anh",
                "cua toi", "cua em", "cua chau", "den dau roi", "the nao roi", "the nao", "sao roi", "giup toi",
                "cho toi", "giup", "a", "oi", "voi", "nhe", "so", "ma so")
# Whole messages asking for the list of one's open requests.
MY_REQUESTS = ("ho so cua toi", "yeu cau cua toi", "den dau roi", "ho so den dau roi", "kiem tra ho so",
               "tra cuu ho so", "xem ho so", "ho so cua toi den dau roi", "yeu cau cua toi den dau roi",
               "phan anh cua toi", "phan anh cua toi den dau roi", "xem yeu cau cua toi", "kiem tra yeu cau",
               "ho so cua toi the nao roi", "tra cuu")



# --- Answers to an announcement's sign-up (handlers/signup.py), typed as a whole message ---
SIGNUP_YES = ("dang ky", "dang ki", "toi dang ky", "dang ky tham gia", "tham gia", "toi tham gia", "co tham gia",
              "dang ky a", "toi xin dang ky", "xin dang ky", "cho toi dang ky", "dang ky cho toi")
SIGNUP_NO = ("khong tham gia", "toi khong tham gia", "khong di", "khong di duoc", "khong dang ky")
SIGNUP_CANCEL = ("huy dang ky", "huy dang ki", "huy tham gia", "xin huy dang ky", "toi huy dang ky",
                 "khong di nua", "bo dang ky")
# «2 người», «đi 3 người», «đăng ký 2 người»: how many people come (the number is read separately)
SIGNUP_PEOPLE_WORDS = ("di", "dang ky", "dang ki", "cho", "nha toi", "toi", "tham gia", "a", "nhe")
