"""One module directory read into blocks: variables, locals, providers, KMS resources, module calls.

Reading goes text first (scan.py): a directory whose files never mention `alicloud_kms` and whose module
calls cannot lead to a directory that does is never parsed. Parsed files go through the parse cache.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from kms_infracost.errors import UserError
from kms_infracost.runmemo import abspath, table
from kms_infracost.sources.hcl import scan
from kms_infracost.sources.hcl.syntax import moved, parse_file, parse_masked, shift_lines

if TYPE_CHECKING:
    from kms_infracost.sources.hcl.cache import ParseCache


class Block:
    """A parsed block: its type, labels, the line of its keyword, its body (syntax.py) and file."""

    __slots__ = ("body", "file", "labels", "line", "type")

    def __init__(self, type: str, labels: list[str], line: int | None, body: dict[str, Any], file: str) -> None:
        self.type, self.labels, self.line, self.body, self.file = type, labels, line, body, file

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
        self._overrides: dict[str, list[tuple[FileEntry, int]]] = {}
        self._parsed: dict[str, Block] = {}

    def declare(self, name: str, entry: FileEntry, index: int, override: bool = False) -> None:
        if override and name in self._found:
            self._overrides.setdefault(name, []).append((entry, index))
        else:
            self._found.setdefault(name, (entry, index))

    def __getitem__(self, name: str) -> Block:
        if name not in self._parsed:
            entry, index = self._found[name]
            block = self.loader.block(entry, index)
            for over_entry, over_index in self._overrides.get(name, ()):
                block = merged(block, self.loader.block(over_entry, over_index))
            self._parsed[name] = block
        return self._parsed[name]

    def __contains__(self, name: object) -> bool:
        return name in self._found

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


class LazyLocals(Mapping[str, "tuple[list[Any], int | None, str]"]):
    """Locals by name -> (expression, line, file); a `locals` block is parsed when one of its locals is read.

    The names come from the text (scan.attribute_names). Should the text scan miss a name, every locals
    block not parsed yet is parsed before the name is declared unknown.
    """

    def __init__(self, loader: Loader) -> None:
        self.loader = loader
        self._blocks: list[tuple[FileEntry, int]] = []
        self._where: dict[str, int] = {}
        self._parsed: set[int] = set()
        self._values: dict[str, tuple[list[Any], int | None, str]] = {}

    def override(self, block: Block) -> None:
        """An override file's locals replace those of the same name (parsed at once: they are rare)."""
        for name, (node, line) in block.body["a"].items():
            self._values[name] = (node, line or block.line, block.file)
            self._where.setdefault(name, -1)

    def declare(self, entry: FileEntry, index: int, names: list[str] | None) -> None:
        position = len(self._blocks)
        self._blocks.append((entry, index))
        if names is None:  # no text to scan (JSON syntax): read it now
            self._parse(position)
            return
        for name in names:
            self._where.setdefault(name, position)

    def _parse(self, position: int) -> None:
        if position in self._parsed:
            return
        self._parsed.add(position)
        entry, index = self._blocks[position]
        block = self.loader.block(entry, index)
        for name, (node, line) in block.body["a"].items():
            self._values.setdefault(name, (node, line or block.line, block.file))
            self._where.setdefault(name, position)

    def __getitem__(self, name: str) -> tuple[list[Any], int | None, str]:
        if name not in self._values:
            if self._where.get(name, -1) >= 0:
                self._parse(self._where[name])
            if name not in self._values:
                for position in range(len(self._blocks)):
                    self._parse(position)
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        try:
            self[name]  # type: ignore[index]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        for position in range(len(self._blocks)):
            self._parse(position)
        return iter(self._values)

    def __len__(self) -> int:
        return len(list(iter(self)))


