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
