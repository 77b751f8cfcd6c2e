"""Run the HCL source over every repository of the shared corpus and print what it found.

    python scripts/corpus_report.py [CORPUS_DIR] [--json]

CORPUS_DIR defaults to `../shared/corpus` relative to the repository root; when it does not exist the
script says so and exits 0. Each `<owner>__<repo>/` folder is read the way `kms-infracost check .` run
from its root reads it: the projects (root modules) found by discovery (`.terraform/`, hidden folders and
folders used only as modules are not projects), each read on its own so one broken root does not hide
the others. The corpus is only read, never copied.

Columns: roots; `resource "alicloud_kms_key"` blocks in the text (comment-aware) and how many of them the
source read; KMS resource instances and keys priced; assumptions made for unknown values (each with its
reason: a region no provider names, an attribute or count known only after apply); warnings; errors
(one-line user errors) and crashes (anything else: a bug).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kms_infracost import model
from kms_infracost.errors import UserError

SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
_KEY_BLOCK = re.compile(r'^[ \t]*resource[ \t]+"alicloud_kms_key"[ \t]+"([^"]+)"', re.MULTILINE)


@dataclass
class RepoResult:
    repo: str
    roots: int = 0
    key_blocks: int = 0
    key_blocks_found: int = 0
    resources: int = 0
    keys: int = 0
    assumptions: int = 0
    warnings: int = 0
    errors: list[str] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    missing_blocks: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: (project, resources, keys) for each project discovery found
    projects: list[tuple[str, int, int]] = field(default_factory=list)


def default_corpus() -> Path:
    return (REPO / ".." / "shared" / "corpus").resolve()


def strip_comments(text: str) -> str:
    """The text with comments blanked (line for line), so commented-out blocks are not counted."""
    out: list[str] = []
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 2
                continue
            if ch == '"' or ch == "\n":
                in_string = False
            i += 1
            continue
        if ch == '"':
            in_string = True
            out.append(ch)
            i += 1
        elif ch == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def key_blocks(files: list[Path]) -> list[tuple[str, int]]:
    """(file, line) of every `resource "alicloud_kms_key"` block outside comments."""
    found = []
    for path in files:
        if not path.name.endswith(".tf"):
            continue
        try:
            text = strip_comments(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        for m in _KEY_BLOCK.finditer(text):
            found.append((str(path), text.count("\n", 0, m.start()) + 1))
    return found


def survey(repo_dir: Path, cache_dir: str | None = None) -> RepoResult:
    from kms_infracost.projects import select_projects
    from kms_infracost.sources.hcl import load_hcl

    result = RepoResult(repo=repo_dir.name)
    started = time.perf_counter()
    files = sorted(
        p for p in repo_dir.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES) and ".terraform" not in p.parts
    )
    blocks = key_blocks(files)
    result.key_blocks = len(blocks)
    env = {"KMS_INFRACOST_CACHE_DIR": cache_dir} if cache_dir else {}
    seen: list[tuple[str, int | None, str, int]] = []
    here = os.getcwd()
    os.chdir(repo_dir)  # as a user runs `kms-infracost check .` at the repository's root
    try:
        projects, _ = select_projects((".",), repo_dir.resolve())
        result.roots = len(projects)
        for project in projects:
            try:
                inventory = load_hcl([project.path, *project.var_files], env=env, use_cache=cache_dir is not None,
                                     blocks_seen=seen)
            except UserError as exc:
                result.errors.append(f"{project.name}: {exc.one_line()}")
                continue
            except Exception as exc:  # noqa: BLE001 - a crash is a bug: record it with where it happened
                where = traceback.extract_tb(exc.__traceback__)[-1]
                result.crashes.append(
                    f"{project.name}: {type(exc).__name__}: {exc} (at {Path(where.filename).name}:{where.lineno})"
                )
                continue
            keys = sum(isinstance(r, model.KmsKey) for r in inventory.resources)
            result.projects.append((project.name, len(inventory.resources), keys))
            result.resources += len(inventory.resources)
            result.keys += keys
            result.assumptions += sum(len(r.assumptions) for r in inventory.resources)
            result.warnings += len(inventory.warnings)
        seen_at = {(os.path.abspath(f), line) for f, line, _, _ in seen}
    finally:
        os.chdir(here)
    for path, line in blocks:
        if (os.path.abspath(path), line) in seen_at:
            result.key_blocks_found += 1
        else:
            result.missing_blocks.append(f"{os.path.relpath(path, repo_dir)}:{line}")
    result.seconds = time.perf_counter() - started
    return result


def project_table(results: list[RepoResult]) -> str:
    """One row per project that holds a KMS resource: where the keys are, repository by repository."""
    rows = [("repository", "project", "resources", "keys")]
    for r in results:
        for name, resources, keys in r.projects:
            if resources:
                rows.append((r.repo, name, str(resources), str(keys)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines) + "\n"


def table(results: list[RepoResult]) -> str:
    head: tuple[str, ...] = ("repository", "roots", "key blocks", "found", "resources", "keys", "assumptions",
                             "warnings", "errors", "crashes")
    rows: list[tuple[str, ...]] = [head] + [
        (r.repo, str(r.roots), str(r.key_blocks), str(r.key_blocks_found), str(r.resources), str(r.keys),
         str(r.assumptions), str(r.warnings), str(len(r.errors)), str(len(r.crashes)))
        for r in results
    ]
    total = ("TOTAL",) + tuple(
        str(sum(int(row[i]) for row in rows[1:])) for i in range(1, len(head))
    )
    rows.append(total)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    details = []
    for r in results:
        for text in r.errors:
            details.append(f"error   {r.repo}: {text}")
        for text in r.crashes:
            details.append(f"CRASH   {r.repo}: {text}")
        for text in r.missing_blocks:
            details.append(f"missed  {r.repo}: {text}")
    return "\n".join(lines + ([""] + details if details else [])) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=default_corpus())
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}; nothing to do")
        return 0
    repos = sorted(p for p in args.corpus.iterdir() if p.is_dir() and "__" in p.name)
    results = [survey(repo) for repo in repos]
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(table(results), end="")
        print()
        print(project_table(results), end="")
    return 1 if any(r.crashes for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
