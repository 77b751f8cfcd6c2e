"""The cheap pass: find which files and blocks can matter before anything is parsed.

A hook runs on every commit, mostly over files with no KMS in them. Reading a file and looking for two
substrings costs microseconds; importing the HCL parser costs a tenth of a second and parsing a file
milliseconds. So every file is first read and checked for `alicloud_kms` and `module` here, with nothing
but `os` and `re`, and only the top-level blocks that can change a KMS price (KMS resources, variables,
locals, alicloud providers, module calls, outputs) are handed to the parser; the others are blanked out
line for line so the parser's line numbers stay those of the file.
"""

from __future__ import annotations

import os
import re
import stat as modes

from kms_infracost import runmemo
from kms_infracost.errors import UserError

KMS_MARK = "alicloud_kms"
TF_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
#: OpenTofu reads `x.tofu` instead of `x.tf` (and `x.tofu.json` instead of `x.tf.json`) when both exist
_TOFU_TWIN = {".tf": ".tofu", ".tf.json": ".tofu.json"}
#: top-level block types the evaluation reads; resources and data sources only when they are KMS ones.
KEPT_BLOCKS = frozenset({"variable", "locals", "module", "output"})

#: a gap HCL allows inside a line: blanks and /* */ comments (`module /* shared */ "keys" {`)
_GAP = r"(?:[ \t]|/\*.*?\*/)"
_MODULE_HEADER = re.compile(rf'(?m)^[ \t]*module{_GAP}+"([^"\n]+)"{_GAP}*\{{')
_SOURCE = re.compile(rf'(?m)^[ \t]*source{_GAP}*={_GAP}*"([^"\n]*)"')
_SPECIAL = re.compile(r'[{}"#/<]')
_SPECIAL_CHARS = frozenset('{}"#/<')
#: what skip_braced passes over without a step of its own, in one match: text with no brace, quote, comment
#: or heredoc in it, strings whose templates hold no brace, quote, comment or heredoc (`"${var.x}-y"`; no
#: `$${`, `%%{` or newline), whole comments, and a lone
#: `/` or `<`. Anything else stops it and is taken one step at a time, as before, so errors come out the
#: same. Possessive throughout: what is matched is never given back, so the match is linear.
_PLAIN_ITEM = (
    r'[^{}"#/<]++|"(?:[^"\\\n$%]++|\\.|[$%]\{[^{}"#/<]*+\}|[$%](?![{$%]))*+"|#[^\n]*+|//[^\n]*+'
    r"|/\*(?:[^*]++|\*(?!/))*+\*/"
    r"|/(?![/*])|<(?!<)"
)
_PLAIN_RUN = re.compile(f"(?:{_PLAIN_ITEM})*+")
_IN_STRING = re.compile(r'["\\$%\n]')
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)[ \t]*\r?\n")
#: an HCL identifier: Unicode letters (ID_Start) or _, then letters, digits, _ or -
_NAME = re.compile(r"[^\W\d][\w-]*")
_LABEL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/)+", re.DOTALL)
#: a block header with only blank-separated quoted labels (no escapes) and its `{` on the same line
_PLAIN_HEADER = re.compile(r'([^\W\d][\w-]*)((?:[ \t]+"[^"\\\n]*+")*+)[ \t]*\{')


def _nested(depth: int) -> str:
    """A block body of plain items and braced bodies nested up to `depth` deep (re has no recursion)."""
    body = f"(?:{_PLAIN_ITEM})*+"
    for _ in range(depth):
        body = f"(?:{_PLAIN_ITEM}|\\{{{body}\\}})*+"
    return body


#: leading blanks and comments, a plain header and its whole body, nested up to six deep, in one match: the
#: usual top-level block. Anything else in it (a heredoc, a template holding braces or quotes, deeper
#: nesting) makes it fail, and the block is read as before, step by step, so errors come out the same.
_WHOLE_BLOCK = re.compile(
    r'(?:[ \t\r\n]+|#[^\n]*+|//[^\n]*+|/\*(?:[^*]++|\*(?!/))*+\*/)*+'
    r'(([^\W\d][\w-]*)((?:[ \t]+"[^"\\\n]*+")*+)[ \t]*\{' + _nested(6) + r"\})"
)


class TopBlock:
    """One top-level block as the text scanner saw it: enough to decide whether to parse it."""

    __slots__ = ("end", "labels", "line", "start", "type")

    def __init__(self, type: str, labels: list[str], start: int, end: int, line: int) -> None:
        self.type, self.labels, self.start, self.end, self.line = type, labels, start, end, line


