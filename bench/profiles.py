"""Summaries of py-spy's collapsed stacks (`py-spy record -f raw`): where the time goes.

    .venv/bin/python -m bench.profiles bench/out/profile-100000-visit_by_id.txt

Prints, for the sampled process, the share of samples in which each function is on the stack
(inclusive) and at the top of it (self), for the functions that matter most.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

# Thread-pool workers parked between requests: py-spy may sample them, they do no work.
IDLE_LEAVES = ("Condition.wait (", "wait (threading.py)")
_FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]*)(?::\d+)?\)$")


def _label(frame: str) -> str:
    match = _FRAME.match(frame.strip())
    if match is None:
        return frame.strip()
    file = match["file"]
    for marker in ("site-packages/", "lib/python3.11/", "/app/", "/bench/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            file = ("app/" + file) if marker == "/app/" else file
            break
    return f"{match['function']} ({file})"


def summarize(path: Path, top: int = 30) -> str:
    """The `top` functions by inclusive share, with their self share."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_label(f) for f in stack.split(";") if f.strip()]
        if not frames or frames[-1].startswith(IDLE_LEAVES):
            continue
        total += count
        for label in set(frames):
            inclusive[label] += count
        own[frames[-1]] += count
    if total == 0:
        return f"{path}: no samples"
    lines = [f"{path.name}: {total} samples", f"{'incl %':>7} {'self %':>7}  function (file)"]
    for label, count in inclusive.most_common(top):
        lines.append(f"{100 * count / total:7.1f} {100 * own[label] / total:7.1f}  {label}")
    lines.append("top self time:")
    for label, count in own.most_common(15):
        lines.append(f"{100 * count / total:7.1f}  {label}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: summarize each file given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    for path in args.files:
        print(summarize(path, args.top))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
