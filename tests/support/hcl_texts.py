"""Every HCL text the parser tests compare over: the repository's fixtures and examples, the HCL written
inline in the tests, and, when present, ../shared/corpus (real repositories) and ../shared/peer (OpenTofu's
configuration test suites). Those two are read in place, never copied.

    python tests/support/hcl_texts.py     # how many texts each group holds
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
PEER = SHARED / "peer"
SUFFIXES = (".tf", ".tofu", ".tfvars")


def _files(root: Path) -> Iterator[tuple[str, str]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name.endswith(SUFFIXES):
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            yield str(path.relative_to(root.parent)), text


def repository_texts() -> Iterator[tuple[str, str]]:
    """fixtures/ and examples/ files, then the string constants in tests/*.py that look like HCL."""
    yield from _files(REPO / "fixtures")
    yield from _files(REPO / "examples")
    for test in sorted((REPO / "tests").rglob("*.py")):
        try:
            tree = ast.parse(test.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if "\n" in text and ("{" in text or " = " in text):
                    yield f"{test.relative_to(REPO)}:{node.lineno}", text


def corpus_texts() -> Iterator[tuple[str, str]]:
    yield from _files(CORPUS)


def peer_texts() -> Iterator[tuple[str, str]]:
    yield from _files(PEER)


GROUPS = {"repository": repository_texts, "corpus": corpus_texts, "peer": peer_texts}


if __name__ == "__main__":
    for name, texts in GROUPS.items():
        print(f"{name}: {sum(1 for _ in texts())} texts")