class SourceFile:
    """A configuration file read and checked as text."""

    __slots__ = ("ctime_ns", "mentions_kms", "module_calls", "mtime_ns", "path", "size", "text")

    def __init__(self, path: str, text: str, size: int, mtime_ns: int, mentions_kms: bool, ctime_ns: int = 0) -> None:
        #: as the user would see it (joined from what they gave)
        self.path = path
        self.text, self.size, self.mtime_ns, self.mentions_kms = text, size, mtime_ns, mentions_kms
        self.ctime_ns = ctime_ns  # in the cache key too: an edit that keeps size and mtime (touch -d, cp -p) changes it
        #: (call name, source) of each `module "x" { source = "..." }` the text shows
        self.module_calls: list[tuple[str, str | None]] = []

    def named(self, path: str) -> SourceFile:
        """The same file as read, under another name (as another folder's reading names it); every slot is
        copied (tests/test_hcl_scan_fastpath.py checks that none is left out)."""
        other = object.__new__(SourceFile)
        other.ctime_ns, other.mentions_kms, other.module_calls = self.ctime_ns, self.mentions_kms, self.module_calls
        other.mtime_ns, other.size, other.text = self.mtime_ns, self.size, self.text
        other.path = path
        return other

    @property
    def stamp(self) -> tuple[int, int]:
        """What the parse cache keys a file's entry on, with its size and path."""
        return (self.mtime_ns, self.ctime_ns)

    @property
    def is_json(self) -> bool:
        return self.path.endswith(".json")


class ScanError(Exception):
    """The text is not balanced enough to split into blocks; the parser will say why."""


