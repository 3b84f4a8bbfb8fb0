"""The household map as leaders keep it in a spreadsheet: import a CSV with a report of every row
accepted or rejected (and why), and export it the same way."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from bot.flows.answers import phone_number
from bot.flows.text import normalize
from bot.services.exports import write_csv
from bot.store import UnitOfWork

# Column → the headers leaders write for it (matched without diacritics or case).
COLUMNS = {
    "head_name": ("chu ho", "ho ten chu ho", "ten chu ho"),
    "address": ("dia chi", "so nha", "dia chi nha"),
    "area": ("khu", "khu vuc", "to", "cum"),
    "floors": ("so tang", "tang"),
    "people": ("so nguoi", "so nhan khau", "nhan khau"),
    "phone": ("dien thoai", "so dien thoai", "sdt"),
}
REQUIRED = ("head_name", "address")
EXPORT_HEADER = ("Chủ hộ", "Địa chỉ", "Khu", "Số tầng", "Số người", "Điện thoại")


class FileProblem(ValueError):
    """The whole file cannot be read (encoding, columns): nothing is imported."""


@dataclass
class ImportReport:
    accepted: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def read_rows(data: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The column positions and the data rows with their line numbers; FileProblem when unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("the file is not UTF-8: in Excel, save it as «CSV UTF-8 (Comma delimited)»") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = list(csv.reader(io.StringIO(text), dialect))
    if not lines:
        raise FileProblem("the file is empty")
    positions: dict[str, int] = {}
    for index, header in enumerate(lines[0]):
        key = normalize(header)
        for column, names in COLUMNS.items():
            if key in names and column not in positions:
                positions[column] = index
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        wanted = ", ".join(EXPORT_HEADER[list(COLUMNS).index(c)] for c in missing)
        raise FileProblem(f"missing column(s): {wanted} (the first line must name the columns: "
                          f"{', '.join(EXPORT_HEADER)})")
    return positions, [(number, row) for number, row in enumerate(lines[1:], start=2) if any(c.strip() for c in row)]


def _count(value: str, what: str) -> int:
    value = value.strip()
    if not value:
        return 0
    if not value.isdigit() or not 0 < int(value) < 1000:
        raise ValueError(f"{what} must be a whole number from 1 to 999, not {value!r}")
    return int(value)


def import_csv(uow: UnitOfWork, data: bytes) -> ImportReport:
    """Add every good row (duplicates of an address already in the map or earlier in the file are
    rejected); return the report. FileProblem when the file as a whole cannot be used."""
    positions, rows = read_rows(data)
    report, seen = ImportReport(), set()
    for number, row in rows:
        cell = {column: (row[i].strip() if i < len(row) else "") for column, i in positions.items()}
        head, address = " ".join(cell["head_name"].split()), " ".join(cell["address"].split())
        if not head or not address:
            report.rejected.append((number, "head of household and address are required"))
            continue
        phone = None
        if cell.get("phone"):
            phone = phone_number(cell["phone"])
            if phone is None:
                report.rejected.append((number, f"bad phone number {cell['phone']!r}"))
                continue
        try:
            floors = _count(cell.get("floors", ""), "floor count") or None
            people = _count(cell.get("people", ""), "number of people") or None
        except ValueError as exc:
            report.rejected.append((number, str(exc)))
            continue
        key = normalize(address)
        if key in seen or uow.households.exists(key):
            report.rejected.append((number, f"duplicate address {address!r}"))
            continue
        seen.add(key)
        uow.households.add(head, address, key, cell.get("area", "").strip()[:64], floors, people, phone)
        report.accepted += 1
    return report


def export_csv(uow: UnitOfWork) -> bytes:
    """Every household, in the import's columns (UTF-8 with BOM, so Excel reads the diacritics)."""
    out = io.StringIO()
    write_csv(out, EXPORT_HEADER, ((h.head_name, h.address, h.area, h.floors or "", h.people or "", h.phone or "")
                                   for h in uow.households.all()))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
