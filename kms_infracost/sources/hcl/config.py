"""One module directory read into blocks: variables, locals, providers, KMS resources, module calls.

Reading goes text first (scan.py): a directory whose files never mention `alicloud_kms` and whose module
calls cannot lead to a directory that does is never parsed. Parsed files go through the parse cache.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import scan

if TYPE_CHECKING:
    from kms_infracost.sources.hcl.cache import ParseCache


@dataclass
class Block:
    type: str
    labels: list[str]
    line: int | None
    body: dict[str, Any]
    file: str

    def attr(self, name: str) -> list[Any] | None:
        entry = self.body["a"].get(name)
        return entry[0] if entry else None

    def attr_line(self, name: str) -> int | None:
        entry = self.body["a"].get(name)
        return entry[1] if entry and entry[1] else self.line


class LazyBlocks(Mapping[str, Block]):
    """Blocks by name, parsed the first time they are read.

    A stack's variables.tf declares twenty variables and its expressions read two; parsing a block costs
    about a millisecond, so variables and outputs are parsed only when something refers to them.
    """

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self._found: dict[str, tuple[FileEntry, int]] = {}
        self._parsed: dict[str, Block] = {}

    def declare(self, name: str, entry: FileEntry, index: int) -> None:
        self._found.setdefault(name, (entry, index))

    def __getitem__(self, name: str) -> Block:
        if name not in self._parsed:
            entry, index = self._found[name]
            self._parsed[name] = self.loader.block(entry, index)
        return self._parsed[name]

    def __contains__(self, name: object) -> bool:
        return name in self._found

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


@dataclass
class ModuleConfig:
    dir: str
    variables: Mapping[str, Block] = field(default_factory=dict)
    #: name -> (expression, line, file)
    locals: dict[str, tuple[list[Any], int | None, str]] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    resources: list[Block] = field(default_factory=list)
    data: list[Block] = field(default_factory=list)
    modules: dict[str, Block] = field(default_factory=dict)
    outputs: Mapping[str, Block] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def add(self, block: Block) -> None:
        kind, labels = block.type, block.labels
        if kind == "locals":
            for name, (node, line) in block.body["a"].items():
                self.locals.setdefault(name, (node, line or block.line, block.file))
        elif kind == "provider" and labels[:1] == ["alicloud"]:
            self.providers.append(block)
        elif kind == "resource" and len(labels) >= 2 and labels[0].startswith(scan.KMS_MARK):
            self.resources.append(block)
        elif kind == "data" and len(labels) >= 2 and labels[0].startswith(scan.KMS_MARK):
            self.data.append(block)
        elif kind == "module" and labels:
            self.modules.setdefault(labels[0], block)

    def check_locals(self) -> None:
        """Locals refer to each other in dependency order; a cycle is an error Terraform reports too."""
        graph = {name: static_refs(node, "local") & self.locals.keys() for name, (node, _, _) in self.locals.items()}
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(name: str) -> None:
            state[name] = 1
            stack.append(name)
            for dep in sorted(graph[name]):
                if state.get(dep) == 1:
                    cycle = stack[stack.index(dep):] + [dep]
                    _, line, file = self.locals[dep]
                    raise UserError(
                        "locals refer to each other in a cycle: "
                        + " -> ".join(f"local.{n}" for n in cycle)
                        + "; break the cycle so each local can be computed from the others",
                        file,
                        line,
                    )
                if dep not in state:
                    visit(dep)
            stack.pop()
            state[name] = 2

        for name in sorted(graph):
            if name not in state:
                visit(name)


#: blocks read only when something refers to them
LAZY = frozenset({"variable", "output"})


@dataclass
class FileEntry:
    """The blocks of one file that can matter: [type, labels, line, start, end, parsed body or None].

    This is what the parse cache stores, so a warm run neither splits nor parses the file again; a block
    parsed later in a run (a variable someone refers to) is added and the entry written again.
    """

    source: scan.SourceFile
    blocks: list[list[Any]]
    dirty: bool = False


class Loader:
    """Reads module directories once per run; remembers what it read."""

    def __init__(self, cache: ParseCache) -> None:
        self.cache = cache
        self._sources: dict[str, list[scan.SourceFile]] = {}
        self._configs: dict[str, ModuleConfig] = {}
        self._relevant: dict[str, bool] = {}
        self._entries: list[FileEntry] = []
        self.parsed_blocks = 0

    def sources(self, directory: str) -> list[scan.SourceFile]:
        key = dir_key(directory)
        if key not in self._sources:
            self._sources[key] = [scan.read_source(path) for path in scan.config_files(directory)]
        return self._sources[key]

    def relevant(self, directory: str, resolve: Any, key_path: tuple[str, ...] = ()) -> bool:
        """Whether this directory, or a module it calls, declares anything `alicloud_kms`.

        `resolve(directory, key_path, source)` gives a called module's directory (None: not installed).
        """
        key = dir_key(directory)
        if key in self._relevant:
            return self._relevant[key]
        self._relevant[key] = False  # a module calling itself is not a reason to parse it
        found = False
        files = self.sources(directory)
        if any(f.mentions_kms for f in files):
            found = True
        elif len(key_path) < 16:
            for source in files:
                for name, src in source.module_calls:
                    target = resolve(directory, (*key_path, name), src)
                    if target is not None and self.relevant(target, resolve, (*key_path, name)):
                        found = True
                        break
                if found:
                    break
        self._relevant[key] = found
        return found

    def load(self, directory: str) -> ModuleConfig:
        key = dir_key(directory)
        if key in self._configs:
            return self._configs[key]
        variables, outputs = LazyBlocks(self), LazyBlocks(self)
        config = ModuleConfig(dir=directory, variables=variables, outputs=outputs)
        for source in self.sources(directory):
            config.files.append(source.path)
            entry = self.entry(source)
            if entry is None:
                continue
            for index, item in enumerate(entry.blocks):
                kind, labels = item[0], item[1]
                if kind == "variable" and labels:
                    variables.declare(labels[0], entry, index)
                elif kind == "output" and labels:
                    outputs.declare(labels[0], entry, index)
                else:
                    config.add(self.block(entry, index))
        config.check_locals()
        self._configs[key] = config
        return config

    def entry(self, source: scan.SourceFile) -> FileEntry | None:
        """The file's blocks that can matter, from the cache or split from the text."""
        if not _may_matter(source):
            return None  # cheaper to see again than to look up
        cached = self.cache.get(source.path, source.size, source.mtime_ns)
        if isinstance(cached, list) and all(isinstance(b, list) and len(b) == 6 for b in cached):
            entry = FileEntry(source, cached)
        else:
            entry = FileEntry(source, self._split(source), dirty=True)
        self._entries.append(entry)
        return entry

    def _split(self, source: scan.SourceFile) -> list[list[Any]]:
        if source.is_json:
            from kms_infracost.sources.hcl.jsonsyntax import parse_json_file

            return [[k, labels, line, 0, 0, body] for k, labels, line, body in parse_json_file(source.text, source.path)]
        try:
            blocks = scan.split_blocks(source.text)
        except scan.ScanError:
            # The text scanner could not split it: let the parser read the whole file (and name the error).
            from kms_infracost.sources.hcl.syntax import parse_file

            self.parsed_blocks += 1
            parsed = parse_file(source.text, source.path)["b"]
            return [
                [k, labels, _find_line(source.text, k, labels) or line, 0, 0, body]
                for k, labels, line, body in parsed
                if scan.keeps(scan.TopBlock(k, labels, 0, 0, 0))
            ]
        return [[b.type, b.labels, b.line, b.start, b.end, None] for b in blocks if scan.keeps(b)]

    def block(self, entry: FileEntry, index: int) -> Block:
        item = entry.blocks[index]
        kind, labels, line, start, end, body = item
        if body is None:
            body = self._parse_block(entry.source, start, end, line)
            item[5] = body
            entry.dirty = True
        return Block(kind, labels, line, body, entry.source.path)

    def _parse_block(self, source: scan.SourceFile, start: int, end: int, line: int) -> dict[str, Any]:
        """One block's text through the parser; its line numbers moved to where the block is."""
        from kms_infracost.sources.hcl.syntax import parse_file, shift_lines

        self.parsed_blocks += 1
        try:
            parsed = parse_file(source.text[start:end], source.path)
        except UserError as exc:
            if exc.line:
                exc.line += line - 1
            raise
        body: dict[str, Any] = parsed["b"][0][3]
        shift_lines(body, line - 1)
        return body

    def flush(self) -> None:
        """Write the entries this run added to or created."""
        for entry in self._entries:
            if entry.dirty:
                source = entry.source
                self.cache.put(source.path, source.size, source.mtime_ns, entry.blocks)
                entry.dirty = False