class ModuleConfig:
    """One module directory: the blocks that can change a KMS price, most of them read on demand."""

    def __init__(
        self,
        dir: str,
        variables: Mapping[str, Block],
        locals: Mapping[str, tuple[list[Any], int | None, str]],
        modules: Mapping[str, Block],
        outputs: Mapping[str, Block],
    ) -> None:
        self.dir, self.variables, self.locals, self.modules, self.outputs = dir, variables, locals, modules, outputs
        self.providers: list[Block] = []
        self.resources: list[Block] = []
        self.data: list[Block] = []
        #: (first, again) for a KMS resource declared twice: Terraform rejects it; both are priced
        self.duplicates: list[tuple[Block, Block]] = []
        #: module call name -> source as the text shows it (to decide whether to read the call at all)
        self.module_sources: dict[str, str | None] = {}
        self.files: list[str] = []

    def override(self, block: Block) -> None:
        """Merge a block of an override file into the block it names (or add it when none matches)."""
        kind, labels = block.type, block.labels
        groups = {"provider": self.providers, "resource": self.resources, "data": self.data}
        group = groups.get(kind)
        if group is None:
            return
        for i, original in enumerate(group):
            same = original.labels[:2] == labels[:2]
            if kind == "provider":
                same = same and original.attr("alias") == block.attr("alias")
            if same:
                group[i] = merged(original, block)
                return
        self.add(block)

    def add(self, block: Block) -> None:
        kind, labels = block.type, block.labels
        if kind == "provider" and labels[:1] == ["alicloud"]:
            self.providers.append(block)
        elif kind == "resource" and len(labels) >= 2 and labels[0].startswith(scan.KMS_MARK):
            for other in self.resources:
                if other.labels[:2] == labels[:2]:
                    self.duplicates.append((other, block))
                    break
            self.resources.append(block)
        elif kind == "data" and len(labels) >= 2 and labels[0].startswith(scan.KMS_MARK):
            self.data.append(block)


#: what a variable block says that evaluation reads (description and validation are left unparsed)
VARIABLE_ATTRIBUTES = frozenset({"type", "default", "sensitive", "nullable"})

#: blocks read only when something refers to them
LAZY = frozenset({"variable", "output", "module"})


class FileEntry:
    """The blocks of one file that can matter: [type, labels, line, start, end, parsed body or None].

    This is what the parse cache stores, so a warm run neither splits nor parses the file again; a block
    parsed later in a run (a variable someone refers to) is added and the entry written again.
    """

    __slots__ = ("blocks", "dirty", "source")

    def __init__(self, source: scan.SourceFile, blocks: list[list[Any]], dirty: bool = False) -> None:
        self.source, self.blocks, self.dirty = source, blocks, dirty


