"""A module instance: one module directory evaluated with the inputs of one call (or the root's inputs).

Terraform expands `module "x" { count = 2 }` into module.x[0] and module.x[1], each with its own
variables, locals and provider configurations; so does this. Everything is evaluated on demand and
remembered, so a local nobody reads is never computed and a module output is computed once.
"""

from __future__ import annotations

from typing import Any

from kms_infracost.errors import UserError
from kms_infracost.records import record
from kms_infracost.sources.hcl import values as tv
from kms_infracost.sources.hcl.config import Block, ModuleConfig, dir_key, is_local_source
from kms_infracost.sources.hcl.context import RawString, RootValue, Run, not_installed
from kms_infracost.sources.hcl.evaluate import (
    Count,
    Each,
    Evaluator,
    Namespace,
    index_text,
)
from kms_infracost.sources.hcl.values import MAX_ELEMENTS, EvalError, LimitError, TfSet, Unknown

META_ARGS = frozenset({"count", "for_each", "provider", "providers", "depends_on", "lifecycle", "source", "version"})


class ProviderConfig:
    """One `provider "alicloud"` configuration (or the implicit empty one)."""

    def __init__(self, label: str, block: Block | None, instance: ModuleInstance | None, missing: str | None = None):
        self.label, self.block, self.instance, self.missing = label, block, instance, missing
        self._region: tuple[str | None, str | None] | None = None

    def region(self) -> tuple[str | None, str | None]:
        """(region, note): the region when known; otherwise why not (None, None: not set at all)."""
        if self._region is None:
            self._region = self._evaluate()
        return self._region

    def _evaluate(self) -> tuple[str | None, str | None]:
        if self.missing:
            return None, self.missing
        node = self.block.attr("region") if self.block else None
        if node is None or self.instance is None:
            return None, None
        value = Evaluator(self.instance).safe(node)
        if isinstance(value, Unknown):
            return None, f"provider {self.label} region is unknown: {value.reason}"
        if value is None:
            return None, None
        if value == "":
            return None, f"provider {self.label} region is empty"
        try:
            return tv.to_string(value), None
        except EvalError as exc:
            return None, f"provider {self.label} region is not a string: {exc}"


def provider_name(node: Any) -> str | None:
    """`alicloud.sg` / `alicloud` (or "alicloud.sg" in JSON syntax) as written in provider references."""
    if node is None:
        return None
    if node[0] == "V":
        return str(node[1])
    if node[0] == "GA" and node[1][0] == "V":
        return f"{node[1][1]}.{node[2]}"
    if node[0] == "L" and isinstance(node[1], str):
        return node[1]
    if node[0] == "P":
        return provider_name(node[1])
    return None


class ModuleOutputs(Namespace):
    """`module.x` (one instance): its outputs."""

    def __init__(self, child: ModuleInstance | None, reason: str | None = None) -> None:
        self.child, self.reason = child, reason

    def get_attr(self, name: str, ev: Evaluator) -> Any:
        if self.child is None:
            return Unknown(self.reason or "the module is not available")
        return self.child.output(name, ev)

    def as_value(self, ev: Evaluator) -> Any:
        if self.child is None:
            return Unknown(self.reason or "the module is not available")
        return {name: self.child.output(name, ev) for name in self.child.config.outputs}


@record
class Expansion:
    """One instance of a counted / for_each'd block: its address suffix and names in scope."""

    suffix: str
    names: dict[str, Any]
    key: Any = None


#: what an unknown count or for_each is assumed to make, and why (no "most expensive" count exists)
ONE_INSTANCE = "assumed 1 instance (the fewest that still creates it; --strict fails on it)"


def largest_count(ev: Evaluator, node: Any) -> int | None:
    """The larger branch of a count chosen by an unknown condition (`var.ha ? 3 : 1`), when every branch is a
    known whole number; None otherwise. What unknown_values = "max" assumes for such a count."""
    if node[0] == "P":
        return largest_count(ev, node[1])
    if node[0] != "C":
        value = ev.safe(node)
        if isinstance(value, Unknown) or value is None:
            return None
        try:
            n = tv.number(value)
        except EvalError:
            return None
        return n if isinstance(n, int) and n >= 0 else None
    branches = [largest_count(ev, node[2]), largest_count(ev, node[3])]
    return None if None in branches else max(b for b in branches if b is not None)