def is_config_file(name: str) -> bool:
    """Terraform's own rule: .tf / .tf.json (and OpenTofu's .tofu / .tofu.json), ignoring hidden files and
    editor backups. Kept by name: a repository's folders repeat a few names (main.tf, variables.tf …)
    thousands of times, and each str method call parses its arguments anew."""
    try:
        return _CONFIG_NAMES[name]
    except KeyError:
        pass
    answer = not (name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#")))
    answer = answer and name.endswith(TF_SUFFIXES)
    if len(_CONFIG_NAMES) < 4096:  # names, not paths: bounded in practice, and bounded here
        _CONFIG_NAMES[name] = answer
    return answer


_CONFIG_NAMES: dict[str, bool] = {}


def join(directory: str, name: str) -> str:
    """A path inside a directory as the user named it (no "./" in front of names in the current one)."""
    if directory in ("", "."):
        return name
    if _POSIX and directory[-1] != "/" and name[:1] != "/":  # indexing: no method call for each name
        return f"{directory}/{name}"  # what os.path.join gives here, for thousands of names a run
    return os.path.join(directory, name)


_POSIX = os.path.join("a", "b") == "a/b"


def config_files(directory: str) -> list[str]:
    """The configuration files of one module directory, in Terraform's (lexical) order."""
    try:
        names = []
        for name, is_file, _, _ in runmemo.listing(directory):
            if is_config_file(name) and is_file is not False:
                if is_file is None:  # asking raised (a link to itself): ask again, to say why
                    os.stat(join(directory, name))
                names.append(name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise UserError(f"cannot read directory: {exc.strerror}", directory) from None
    present = set(names)
    return [join(directory, name) for name in sorted(names) if _tofu_twin(name) not in present]


def _tofu_twin(name: str) -> str | None:
    """The OpenTofu file that replaces this .tf / .tf.json file when both are in one folder."""
    if not name.endswith((".tf.json", ".tf")):
        return None
    suffix = ".tf.json" if name.endswith(".tf.json") else ".tf"
    return name[: -len(suffix)] + _TOFU_TWIN[suffix]


def decode(data: bytes, path: str) -> str:
    """Bytes to text, with the errors a user can act on (binary file, wrong encoding)."""
    if 0 in data:  # a NUL byte (an int is looked for directly; a bytes needle is first tried as an int, which raises)
        raise UserError("is a binary file, not Terraform text; remove it or give it another extension", path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "Terraform reads configuration as UTF-8: re-save the file as UTF-8",
            path,
            line,
        ) from None


#: os.open's flags for reading a whole file (worked out once: a getattr that fails raises and formats an
#: AttributeError inside, and O_BINARY is missing everywhere but Windows)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _read_file(path: str) -> tuple[bytes, os.stat_result]:
    """A file's bytes and its stat, in four system calls: open() with its buffering layers made eight (a
    terminal check, seeks, a second stat), and a monorepo run reads thousands of files."""
    observer = runmemo.file_observer
    if observer is None:
        fd = os.open(path, _READ_FLAGS)
    else:  # a recorded run: the observer is told how the open went (its audit event is left to it)
        runmemo.reading = path
        try:
            fd = os.open(path, _READ_FLAGS)
        except OSError:
            observer(path, None)
            raise
        finally:
            runmemo.reading = None
    try:
        stat = os.fstat(fd)
        if observer is not None:
            observer(path, stat)
        if modes.S_ISDIR(stat.st_mode):
            raise IsADirectoryError(path)
        chunks = [os.read(fd, stat.st_size + 1)]  # a regular file: all of it, and a short read says it ended
        regular = modes.S_ISREG(stat.st_mode)
        while chunks[-1] and not (regular and len(chunks) == 1 and len(chunks[0]) <= stat.st_size):
            chunks.append(os.read(fd, 1 << 16))  # it grew meanwhile, or a pipe: read to the end
    finally:
        os.close(fd)
    return b"".join(chunks), stat


#: what every kms-infracost annotation comment holds
ANNOTATION_MARK = "kms-infracost:"


def read_source(path: str) -> SourceFile:
    try:
        data, stat = _read_file(path)
    except FileNotFoundError:
        raise UserError("no such file", path) from None
    except IsADirectoryError:
        raise UserError("is a directory, expected a file", path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path) from None
    text = decode(data, path)
    source = SourceFile(
        path=path,
        text=text,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        mentions_kms=KMS_MARK in text,
        ctime_ns=stat.st_ctime_ns,
    )
    if "module" in text:
        source.module_calls = module_calls_in(text, source.is_json)
    if ANNOTATION_MARK not in text:  # the run's annotation reader need not read this file again
        runmemo.table("unannotated")[runmemo.abspath(path)] = True
    return source


def module_calls_in(text: str, is_json: bool) -> list[tuple[str, str | None]]:
    """Module calls and their sources, read from the text alone (an over-approximation is fine)."""
    if is_json:
        import json

        try:
            doc = json.loads(text)
        except ValueError:
            return [("?", None)]  # the parser will report it
        calls: list[tuple[str, str | None]] = []
        for item in doc if isinstance(doc, list) else [doc]:
            modules = item.get("module") if isinstance(item, dict) else None
            for body in modules if isinstance(modules, list) else [modules]:
                if isinstance(body, dict):
                    for name, call in body.items():
                        src = call.get("source") if isinstance(call, dict) else None
                        calls.append((name, src if isinstance(src, str) else None))
        return calls
    calls = []
    for match in _MODULE_HEADER.finditer(text):
        found = _SOURCE.search(text, match.end())
        calls.append((match.group(1), found.group(1) if found else None))
    return calls


# -- splitting a file into top-level blocks ----------------------------------------------------------


def _skip_string(text: str, i: int) -> int:
    """From just after an opening quote to just after the closing one, through `${ ... }`."""
    n = len(text)
    while True:
        m = _IN_STRING.search(text, i)
        if m is None:
            raise ScanError("unterminated string")
        ch = m.group()
        j = m.start()
        if ch == '"':
            return j + 1
        if ch == "\\":
            i = j + 2
        elif ch == "\n":
            raise ScanError("newline in a quoted string")
        elif j + 1 < n and text[j + 1] == "{":
            i = skip_braced(text, j + 2)
        elif j + 2 < n and text[j + 1] == ch and text[j + 2] == "{":  # $${ and %%{ are literal
            i = j + 3
        else:
            i = j + 1


def _skip_heredoc(text: str, match: re.Match[str]) -> int:
    marker = match.group(2)
    closing = re.compile(r"(?m)^[ \t]*" + re.escape(marker) + r"[ \t]*\r?$")
    found = closing.search(text, match.end())
    if found is None:
        raise ScanError(f"heredoc {marker} is not closed")
    return found.end()


def skip_braced(text: str, i: int) -> int:
    """From just after `{` to just after its matching `}`, past strings, comments and heredocs."""
    depth = 1
    plain = _PLAIN_RUN.match
    while True:
        run = plain(text, i)  # always a match (possibly empty)
        if run:
            i = run.end()
        j = i
        ch = text[j : j + 1]  # the run stops only at one of _SPECIAL's characters, or at the end
        if ch not in _SPECIAL_CHARS:  # the end (or the run turned off, as a test compares)
            m = _SPECIAL.search(text, i)
            if m is None:
                raise ScanError("unclosed {")
            ch, j = m.group(), m.start()
        if ch == "{":
            depth += 1
            i = j + 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j + 1
            i = j + 1
        elif ch == '"':
            i = _skip_string(text, j + 1)
        elif ch == "#":
            end = text.find("\n", j)
            i = len(text) if end < 0 else end
        elif ch == "/":
            nxt = text[j + 1 : j + 2]
            if nxt == "/":
                end = text.find("\n", j)
                i = len(text) if end < 0 else end
            elif nxt == "*":
                end = text.find("*/", j + 2)
                if end < 0:
                    raise ScanError("unclosed /* comment")
                i = end + 2
            else:
                i = j + 1
        else:  # "<"
            heredoc = _HEREDOC.match(text, j)
            i = _skip_heredoc(text, heredoc) if heredoc else j + 1


def split_blocks(text: str, only_kept: bool = False) -> list[TopBlock]:
    """Top-level blocks of an HCL file; ScanError when the text is not a sequence of blocks.

    only_kept: just the blocks `keeps` keeps (the rest are still read past, to find where each ends).

    A formatted file closes each top-level block with a line holding only `}`. The text is cut after each
    such line and each piece is scanned on its own, once a run for each distinct piece: copied stacks
    repeat most of their blocks, and scanning is character by character. A piece scans only if it is
    a whole sequence of blocks ending at that `}` (a cut inside a heredoc, a comment or a nested block
    leaves a piece that does not scan), and the scan of a text reads each block up to its `}` and no
    further, so the pieces' blocks are the whole text's. When a piece does not scan, the whole text is
    scanned as one, which finds the same blocks or the error to report."""
    if "\n}\n" not in text:
        return _split(text, only_kept)
    memo = runmemo.table("split pieces")
    blocks: list[TopBlock] = []
    pos, line, n = 0, 1, len(text)
    while pos < n:
        cut = text.find("\n}\n", pos)
        end = n if cut < 0 else cut + 3
        piece = text[pos:end] if pos or end < n else text
        key = (piece, only_kept)
        found = memo.get(key)
        if found is None:
            try:
                found = _split(piece, only_kept)
            except ScanError:
                return _split(text, only_kept)  # not cut between blocks, or a bad text: the whole text names it
            memo[key] = found
        if pos == 0:
            blocks.extend(found)
        else:
            shift = line - 1
            blocks.extend(TopBlock(b.type, b.labels, b.start + pos, b.end + pos, b.line + shift) for b in found)
        line += piece.count("\n")
        pos = end
    return blocks


def _split(text: str, only_kept: bool) -> list[TopBlock]:
    """split_blocks on one text, scanned from its start."""
    blocks: list[TopBlock] = []
    i, n = 0, len(text)
    line, counted = 1, 0  # lines counted up to `counted`, so a file of many blocks is counted once
    whole = _WHOLE_BLOCK.match
    while True:
        block = whole(text, i)
        if block is not None:
            start, end = block.span(1)
            kind, labels = block.group(2), block.group(3).split('"')[1::2]
            line += text.count("\n", counted, start)
            counted = start
            if not only_kept or kept(kind, labels):
                blocks.append(TopBlock(kind, labels, start, end, line))
            i = end
            continue
        m = _SPACE.match(text, i)
        if m:
            i = m.end()
        if i >= n:
            return blocks
        start = i
        head = _PLAIN_HEADER.match(text, i)
        if head is not None:  # `type "label" "label" {` on one line, the usual shape: one match
            kind, labels, i = head.group(1), head.group(2).split('"')[1::2], head.end() - 1
        else:
            kind, labels, i = _header(text, i, n)
        end = skip_braced(text, i + 1)
        line += text.count("\n", counted, start)
        counted = start
        if not only_kept or kept(kind, labels):
            blocks.append(TopBlock(kind, labels, start, end, line))
        i = end


def _header(text: str, i: int, n: int) -> tuple[str, list[str], int]:
    """A block's type and labels, read step by step (comments, line breaks, bare labels); i at its `{`."""
    name = _NAME.match(text, i)
    if name is None:
        raise ScanError("expected a block")
    i = name.end()
    labels: list[str] = []
    while True:
        m = _SPACE.match(text, i)
        if m:
            i = m.end()
        if i >= n:
            raise ScanError("block without a body")
        ch = text[i]
        if ch == "{":
            break
        label = _LABEL.match(text, i) if ch == '"' else _NAME.match(text, i)
        if label is None:
            raise ScanError("expected a block label or {")
        labels.append(label.group(1) if ch == '"' else label.group())
        i = label.end()
    return name.group(), labels, i


_ATTR_START = re.compile(r"[ \t]*([^\W\d][\w-]*)[ \t]*=(?![=>])")
_NESTED_START = re.compile(r'[ \t]*([^\W\d][\w-]*)(?:[ \t]+(?:"[^"\n]*"|[^\W\d][\w-]*))*[ \t]*\{')
_BODY_SPECIAL = re.compile(r'[{}"#/<\n]')


def top_level_items(text: str, start: int, end: int) -> list[tuple[str, str, int]]:
    """(kind "attr" | "block", name, offset) of each item directly inside a block, from the text.

    Knowing which locals a block defines without parsing it lets the block be parsed only when one of
    them is read; knowing where a variable's `validation` block is lets it be left out of the parse.
    """
    body = text.index("{", start) + 1
    items: list[tuple[str, str, int]] = []
    i, depth = body, 0
    at_line_start = True
    while i < end - 1:
        if at_line_start and depth == 0:
            at_line_start = False
            m = _ATTR_START.match(text, i)
            if m:
                items.append(("attr", m.group(1), i))
                i = m.end()
                continue
            m = _NESTED_START.match(text, i)
            if m:
                items.append(("block", m.group(1), i))
                depth += 1
                i = m.end()
                continue
        m = _BODY_SPECIAL.search(text, i, end - 1)
        if m is None:
            break
        ch, j = m.group(), m.start()
        if ch == "\n":
            at_line_start = True
            i = j + 1
        elif ch == "{":
            depth += 1
            i = j + 1
        elif ch == "}":
            depth -= 1
            i = j + 1
        elif ch == '"':
            i = _skip_string(text, j + 1)
        elif ch == "#" or (ch == "/" and text[j + 1 : j + 2] == "/"):
            newline = text.find("\n", j)
            i = end if newline < 0 else newline
        elif ch == "/" and text[j + 1 : j + 2] == "*":
            close = text.find("*/", j + 2)
            i = end if close < 0 else close + 2
        elif ch == "<":
            heredoc = _HEREDOC.match(text, j)
            i = _skip_heredoc(text, heredoc) if heredoc else j + 1
        else:
            i = j + 1
    return items


def attribute_names(text: str, start: int, end: int) -> list[str]:
    """The names of the attributes directly inside a block (a `locals` block's locals)."""
    return [name for kind, name, _ in top_level_items(text, start, end) if kind == "attr"]


def only_attributes(text: str, start: int, end: int, wanted: frozenset[str]) -> str | None:
    """The block's text with only the wanted top-level attributes (None: nothing to leave out).

    A variable's description and validation cost parse time and never change a price.
    """
    items = top_level_items(text, start, end)
    if all(kind == "attr" and name in wanted for kind, name, _ in items):
        return None
    body = text.index("{", start) + 1
    close = text.rindex("}", start, end)
    bounds = [offset for _, _, offset in items] + [close]
    kept = [
        text[bounds[n] : bounds[n + 1]].rstrip() + "\n"
        for n, (kind, name, _) in enumerate(items)
        if kind == "attr" and name in wanted
    ]
    return text[start:body] + "\n" + "".join(kept) + "}"


def keeps(block: TopBlock) -> bool:
    """Whether a top-level block can change what KMS costs."""
    return kept(block.type, block.labels)


def kept(kind: str, labels: list[str]) -> bool:
    """keeps, from a block's type and labels."""
    if kind in ("resource", "data"):
        return bool(labels) and labels[0].startswith(KMS_MARK)
    if kind == "provider":
        return labels[:1] == ["alicloud"]
    return kind in KEPT_BLOCKS


def relevant_text(text: str) -> tuple[str, list[TopBlock]] | None:
    """The file with every block that cannot matter blanked (newlines kept), and the blocks kept.

    None when the text cannot be split: the caller parses the whole file so the parser names the error.
    """
    try:
        blocks = split_blocks(text)
    except ScanError:
        return None
    kept = [b for b in blocks if keeps(b)]
    if len(kept) == len(blocks):
        return text, kept
    pieces: list[str] = []
    pos = 0
    for block in blocks:
        if keeps(block):
            continue
        pieces.append(text[pos : block.start])
        pieces.append("\n" * text.count("\n", block.start, block.end))
        pos = block.end
    pieces.append(text[pos:])
    return "".join(pieces), kept