class Loader:
    """Reads module directories once per run; remembers what it read."""

    def __init__(self, cache: ParseCache, read: Mapping[str, list[scan.SourceFile]] | None = None) -> None:
        self.cache = cache
        #: folders the run has read already (see load_hcl)
        self._read = read or {}
        self._sources: dict[str, list[scan.SourceFile]] = {}
        self._configs: dict[str, ModuleConfig] = {}
        self._relevant: dict[str, bool] = {}
        self._entries: list[FileEntry] = []
        self.parsed_blocks = 0

    def sources(self, directory: str) -> list[scan.SourceFile]:
        key = dir_key(directory)
        if key not in self._sources:
            known = self._read.get(key)
            if known is not None:  # the same files, named as this directory names them
                self._sources[key] = [_renamed(s, scan.join(directory, os.path.basename(s.path))) for s in known]
            else:
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
        variables, outputs, modules = LazyBlocks(self), LazyBlocks(self), LazyBlocks(self)
        local_values = LazyLocals(self)
        config = ModuleConfig(
            dir=directory, variables=variables, outputs=outputs, modules=modules, locals=local_values
        )
        sources = self.sources(directory)
        # Terraform reads override files last and merges their blocks into the ones they name.
        marked = [(s, is_override(s.path)) for s in sources]  # asked once per file
        ordered = [m for m in marked if not m[1]] + [m for m in marked if m[1]]
        for source, override in ordered:
            config.files.append(source.path)
            for name, src in source.module_calls:
                config.module_sources.setdefault(name, src)
            entry = self.entry(source)
            if entry is None:
                continue
            for index, item in enumerate(entry.blocks):
                kind, labels = item[0], item[1]
                if kind in LAZY and labels:
                    lazy = {"variable": variables, "output": outputs, "module": modules}[kind]
                    lazy.declare(labels[0], entry, index, override)
                elif kind == "locals" and override:
                    local_values.override(self.block(entry, index))
                elif kind == "locals":
                    local_values.declare(entry, index, self._local_names(entry, index))
                elif override:
                    config.override(self.block(entry, index))
                else:
                    config.add(self.block(entry, index))
        self._configs[key] = config
        return config

    def entry(self, source: scan.SourceFile) -> FileEntry | None:
        """The file's blocks that can matter, from the cache or split from the text."""
        if not _may_matter(source):
            return None  # cheaper to see again than to look up
        cached = self.cache.get(source.path, source.size, source.stamp)
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
            split = table("split files")  # copied stacks hold the same files: the same text splits the same
            blocks = split.get(source.text)
            if blocks is None:
                blocks = split[source.text] = scan.split_blocks(source.text, only_kept=True)
        except scan.ScanError:
            # The text scanner could not split it: let the parser read the whole file (and name the error).
            self.parsed_blocks += 1
            parsed = parse_file(source.text, source.path)["b"]
            return [
                [k, labels, _find_line(source.text, k, labels) or line, 0, 0, body]
                for k, labels, line, body in parsed
                if scan.kept(k, labels)
            ]
        return [[b.type, b.labels, b.line, b.start, b.end, None] for b in blocks]

    def _local_names(self, entry: FileEntry, index: int) -> list[str] | None:
        item = entry.blocks[index]
        if item[5] is not None or item[4] <= item[3]:
            return None  # parsed already (cached, JSON): declare from the body
        text = entry.source.text[item[3] : item[4]]
        named = table("local names")  # the same locals block in copied stacks: read once
        if text not in named:
            try:
                named[text] = scan.attribute_names(text, 0, len(text))
            except (scan.ScanError, ValueError):
                named[text] = None
        names: list[str] | None = named[text]
        return None if names is None else list(names)

    def block(self, entry: FileEntry, index: int) -> Block:
        item = entry.blocks[index]
        kind, labels, line, start, end, body = item
        if body is None:
            body = self._parse_block(entry.source, start, end, line)
            item[5] = body
            entry.dirty = True
        return Block(kind, labels, line, body, entry.source.path)

    def _parse_block(self, source: scan.SourceFile, start: int, end: int, line: int) -> dict[str, Any]:
        """One block's text through the parser; its line numbers moved to where the block is.

        The same text at the same line gives the same body, which is parsed once a run and shared: copied
        stacks repeat their providers, variables and locals (on the benchmark repository 1,601 block
        parses were 662 different ones). The same text at another line is not parsed again either: the
        body found there is moved (syntax.moved), which made those 662 parses 359. Bodies are never changed
        once parsed: evaluation only reads them, and an override merge builds new ones."""
        self.parsed_blocks += 1
        text = source.text[start:end]
        if text.startswith("variable"):
            shortened = table("variables shortened")  # the same declaration in copied stacks: cut once
            short = shortened.get(text)
            if short is None:
                try:
                    short = scan.only_attributes(text, 0, len(text), VARIABLE_ATTRIBUTES) or text
                except (scan.ScanError, ValueError):
                    short = text
                shortened[text] = short
            text = short
        parsed_before = table("parsed blocks")
        known: dict[str, Any] | None = parsed_before.get((text, line))
        if known is not None:
            return known
        same_text = table("parsed texts")  # the text at another line: its body, moved
        elsewhere = same_text.get(text)
        if elsewhere is not None:
            body: dict[str, Any] = moved(elsewhere[0], line - elsewhere[1])
        else:
            # a text seen before with other words in its strings: that parse, with these words
            found = parse_masked(text, source.path, table("masked texts"))
            if found is not None:
                body = found
            else:
                try:
                    parsed = parse_file(text, source.path)
                except UserError as exc:
                    if exc.line:
                        exc.line += line - 1
                    raise
                body = parsed["b"][0][3]
            shift_lines(body, line - 1)
            same_text[text] = (body, line)
        parsed_before[(text, line)] = body
        return body

    def flush(self) -> None:
        """Write the entries this run added to or created."""
        for entry in self._entries:
            if entry.dirty:
                source = entry.source
                self.cache.put(source.path, source.size, source.stamp, entry.blocks)
                entry.dirty = False
        self.cache.flush()


def _renamed(source: scan.SourceFile, path: str) -> scan.SourceFile:
    """A file read already, under the path this read names it by (warnings and file:line show it)."""
    if source.path == path:
        return source
    return source.named(path)  # every field as read (size, times: the cache key)


_OVERRIDE_TAILS = ("override.tf", "override.tf.json", "override.tofu", "override.tofu.json")


def is_override(path: str) -> bool:
    """override.tf, override.tf.json, *_override.tf, *_override.tf.json (and the same with .tofu)."""
    if not path.endswith(_OVERRIDE_TAILS):  # most files: one test
        return False
    name = os.path.basename(path)
    for suffix in (".tf.json", ".tofu.json", ".tf", ".tofu"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def merged(original: Block, override: Block) -> Block:
    """Terraform's override merge: the override's arguments replace the original's one by one, its
    nested blocks replace all nested blocks of that type. The original keeps its file and line."""
    attrs = {**original.body["a"], **override.body["a"]}
    replaced = {b[0] for b in override.body["b"]}
    nested = [b for b in original.body["b"] if b[0] not in replaced] + list(override.body["b"])
    return Block(original.type, original.labels, original.line, {"a": attrs, "b": nested}, original.file)


def dir_key(directory: str) -> str:
    """One key per directory however it was named (symbolic links are rare enough to be named twice)."""
    return os.path.normcase(abspath(directory or "."))


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
