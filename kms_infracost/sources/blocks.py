"""Find `resource "TYPE" "NAME" { … }` blocks in .tf text without parsing HCL.

Used to give plan-mode resources a file and line, and to find the comments (usage annotations, skips)
on and inside a block. A small scanner is enough: it only has to know where strings, heredocs and
comments begin and end so braces inside them do not count.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kms_infracost.records import record

#: HCL allows /* */ comments between the keyword, the labels and the brace
_GAP = r"(?:\s|/\*.*?\*/)"
_HEADER = re.compile(rf'\s*resource{_GAP}+"([^"]+)"{_GAP}*"([^"]+)"{_GAP}*\{{')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")


@record(frozen=True)
class Block:
    type: str
    name: str
    file: str
    start: int  # 1-based line of the `resource` keyword
    end: int  # 1-based line of the closing brace


def scan_blocks(text: str, file: str) -> list[Block]:
    """Top-level resource blocks with their first and last lines."""
    blocks: list[Block] = []
    lines = text.splitlines()
    depth = 0
    in_comment = False
    heredoc: str | None = None
    open_block: tuple[str, str, int] | None = None
    for number, line in enumerate(lines, 1):
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        if depth == 0 and not in_comment:
            header = _HEADER.match(line)
            if header:
                open_block = (header.group(1), header.group(2), number)
        i = 0
        in_string = False
        interp = 0
        while i < len(line):
            ch = line[i]
            two = line[i : i + 2]
            if in_comment:
                if two == "*/":
                    in_comment = False
                    i += 2
                    continue
                i += 1
                continue
            if in_string:
                if ch == "\\":
                    i += 2
                    continue
                if two == "${" or two == "%{":
                    interp += 1
                    i += 2
                    continue
                if ch == "}" and interp:
                    interp -= 1
                elif ch == '"' and not interp:
                    in_string = False
                i += 1
                continue
            if ch == "#" or two == "//":
                break
            if two == "/*":
                in_comment = True
                i += 2
                continue
            if ch == '"':
                in_string = True
            elif two == "<<":
                match = _HEREDOC.match(line[i:])
                if match:
                    heredoc = match.group(1)
                    break
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and open_block is not None:
                    blocks.append(Block(open_block[0], open_block[1], file, open_block[2], number))
                    open_block = None
                depth = max(depth, 0)
            i += 1
    return blocks


@lru_cache(maxsize=256)
def _file_blocks(path: str, size: int, mtime_ns: int) -> tuple[Block, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    return tuple(scan_blocks(text, path))


def module_blocks(directory: Path) -> dict[tuple[str, str], Block]:
    """Resource blocks of one module directory (its *.tf files, not subdirectories)."""
    found: dict[tuple[str, str], Block] = {}
    try:
        files = sorted(p for p in directory.iterdir() if p.suffix in (".tf", ".tofu") and p.is_file())
    except OSError:
        return found
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        for block in _file_blocks(str(path), stat.st_size, stat.st_mtime_ns):
            found.setdefault((block.type, block.name), block)
    return found
