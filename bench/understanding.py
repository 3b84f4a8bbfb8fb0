"""How well the bot understands residents' first messages, on every set in tests/data, side by side:
emergency recall against false alarms, wrong starts on requests no form covers, and the share started
right on the procedure sets. Each set's first line says whether it is dev (used to tune) or held out.

Run: .venv/bin/python bench/understanding.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_understanding import measure_emergencies, measure_out_of_list  # noqa: E402
from tests.test_utterances import SETS, read_set, understood_as  # noqa: E402


def main() -> int:
    print("Emergencies: recall | false alarms on messages that only mention the same words")
    for which in ("dev", "heldout", "heldout-2"):
        e = measure_emergencies(which)
        print(f"  {which:8} {e.recalled}/{e.emergencies} = {e.recall:.1%} | "
              f"{e.false_alarms}/{e.mentions} = {e.false_alarm_rate:.1%}")
        for text in e.missed:
            print(f"      missed: {text}")
        for text in e.alarmed:
            print(f"      false alarm: {text}")
    print("Requests no form covers: right | right one offered first | wrong forms started")
    for which in ("dev", "heldout", "heldout-2"):
        o = measure_out_of_list(which)
        print(f"  {which:8} {o.right}/{o.total} | {o.offered} | {len(o.wrong_forms)}")
        for text, label, got in o.wrong_forms:
            print(f"      wrong start: {got} for «{text}» ({label})")
    print("Procedure sets: started right (strictly)")
    for name in SETS:
        if not any(p.exists() for p in SETS[name]):
            continue
        rows = read_set(name)
        right = sum(understood_as(text) == want for text, want in rows)
        print(f"  {name:10} {right}/{len(rows)} = {right / len(rows):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