def expand(ev: Evaluator, block: Block, what: str) -> tuple[list[Expansion], str | None, str | None]:
    """The instances of a resource or module block: (instances, assumption, None) or ([], None, error).

    An unknown count or for_each is one assumed instance, as the issue asks: the estimate then says so.
    """
    count_node = block.attr("count")
    each_node = block.attr("for_each")
    if count_node is not None:
        value = ev.safe(count_node)
        if isinstance(value, Unknown):
            most = largest_count(ev, count_node) if getattr(ev.instance.run, "unknown_values", "") == "max" else None
            if most is not None and most <= MAX_ELEMENTS:
                return (
                    [Expansion(f"[{i}]", {"count": Count(i)}, i) for i in range(most)],
                    f'count is unknown ({value.reason}); assumed {most} (unknown_values="max": the larger branch)',
                    None,
                )
            return [Expansion("[0]", {"count": Count(0)})], f"count is unknown ({value.reason}); {ONE_INSTANCE}", None
        if value is None:
            return [], None, "count is null"
        try:
            n = tv.number(value)
        except EvalError as exc:
            return [], None, f"count is not a number: {exc}"
        if not isinstance(n, int) or n < 0:
            return [], None, f"count must be a whole number >= 0, got {n}"
        if n > MAX_ELEMENTS:
            raise LimitError(f"{what}: count = {n:,} is over the limit of {MAX_ELEMENTS:,} instances per block")
        return [Expansion(f"[{i}]", {"count": Count(i)}, i) for i in range(n)], None, None
    if each_node is not None:
        value = ev.safe(each_node)
        unknown_each = [Expansion('["*"]', {"each": Each(Unknown("each.key is unknown"), Unknown("each.value is unknown"))}, "*")]
        if isinstance(value, Unknown):
            return unknown_each, f"for_each is unknown ({value.reason}); {ONE_INSTANCE}", None
        if (isinstance(value, dict) or tv.is_seq(value)) and len(value) > MAX_ELEMENTS:
            raise LimitError(f"{what}: for_each has {len(value):,} elements, over the limit of {MAX_ELEMENTS:,} instances per block")
        if isinstance(value, dict):
            return [Expansion(index_text(k), {"each": Each(k, v)}, k) for k, v in sorted(value.items())], None, None
        if tv.is_seq(value):
            assumption = None
            if not isinstance(value, TfSet):
                ev.notes.append(("KI205", "for_each is given a list; Terraform wants a set (toset()) or a map", what))
            out: list[Expansion] = []
            unknowns = 0
            for item in TfSet(value):
                if isinstance(item, Unknown):
                    unknowns += 1
                    continue
                try:
                    key = tv.to_string(item)
                except EvalError as exc:
                    return [], None, f"for_each set elements must be strings: {exc}"
                out.append(Expansion(index_text(key), {"each": Each(key, key)}, key))
            if unknowns:
                out.append(unknown_each[0])
                assumption = f"for_each has {unknowns} element(s) unknown until apply; {ONE_INSTANCE} for them"
            return out, assumption, None
        if value is None:
            return [], None, "for_each is null"
        return [], None, f"for_each must be a map or a set of strings, got {tv.describe(value)}"
    return [Expansion("", {})], None, None


