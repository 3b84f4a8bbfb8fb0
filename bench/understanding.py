"""How well the bot understands residents' first messages, on every set in tests/data, side by side:
emergency recall against false alarms, wrong starts on requests no form covers, and the share started
right on the procedure sets. Each set's first line says whether it is dev (used to tune) or held out.

Run: .venv/bin/python bench/understanding.py [--rounds dev,heldout,heldout-2,heldout-3] [--quiet]
(--quiet: figures only, without the messages missed.)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_understanding import measure_emergencies, measure_out_of_list  # noqa: E402
from tests.test_utterances import SETS, read_set, understood_as  # noqa: E402


ROUNDS = "dev,heldout,heldout-2,heldout-3,heldout-4"  # emergencies-, emergency-words-, out-of-list-<round>.tsv


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", default=ROUNDS)
    parser.add_argument("--sets", default=",".join(SETS), help="procedure sets (tests/test_utterances.py SETS)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    rounds, quiet = args.rounds.split(","), args.quiet
    print("Emergencies: recall | false alarms on messages that only mention the same words")
    for which in rounds:
        e = measure_emergencies(which)
        print(f"  {which:8} {e.recalled}/{e.emergencies} = {e.recall:.1%} | "
              f"{e.false_alarms}/{e.mentions} = {e.false_alarm_rate:.1%}")
        for text in () if quiet else e.missed:
            print(f"      missed: {text}")
        for text in () if quiet else e.alarmed:
            print(f"      false alarm: {text}")
    print("Requests no form covers: right | right one offered first | wrong forms started")
    for which in rounds:
        o = measure_out_of_list(which)
        print(f"  {which:8} {o.right}/{o.total} | {o.offered} | {len(o.wrong_forms)}")
        for text, label, got in () if quiet else o.wrong_forms:
            print(f"      wrong start: {got} for «{text}» ({label})")
    print("Procedure sets: started right (strictly)")
    for name in args.sets.split(","):
        if not any(p.exists() for p in SETS[name]):
            continue
        rows = read_set(name)
        right = sum(understood_as(text) == want for text, want in rows)
        print(f"  {name:10} {right}/{len(rows)} = {right / len(rows):.1%}")
        for text, want in () if quiet else rows:
            if (got := understood_as(text)) != want:
                print(f"      {got} for «{text}» ({want})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