def dir_key(directory: str) -> str:
    """One key per directory however it was named (symbolic links are rare enough to be named twice)."""
    return os.path.normcase(os.path.abspath(directory or "."))


_NEEDED = re.compile(r"(?m)^[ \t]*(?:variable|locals|provider|output)\b")


def _may_matter(source: scan.SourceFile) -> bool:
    """KMS resources, module calls, variables, locals, providers or outputs: anything else is skipped."""
    return source.mentions_kms or bool(source.module_calls) or _NEEDED.search(source.text) is not None


def _find_line(text: str, kind: str, labels: list[str]) -> int | None:
    """The line of a block's keyword, found in the text (the parser's positions are not trusted)."""
    if not labels:
        pattern = re.compile(rf"(?m)^[ \t]*{re.escape(kind)}[ \t]*\{{")
    else:
        pattern = re.compile(
            rf"(?m)^[ \t]*{re.escape(kind)}"
            + "".join(rf'[ \t]+"?{re.escape(label)}"?' for label in labels)
            + r"[ \t]*\{"
        )
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def read_modules_json(root_dir: str) -> dict[str, str]:
    """`.terraform/modules/modules.json`: module key ("a.b") -> directory, for installed modules."""
    import json

    path = os.path.join(root_dir or ".", ".terraform", "modules", "modules.json")
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read the module manifest ({exc}); run `terraform init` again", path) from None
    out: dict[str, str] = {}
    for entry in doc.get("Modules") or [] if isinstance(doc, dict) else []:
        if isinstance(entry, dict) and isinstance(entry.get("Key"), str) and isinstance(entry.get("Dir"), str):
            out[entry["Key"]] = os.path.normpath(os.path.join(root_dir or ".", entry["Dir"]))
    return out


def is_local_source(source: str) -> bool:
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


def static_refs(node: Any, root: str) -> set[str]:
    """Names used as `root.NAME` anywhere in a node (`local.x` for the locals dependency graph)."""
    found: set[str] = set()

    def walk(item: Any) -> None:
        if isinstance(item, list):
            if len(item) == 3 and item[0] == "GA" and isinstance(item[1], list) and item[1][:2] == ["V", root]:
                found.add(item[2])
            for sub in item:
                walk(sub)

    walk(node)
    return found
