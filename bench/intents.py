"""How long the bot takes to tell which procedure a free-text message asks for, and whether it reports an
emergency.

Every message a resident types at the menu is compared with every trigger of every procedure,
typos allowed. This prints the time per message over the resident phrasings of the shared set
and the tests' own, each with a typo or two added: first with a fresh matcher (nothing seen yet),
then again (the words seen are remembered).

Run: .venv/bin/python bench/intents.py [--rounds 20]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.flows.catalog import load_catalog  # noqa: E402


def phrasings() -> list[str]:
    files = [ROOT.parent / "shared" / "utterances-dev.tsv", *sorted((ROOT / "tests" / "data").glob("*.tsv"))]
    texts = [line.split("\t")[0] for path in files if path.exists()
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    rnd = random.Random(5)

    def typo(word: str) -> str:
        at = rnd.randrange(len(word))
        return word[:at] + word[at + 1:] if len(word) > 3 else word

    return texts + [" ".join(typo(w) if rnd.random() < 0.25 else w for w in text.split()) for text in texts]


def per_message(matcher, texts: list[str], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            matcher.match(text)
    return (time.perf_counter() - started) / (rounds * len(texts)) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    texts = phrasings()
    catalog = load_catalog(ROOT / "config")
    fresh = catalog.matcher
    first = per_message(fresh, texts, 1)
    again = per_message(fresh, texts, args.rounds)
    emergencies = per_message(catalog.emergencies, texts, args.rounds)
    print(f"Intent matching: {len(texts)} phrasings, {len(fresh.forms)} intents")
    print(f"fresh matcher, first pass: {first:.0f} µs per message")
    print(f"words seen before, {args.rounds} passes: {again:.0f} µs per message")
    print(f"emergency check (every resident message, before the rest), {args.rounds} passes: "
          f"{emergencies:.0f} µs per message")
    print(f"together, words seen before: {again + emergencies:.0f} µs per message (target: under 1,000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
