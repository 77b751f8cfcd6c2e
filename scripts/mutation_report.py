"""Score of the last mutmut run (mutants/ beside pyproject.toml), per file, without the equivalent mutants.

    python scripts/mutation_report.py [--min 90] [--survivors] [--markdown]

A mutant is named in scripts/mutation-equivalent.toml by what it changes (file, function, the line before and
after), not by mutmut's number, so the list survives edits elsewhere in the file. Exit 1 when the score of
non-equivalent mutants in any file is under --min, or when an equivalent entry no longer matches any mutant.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "scripts" / "mutation-equivalent.toml"


@dataclass(frozen=True)
class Change:
    file: str
    function: str
    before: str
    after: str


def change_of(name: str, path: Path) -> Change:
    """What one mutant changes, from mutmut's own diff of the function."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.utils.format_utils import orig_function_and_class_names_from_key

    diff = get_diff_for_mutant(name, path=path).splitlines()[2:]
    removed = " / ".join(line[1:].strip() for line in diff if line.startswith("-"))
    added = " / ".join(line[1:].strip() for line in diff if line.startswith("+"))
    function, cls = orig_function_and_class_names_from_key(name)
    function = function.rpartition(".")[-1]
    return Change(str(path), f"{cls}.{function}" if cls else function, removed, added)


def load_equivalent() -> dict[Change, str]:
    data = tomllib.loads(EQUIVALENT.read_text(encoding="utf-8"))
    return {Change(e["file"], e["function"], e["before"], e["after"]): e["why"] for e in data.get("equivalent", [])}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=float, default=90.0, help="lowest acceptable score per file, in percent")
    parser.add_argument("--survivors", action="store_true", help="list every surviving non-equivalent mutant")
    parser.add_argument("--markdown", action="store_true", help="the table as markdown")
    args = parser.parse_args()

    import os

    os.chdir(ROOT)
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    equivalent = load_equivalent()
    used: set[Change] = set()
    rows: list[tuple[str, Counter[str]]] = []
    survivors: dict[str, list[tuple[str, Change]]] = defaultdict(list)
    for path in sorted(walk_mutatable_files()):
        data = SourceFileMutationData(path=path)
        data.load()
        counts: Counter[str] = Counter()
        for name, code in sorted(data.exit_code_by_key.items()):
            status = status_by_exit_code[code]
            if status in ("killed", "timeout", "caught by type check", "segfault"):
                counts["killed"] += 1
                continue
            if status == "not checked":
                counts["not checked"] += 1
                continue
            change = change_of(name, path)
            if change in equivalent:
                used.add(change)
                counts["equivalent"] += 1
            else:
                counts["survived"] += 1
                survivors[str(path)].append((name, change))
        if data.exit_code_by_key:
            rows.append((str(path), counts))

    total = Counter[str]()
    for _, counts in rows:
        total.update(counts)
    rows.append(("all", total))
    failing = []
    if args.markdown:
        print("| file | mutants | killed | equivalent | survived | score |")
        print("|---|---:|---:|---:|---:|---:|")
    else:
        print(f"{'file':<38} {'mutants':>7} {'killed':>7} {'equiv':>6} {'survived':>8} {'score':>7}")
    for file, c in rows:
        real = c["killed"] + c["survived"] + c["not checked"]
        score = 100.0 * c["killed"] / real if real else 100.0
        n = sum(c.values())
        if args.markdown:
            print(f"| {file} | {n} | {c['killed']} | {c['equivalent']} | {c['survived']} | {score:.1f}% |")
        else:
            print(f"{file:<38} {n:>7} {c['killed']:>7} {c['equivalent']:>6} {c['survived']:>8} {score:>6.1f}%")
        if file != "all" and score < args.min:
            failing.append(file)
    if total["not checked"]:
        print(f"{total['not checked']} mutants not checked yet: run scripts/mutation.sh to the end", file=sys.stderr)
    if args.survivors:
        for file, found in survivors.items():
            print(f"\n{file}")
            for name, change in found:
                print(f"  {name.rpartition('.')[-1]}  [{change.function}]  {change.before!r} -> {change.after!r}")
    stale = [c for c in equivalent if c not in used and Path(c.file) in {Path(f) for f, _ in rows}]
    checked_everything = not total["not checked"]
    for change in stale if checked_everything else []:
        print(f"equivalent entry matches no surviving mutant (fix or remove it): {change}", file=sys.stderr)
    if failing:
        print(f"under {args.min:g}% of non-equivalent mutants killed: {', '.join(failing)}", file=sys.stderr)
    return 1 if failing or (stale and checked_everything) else 0


if __name__ == "__main__":
    sys.exit(main())
