"""One module directory read into blocks: variables, locals, providers, KMS resources, module calls.

Reading goes text first (scan.py): a directory whose files never mention `alicloud_kms` and whose module
calls cannot lead to a directory that does is never parsed. Parsed files go through the parse cache.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import scan
from kms_infracost.sources.hcl.cache import ParseCache
from kms_infracost.sources.hcl.evaluate import static_refs


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


@dataclass
class ModuleConfig:
    dir: str
    variables: dict[str, Block] = field(default_factory=dict)
    #: name -> (expression, line, file)
    locals: dict[str, tuple[list[Any], int | None, str]] = field(default_factory=dict)
    providers: list[Block] = field(default_factory=list)
    resources: list[Block] = field(default_factory=list)
    data: list[Block] = field(default_factory=list)
    modules: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def add(self, block: Block) -> None:
        kind, labels = block.type, block.labels
        if kind == "variable" and labels:
            self.variables.setdefault(labels[0], block)
        elif kind == "locals":
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
        elif kind == "output" and labels:
            self.outputs.setdefault(labels[0], block)

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


_RESOURCE_LINE = '(?m)^[ \\t]*{kind}[ \\t]+"?{a}"?[ \\t]+"?{b}"?[ \\t]*\\{{'


class Loader:
    """Reads module directories once per run; remembers what it read."""

    def __init__(self, cache: ParseCache) -> None:
        self.cache = cache
        self._sources: dict[str, list[scan.SourceFile]] = {}
        self._configs: dict[str, ModuleConfig] = {}
        self._relevant: dict[str, bool] = {}
        self.parsed_files = 0

    def sources(self, directory: str) -> list[scan.SourceFile]:
        key = os.path.realpath(directory or ".")
        if key not in self._sources:
            self._sources[key] = [scan.read_source(path) for path in scan.config_files(directory)]
        return self._sources[key]

    def relevant(self, directory: str, resolve: Any, key_path: tuple[str, ...] = ()) -> bool:
        """Whether this directory, or a module it calls, declares anything `alicloud_kms`.

        `resolve(directory, key_path, source)` gives a called module's directory (None: not installed).
        """
        key = os.path.realpath(directory or ".")
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
        key = os.path.realpath(directory or ".")
        if key in self._configs:
            return self._configs[key]
        config = ModuleConfig(dir=directory)
        for source in self.sources(directory):
            config.files.append(source.path)
            for block in self.blocks(source):
                config.add(block)
        config.check_locals()
        self._configs[key] = config
        return config

    def blocks(self, source: scan.SourceFile) -> list[Block]:
        if not source.is_json and not _may_matter(source):
            return []  # cheaper to see again than to look up
        data = self.cache.get(source.path, source.size, source.mtime_ns)
        if data is None:
            data = self.parse(source)
            self.cache.put(source.path, source.size, source.mtime_ns, data)
        return [Block(kind, labels, line, body, source.path) for kind, labels, line, body in data]

    def parse(self, source: scan.SourceFile) -> list[Any]:
        """The blocks of one file that matter, as plain lists (what the cache stores)."""
        if source.is_json:
            from kms_infracost.sources.hcl.jsonsyntax import parse_json_file

            return parse_json_file(source.text, source.path)
        from kms_infracost.sources.hcl.syntax import parse_file

        sliced = scan.relevant_text(source.text)
        if sliced is not None:
            text, kept = sliced
            if not kept:
                return []
            self.parsed_files += 1
            body = parse_file(text, source.path)
            blocks = body["b"]
            if len(blocks) == len(kept):
                for block, seen in zip(blocks, kept):
                    block[2] = seen.line
                return blocks  # type: ignore[no-any-return]
        else:
            self.parsed_files += 1
            body = parse_file(source.text, source.path)
            blocks = body["b"]
        kept_blocks = []
        for block in blocks:
            if scan.keeps(scan.TopBlock(block[0], block[1], 0, 0, 0)):
                block[2] = _find_line(source.text, block[0], block[1]) or block[2]
                kept_blocks.append(block)
        return kept_blocks


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
