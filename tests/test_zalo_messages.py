"""Splitting long text at Zalo's 2,000-character limit without breaking words."""
import unicodedata

from bot.zalo.messages import split_text


def test_short_text_is_one_chunk():
    assert split_text("Chào bác") == ["Chào bác"]


def test_long_text_splits_on_lines_first_and_keeps_everything():
    lines = [f"Dòng số {i}: giấy tờ cần chuẩn bị cho thủ tục" for i in range(200)]
    text = "\n".join(lines)
    chunks = split_text(text)
    assert len(chunks) > 1 and all(len(c) <= 2000 for c in chunks)
    assert "\n".join(chunks).split("\n") == lines


def test_one_long_line_splits_on_words():
    words = ["thường_trú"] * 500
    chunks = split_text(" ".join(words))
    assert all(len(c) <= 2000 for c in chunks)
    assert " ".join(chunks).split(" ") == words


def test_decomposed_vietnamese_is_normalised_before_counting():
    decomposed = unicodedata.normalize("NFD", "Đăng ký khai sinh " * 150)
    chunks = split_text(decomposed)
    assert all(unicodedata.is_normalized("NFC", c) for c in chunks)
    assert all(len(c) <= 2000 for c in chunks)


def test_a_button_too_long_for_zalo_is_cut_between_words_and_says_so():
    from bot.replies import Choices, button_title
    assert button_title("Chỉ khai sinh") == "Chỉ khai sinh"
    assert button_title("Ở nhờ nhà người thân hoặc người quen") == "Ở nhờ nhà người thân hoặc người…"
    assert button_title("Khai sinh, thường trú, BHYT, căn cước") == "Khai sinh, thường trú, BHYT, căn…"
    assert len(button_title("x" * 50)) == 35
    choices = Choices("Bác chọn:", ("Khai sinh, thường trú, BHYT, căn cước", "Khác"), ("Cả 4 việc, có căn cước",))
    assert choices.button_titles() == ["Cả 4 việc, có căn cước", "Khác"]