class ModuleInstance:
    def __init__(
        self,
        run: Run,
        config: ModuleConfig,
        address: str,
        key_path: tuple[str, ...],
        parent: ModuleInstance | None = None,
        call: Block | None = None,
        call_names: dict[str, Any] | None = None,
        providers: dict[str, ProviderConfig] | None = None,
        assumptions: list[str] | None = None,
    ) -> None:
        self.run, self.config, self.address, self.key_path = run, config, address, key_path
        self.parent, self.call, self.call_names = parent, call, call_names or {}
        self.address_prefix = address + "." if address else ""
        #: assumptions made on the way here (a module whose count was unknown)
        self.assumptions = assumptions or []
        self._vars: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        self._local_stack: list[str] = []
        self._outputs: dict[str, tuple[Any, list[str]]] = {}
        self._calls: dict[str, tuple[list[tuple[Expansion, ModuleInstance | None]], bool]] = {}
        self._assumptions: dict[str, str] = {}
        self._call_notes: dict[str, str | None] = {}
        self._unknown_counts: set[str] = set()
        self._shapes: dict[str, Any] = {}
        self._sensitive: dict[int, bool] = {}
        self.providers = self._providers(providers or {})

    # -- providers -------------------------------------------------------------------------------------
    def _providers(self, given: dict[str, ProviderConfig]) -> dict[str, ProviderConfig]:
        out = dict(given)
        where = f"{self.address}:" if self.address else ""
        for block in self.config.providers:
            alias_node = block.attr("alias")
            alias = alias_node[1] if alias_node and alias_node[0] == "L" else None
            key = f"alicloud.{alias}" if alias else "alicloud"
            out[key] = ProviderConfig(where + key, block, self)
        if "alicloud" not in out:
            out["alicloud"] = ProviderConfig(where + "alicloud", None, self)
        return out

    def provider(self, name: str | None) -> ProviderConfig:
        key = name or "alicloud"
        found = self.providers.get(key)
        if found is None:
            where = f" in {self.address}" if self.address else ""
            return ProviderConfig(key, None, self, missing=f"provider {key} is not configured{where}")
        return found

    # -- variables -------------------------------------------------------------------------------------
    def var(self, name: str) -> Any:
        if name not in self._vars:
            self._vars[name] = self._variable(name)
        return self._vars[name]

    def _variable(self, name: str) -> Any:
        block = self.config.variables.get(name)
        if block is None:
            raise EvalError(f"var.{name} is not declared in {self.config.dir or '.'}")
        kind = tv.type_of(block.attr("type"))
        nullable_node = block.attr("nullable")
        nullable = not (nullable_node and nullable_node == ["L", False])
        where = f"{self.address}." if self.address else ""
        given: Any = _MISSING
        origin = ""
        if self.parent is None:
            entry = self.run.inputs.get(name)
            if isinstance(entry, RawString):
                given, origin = self._parse_raw(entry, kind, block), entry.origin
            elif isinstance(entry, RootValue):
                given, origin = entry.value, entry.origin
        elif self.call is not None and name in self.call.body["a"]:
            ev = Evaluator(self.parent, dict(self.call_names))
            given = ev.safe(self.call.body["a"][name][0])
            origin = f"module call {self.address}"
        if given is None and not nullable:
            given = _MISSING
        if given is _MISSING:
            default = block.attr("default")
            if default is not None:
                given = Evaluator(None).safe(default)
                origin = "default"
            else:
                # no warning of its own: a priced attribute, count or region that depends on it is warned
                # about with this reason; a variable that changes no price is not worth a line
                return Unknown(f"{where}var.{name} has no value")
        if isinstance(given, Unknown):
            return given
        try:
            return tv.convert(given, kind, lambda node: Evaluator(None).safe(node))
        except EvalError as exc:
            if self.parent is None:
                raise UserError(
                    f"invalid value for var.{name} from {origin}: {exc}", block.file, block.line
                ) from None
            self.run.warn(
                "KI207", f"var.{name}: the value from {origin} does not fit its type ({exc}); used as given",
                self.address or None, block.file, block.line,
            )
            return given

    def _parse_raw(self, raw: RawString, kind: Any, block: Block) -> Any:
        if kind == "any" or tv.is_primitive(kind):
            return raw.text
        from kms_infracost.sources.hcl.syntax import parse_expression

        node = parse_expression(raw.text, raw.origin)
        value = Evaluator(None).safe(node)
        if isinstance(value, Unknown):
            raise UserError(f"the value of var.{block.labels[0]} from {raw.origin} cannot be evaluated: {value.reason}")
        return value

    # -- resources -------------------------------------------------------------------------------------
    def resource_shape(self, address: str) -> list[int] | dict[str, None] | str | None:
        """How a KMS resource of this module expands: [0, 1] (count), {key: None} (for_each), "one"
        (neither), or None when that is not known (an unknown count, a resource this tool did not read)."""
        if address in self._shapes:
            known: list[int] | dict[str, None] | str | None = self._shapes[address]
            return known
        self._shapes[address] = None  # a count that refers to its own resource stays unknown
        block = next((b for b in self.config.resources if f"{b.labels[0]}.{b.labels[1]}" == address), None)
        shape: list[int] | dict[str, None] | str | None = None
        if block is not None:
            expansions, assumption, error = expand(Evaluator(self), block, address)
            if not assumption and not error:
                if block.attr("count") is not None:
                    shape = list(range(len(expansions)))
                elif block.attr("for_each") is not None:
                    shape = {str(e.key): None for e in expansions}
                else:
                    shape = "one"
        self._shapes[address] = shape
        return shape

    # -- sensitivity ---------------------------------------------------------------------------------
    def sensitive(self, node: Any, depth: int = 0) -> bool:
        if not isinstance(node, list) or (node and node[0] == "L"):
            return False  # a literal (a third of what resources hold) carries no mark: no memo, no id()
        if depth == 0:
            key = id(node)  # once: id() is an audited event, which a recorded run (replay.py) hooks
            known = self._sensitive.get(key)
            if known is None:
                known = self._sensitive[key] = self._marked(node, 0)
            return known
        return self._marked(node, depth)

    def _marked(self, node: Any, depth: int) -> bool:
        """Whether an expression's value derives from something Terraform marks sensitive.

        Terraform carries the mark through every operation; following references (variables declared
        `sensitive`, locals and module arguments built from them, outputs declared `sensitive`) gives the
        same answer for the expressions configurations write, without marking every value.
        """
        if depth > 32 or not isinstance(node, list) or not node:
            return False
        tag = node[0]  # the node's kind, read once (a run walks thousands of nodes)
        if tag == "F":
            function = node[1].removeprefix("core::")
            if function in ("nonsensitive", "issensitive"):
                return False
            if function == "sensitive":
                return True
        elif tag == "GA" and isinstance(node[1], list) and node[1]:
            base = node[1]
            if base[0] == "V":
                root, name = base[1], node[2]
                if root == "var":
                    return self._var_sensitive(name, depth)
                if root == "local":
                    entry = self.config.locals.get(name)
                    return entry is not None and self.sensitive(entry[0], depth + 1)
            elif base[0] == "GA" and base[1] == ["V", "module"]:
                return self._output_sensitive(base[2], node[2], depth)
        for item in node:  # what self.sensitive(item) does below the top, without a call for each literal
            if isinstance(item, list) and item and item[0] != "L" and self._marked(item, depth + 1):
                return True
        return False

    def _var_sensitive(self, name: str, depth: int) -> bool:
        block = self.config.variables.get(name)
        if block is None:
            return False
        if block.attr("sensitive") == ["L", True]:
            return True
        if self.parent is not None and self.call is not None and name in self.call.body["a"]:
            return self.parent.sensitive(self.call.attr(name), depth + 1)
        return False

    def _output_sensitive(self, module: str, output: str, depth: int) -> bool:
        for _, child in self._calls.get(module, ([], False))[0]:
            if child is not None:
                block = child.config.outputs.get(output)
                if block is not None and (
                    block.attr("sensitive") == ["L", True] or child.sensitive(block.attr("value"), depth + 1)
                ):
                    return True
        return False

    # -- locals ----------------------------------------------------------------------------------------
    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        entry = self.config.locals.get(name)
        if entry is None:
            raise EvalError(f"local.{name} is not declared in {self.config.dir or '.'}")
        if name in self._evaluating:
            chain = self._local_stack[self._local_stack.index(name):] + [name]
            _, line, file = self.config.locals[name]
            raise UserError(
                "locals refer to each other in a cycle: "
                + " -> ".join(f"local.{n}" for n in chain)
                + "; break the cycle so each local can be computed from the others",
                file,
                line,
            )
        self._evaluating.add(name)
        self._local_stack.append(name)
        try:
            value = Evaluator(self).safe(entry[0])
        finally:
            self._evaluating.discard(name)
            self._local_stack.pop()
        self._locals[name] = value
        return value

    # -- outputs ---------------------------------------------------------------------------------------
    def output(self, name: str, caller: Evaluator) -> Any:
        if name not in self._outputs:
            block = self.config.outputs.get(name)
            if block is None:
                raise EvalError(f"{self.address} has no output {name!r}")
            node = block.attr("value")
            refs: list[str] = []
            self._outputs[name] = (Unknown(f"{self.address}.{name} refers to itself"), refs)
            value = Evaluator(self, refs=refs).safe(node) if node is not None else None
            self._outputs[name] = (value, refs)
        value, refs = self._outputs[name]
        if caller.refs is not None:
            for ref in refs:
                if ref not in caller.refs:
                    caller.refs.append(ref)
        return value

    # -- module calls ----------------------------------------------------------------------------------
    def module_value(self, name: str, ev: Evaluator) -> Any:
        block = self.config.modules.get(name)
        if block is None:
            raise EvalError(f"module.{name} is not declared in {self.config.dir or '.'}")
        instances = self.call_instances(name)
        note = self._call_notes.get(name)
        outputs = [(exp, ModuleOutputs(child, note)) for exp, child in instances]
        if block.attr("count") is not None:
            if name in self._unknown_counts:
                return Unknown(f"module.{name} has an unknown count")
            return [out for _, out in outputs]
        if block.attr("for_each") is not None:
            if name in self._unknown_counts:
                return Unknown(f"module.{name} has an unknown for_each")
            return {str(exp.key): out for exp, out in outputs}
        return outputs[0][1] if outputs else Unknown(f"module.{name} has no instances")

    def call_may_matter(self, name: str) -> bool:
        """Whether a module call can lead to KMS resources (or a warning), judged from the text alone."""
        source = self.config.module_sources.get(name)
        directory = self.run.module_dir(self.config.dir, (*self.key_path, name), source)
        if directory is None:
            return True  # not installed or not a plain source: reading the call says why
        return self.run.loader.relevant(directory, self.run.module_dir, (*self.key_path, name))

    def call_instances(
        self, name: str, load_always: bool = True
    ) -> list[tuple[Expansion, ModuleInstance | None]]:
        """The instances of `module "name"` with their child module instances (None: not read).

        With load_always False a called module that cannot lead to anything KMS is not parsed (its
        children are None); an expression reading one of its outputs loads it later.
        """
        cached = self._calls.get(name)
        if cached is not None and (cached[1] or not load_always):
            return cached[0]
        block = self.config.modules[name]
        key_path = (*self.key_path, name)
        source_node = block.attr("source")
        source = source_node[1] if source_node and source_node[0] == "L" and isinstance(source_node[1], str) else None
        static = ".".join(f"module.{n}" for n in key_path)
        directory = self.run.module_dir(self.config.dir, key_path, source)
        note: str | None = None
        if directory is None:
            if source is None:
                note = "its source is not a plain string; the module is not read"
            elif is_local_source(source) and self.run.outside(self.config.dir, source):
                note = f"source {source!r} leads outside the repository; the module is not read"
            elif is_local_source(source):
                note = f"source {source!r} is not a directory; the module is not read"
            else:
                note = not_installed(source)
            self.run.warn("KI201", note, static, block.file, block.line)
            note = f"{static}: {note}"
        self._call_notes[name] = note
        load = directory is not None and (
            load_always or self.run.loader.relevant(directory, self.run.module_dir, key_path)
        )
        if cached is not None:
            expansions = [exp for exp, _ in cached[0]]
            assumption = self._assumptions.get(name)
        else:
            ev = Evaluator(self)
            expansions, assumption, error = expand(ev, block, static)
            self.run.warn_notes(ev.notes, static, block.file, block.line)
            if error:
                self.run.warn("KI203", f"{error}; the module is not read", static, block.file, block.line)
                expansions = []
            if assumption:
                self._unknown_counts.add(name)
                self._assumptions[name] = assumption
        if directory is not None and self._calls_ancestor(directory):
            raise UserError(
                f"{static} calls {source!r}, a module that is already calling it (a module cycle); "
                "Terraform cannot load this configuration",
                block.file,
                block.line,
            )
        config = self.run.loader.load(directory) if load and directory is not None else None
        out: list[tuple[Expansion, ModuleInstance | None]] = []
        for exp in expansions:
            if config is None:
                out.append((exp, None))
                continue
            address = f"{self.address_prefix}module.{name}{exp.suffix}"
            if assumption:
                self.run.warn("KI202", assumption, address, block.file, block.line)
            child = ModuleInstance(
                self.run, config, address, key_path, parent=self, call=block, call_names=exp.names,
                providers=self._child_providers(block),
                assumptions=self.assumptions + ([f"{address}: {assumption}"] if assumption else []),
            )
            out.append((exp, child))
        self._calls[name] = (out, config is not None)
        return out

    def _calls_ancestor(self, directory: str) -> bool:
        target = dir_key(directory)
        node: ModuleInstance | None = self
        while node is not None:
            if dir_key(node.config.dir) == target:
                return True
            node = node.parent
        return False

    def _child_providers(self, block: Block) -> dict[str, ProviderConfig]:
        node = block.attr("providers")
        if node is None:
            # Without a providers map a child inherits its caller's default configuration.
            return {"alicloud": self.provider("alicloud")}
        out: dict[str, ProviderConfig] = {}
        if node[0] == "OB":
            for key_node, value_node in node[1]:
                inner = provider_name(key_node)
                outer = provider_name(value_node)
                if inner and outer and inner.split(".")[0] == "alicloud":
                    out[inner] = self.provider(outer)
        return out

_MISSING: Any = object()


def attribute_names(block: Block) -> list[str]:
    return [name for name in block.body["a"] if name not in META_ARGS]


def set_of(value: Any) -> Any:
    return TfSet(value) if tv.is_seq(value) else value
