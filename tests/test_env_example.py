"""`.env.example` documents every setting the code reads."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_by_the_code_is_documented():
    code = (ROOT / "config" / "settings.py").read_text() + (ROOT / "gunicorn.conf.py").read_text()
    read = set(re.findall(r'get\("([A-Z][A-Z0-9_]+)"', code)) | set(re.findall(r'env(?:iron)?\.get\(\s*"([A-Z][A-Z0-9_]+)"', code))
    read |= set(re.findall(r'"(ZALO_[A-Z_]+)"', code))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "found no settings in the code"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"


def test_every_variable_read_elsewhere_in_the_code_is_mentioned():
    """Outside config/, only the Zalo client reads the environment (the proxy and CA bundle, once)."""
    example = (ROOT / ".env.example").read_text()
    for path in (ROOT / "bot").rglob("*.py"):
        for name in re.findall(r'environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', path.read_text()):
            assert name in example, f"{name} ({path.relative_to(ROOT)}) is not in .env.example"
