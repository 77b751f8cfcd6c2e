"""Evaluate expression nodes (see syntax.py) the way Terraform does during plan.

What Terraform itself knows only after apply (resource attributes, data sources) evaluates to Unknown
with the reason, and every resource an expression refers to is noted so a key version or an alias can be
linked to its key. What is wrong (a missing map key, a string where a list belongs) raises EvalError,
which `try` and `can` catch and the caller otherwise turns into an explicit unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol

from kms_infracost.sources.hcl import functions
from kms_infracost.sources.hcl.values import (
    EvalError,
    TfSet,
    Unknown,
    describe,
    equal,
    find_unknown,
    is_number,
    is_seq,
    normal,
    number,
    to_bool,
    to_string,
)

if TYPE_CHECKING:
    from kms_infracost.sources.hcl.config import ModuleConfig
    from kms_infracost.sources.hcl.context import Run

Node = list[Any]


class Scope(Protocol):
    """What an expression sees of the module instance it is evaluated in. Defined here, by the evaluator
    that needs it, so instance.py (which implements it) imports this module and never the reverse."""

    run: Run
    config: ModuleConfig
    address_prefix: str

    def var(self, name: str) -> Any: ...

    def local(self, name: str) -> Any: ...

    def module_value(self, name: str, ev: Evaluator) -> Any: ...

    def resource_shape(self, address: str) -> list[int] | dict[str, None] | str | None: ...

    def sensitive(self, node: Any, depth: int = 0) -> bool: ...

#: names that are not resource types
RESERVED = frozenset({"var", "local", "each", "count", "path", "terraform", "data", "module", "self"})


def index_text(key: Any) -> str:
    """How Terraform writes an instance key in an address: [0] or ["name"]."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    text = str(key).replace("\\", "\\\\").replace('"', '\\"')
    return f'["{text}"]'


# -- namespaces: things a traversal walks through before it reaches a value ---------------------------


class Namespace:
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        raise EvalError(f"{self.describe()} has no attribute {name!r}")

    def get_index(self, key: Any, ev: Evaluator) -> Any:
        raise EvalError(f"{self.describe()} cannot be indexed")

    def as_value(self, ev: Evaluator) -> Any:
        raise EvalError(f"{self.describe()} is not a value on its own")

    def describe(self) -> str:
        return type(self).__name__


class _Vars(Namespace):
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        return ev.instance.var(name)

    def describe(self) -> str:
        return "var"


class _Locals(Namespace):
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        return ev.instance.local(name)

    def describe(self) -> str:
        return "local"


class Each(Namespace):
    def __init__(self, key: Any, value: Any) -> None:
        self.key, self.value = key, value

    def get_attr(self, name: str, ev: Evaluator) -> Any:
        if name == "key":
            return self.key
        if name == "value":
            return self.value
        return super().get_attr(name, ev)

    def describe(self) -> str:
        return "each"


class Count(Namespace):
    def __init__(self, index: Any) -> None:
        self.index = index

    def get_attr(self, name: str, ev: Evaluator) -> Any:
        if name == "index":
            return self.index
        return super().get_attr(name, ev)

    def describe(self) -> str:
        return "count"


class _Path(Namespace):
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        if name == "module":
            return ev.instance.config.dir or "."
        if name == "root":
            return ev.instance.run.root_dir or "."
        if name == "cwd":
            return "."
        return super().get_attr(name, ev)


class _Terraform(Namespace):
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        if name == "workspace":
            return ev.instance.run.workspace
        return Unknown(f"terraform.{name} is not known to kms-infracost")


class _Data(Namespace):
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        return _DataType(name)


class _DataType(Namespace):
    def __init__(self, rtype: str) -> None:
        self.rtype = rtype

    def get_attr(self, name: str, ev: Evaluator) -> Any:
        return Unknown(f"data.{self.rtype}.{name} is read from the cloud, not known from the configuration")


class _Modules(Namespace):
    def get_attr(self, name: str, ev: Evaluator) -> Any:
        return ev.instance.module_value(name, ev)


class _ResourceType(Namespace):
    def __init__(self, rtype: str) -> None:
        self.rtype = rtype

    def get_attr(self, name: str, ev: Evaluator) -> Any:
        return ResourceRef(f"{self.rtype}.{name}", ev.instance.address_prefix)

    def describe(self) -> str:
        return self.rtype


class ResourceRef(Namespace):
    """A managed resource (or one instance of it): its attributes are known only after apply."""

    def __init__(self, address: str, prefix: str, indexed: bool = False) -> None:
        self.address, self.prefix, self.indexed = address, prefix, indexed

    def note(self, ev: Evaluator) -> None:
        if ev.refs is not None:
            full = self.prefix + self.address
            if full not in ev.refs:
                ev.refs.append(full)

    def get_attr(self, name: str, ev: Evaluator) -> Any:
        self.note(ev)
        full = self.prefix + self.address
        return Unknown(f"{full}.{name} is known only after apply", full)

    def get_index(self, key: Any, ev: Evaluator) -> Any:
        if self.indexed or isinstance(key, Unknown):
            self.note(ev)
            return Unknown(f"{self.prefix}{self.address} is known only after apply")
        return ResourceRef(self.address + index_text(key), self.prefix, indexed=True)

    def as_value(self, ev: Evaluator) -> Any:
        """The resource as a value: its instances, each known only after apply.

        Terraform knows how many instances a resource has (and their keys) during plan, so
        `length(alicloud_kms_key.k)` or `for_each = alicloud_kms_key.k` are known when its count is.
        Each instance's value remembers which instance it is, so `each.value.id` leads back to it.
        """
        self.note(ev)
        full = self.prefix + self.address
        after_apply = Unknown(f"{full} is known only after apply", full)
        if self.indexed or ev.instance is None:
            return after_apply
        shape = ev.instance.resource_shape(self.address)
        if shape is None:
            return after_apply
        if isinstance(shape, list):
            return [Unknown(f"{full}[{i}] is known only after apply", f"{full}[{i}]") for i in shape]
        if isinstance(shape, dict):
            return {k: Unknown(f"{full}{index_text(k)} is known only after apply", full + index_text(k)) for k in shape}
        return after_apply

    def describe(self) -> str:
        return self.address


_ROOTS: dict[str, Namespace] = {
    "var": _Vars(),
    "local": _Locals(),
    "path": _Path(),
    "terraform": _Terraform(),
    "data": _Data(),
    "module": _Modules(),
}


class Evaluator:
    """Evaluates nodes in one module instance, with `each` / `count` / for-expression names in scope."""

    def __init__(
        self,
        instance: Scope | None,
        names: dict[str, Any] | None = None,
        refs: list[str] | None = None,
    ) -> None:
        self.instance: Scope = instance  # type: ignore[assignment]
        self.names = names or {}
        self.refs = refs
        #: messages worth a warning met while evaluating (unsupported functions …)
        #: (warning code, message, address or None) of what evaluation met; the caller raises them as warnings
        self.notes: list[tuple[str, str, str | None]] = []

    def with_names(self, extra: dict[str, Any]) -> Evaluator:
        child = Evaluator(self.instance, {**self.names, **extra}, self.refs)
        child.notes = self.notes
        return child

    # -- entry points ------------------------------------------------------------------------------
    def value(self, node: Node) -> Any:
        if node[0] == "L":  # a literal (most attribute values): itself, never a namespace to settle
            return node[1]
        return self.settle(self.raw(node))

    def settle(self, value: Any) -> Any:
        if isinstance(value, Namespace):
            return value.as_value(self)
        return value

    def safe(self, node: Node) -> Any:
        """A value, with an error turned into an unknown that says what went wrong."""
        try:
            return self.value(node)
        except EvalError as exc:
            return Unknown(f"cannot be evaluated: {exc}")
        except RecursionError:
            return Unknown("cannot be evaluated: expression nested too deeply")

    # -- nodes -------------------------------------------------------------------------------------
    def raw(self, node: Node) -> Any:
        handler = _HANDLERS.get(node[0])
        if handler is None:
            raise EvalError(f"unsupported expression {node[0]}")
        return handler(self, node)

    def _literal(self, node: Node) -> Any:
        return node[1]

    def _number(self, node: Node) -> Any:
        return normal(Decimal(node[1]))

    def _paren(self, node: Node) -> Any:
        return self.raw(node[1])

    def _name(self, node: Node) -> Any:
        name = node[1]
        if name in self.names:
            return self.names[name]
        if name in _ROOTS:
            if self.instance is None:
                raise EvalError(f"{name} cannot be used here")
            return _ROOTS[name]
        if name in ("each", "count"):
            raise EvalError(f"{name} is only available in a resource or module with {name if name == 'count' else 'for_each'}")
        if name == "self":
            return Unknown("self is known only after apply")
        if self.instance is None:
            raise EvalError(f"{name} cannot be used here")
        return _ResourceType(name)

    def _get_attr(self, node: Node) -> Any:
        return self.attr_of(self.raw(node[1]), node[2])

    def attr_of(self, base: Any, name: str) -> Any:
        if isinstance(base, Namespace):
            return base.get_attr(name, self)
        if isinstance(base, Unknown):
            return base
        if isinstance(base, dict):
            if name in base:
                return base[name]
            raise EvalError(f"object has no attribute {name!r}")
        if base is None:
            raise EvalError(f"cannot read attribute {name!r} of null")
        raise EvalError(f"cannot read attribute {name!r} of a {describe(base)}")

    def _index(self, node: Node) -> Any:
        base = self.raw(node[1])
        key = self.value(node[2])
        return self.index_of(base, key)

    def index_of(self, base: Any, key: Any) -> Any:
        if isinstance(base, Namespace):
            return base.get_index(key, self)
        if isinstance(base, Unknown):
            return base
        if isinstance(key, Unknown):
            return key
        if isinstance(base, dict):
            name = to_string(key)
            if name in base:
                return base[name]
            raise EvalError(f"the map has no key {name!r}")
        if isinstance(base, TfSet):
            raise EvalError("a set cannot be indexed; convert it with tolist()")
        if is_seq(base):
            index = number(key)
            if not isinstance(index, int) or index < 0 or index >= len(base):
                raise EvalError(f"index {key} is out of range for a list of {len(base)}")
            return base[index]
        if base is None:
            raise EvalError("cannot index null")
        raise EvalError(f"cannot index a {describe(base)}")

    def _splat(self, node: Node) -> Any:
        base = self.raw(node[1])
        if isinstance(base, Namespace):
            base = base.as_value(self)
        if isinstance(base, Unknown):
            return base
        if base is None:
            return []
        items = list(base) if is_seq(base) else [base]
        out = []
        for item in items:
            for op in node[2]:
                item = self.attr_of(item, op[1]) if op[0] == "GA" else self.index_of(item, self.value(op[1]))
            out.append(self.settle(item))
        return out

    def _template(self, node: Node) -> Any:
        parts = node[1]
        if len(parts) == 1 and not isinstance(parts[0], str) and parts[0][0] not in ("IF", "FOR"):
            return self.value(parts[0])
        return self._render(parts)

    def _render(self, parts: list[Any]) -> Any:
        out: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            if part[0] == "IF":
                cond = self.value(part[1])
                if isinstance(cond, Unknown):
                    return cond
                text = self._render(part[2] if to_bool(cond) else part[3])
            elif part[0] == "FOR":
                text = self._render_for(part)
            else:
                value = self.value(part)
                if isinstance(value, Unknown):
                    return value
                if isinstance(value, (dict, list, tuple)):
                    raise EvalError(f"a {describe(value)} cannot be used in a string template")
                text = to_string(value)
            if isinstance(text, Unknown):
                return text
            out.append(text)
        return "".join(out)

    def _render_for(self, part: Node) -> Any:
        _, key_var, value_var, coll_node, body = part
        pieces: list[str] = []
        items = self._iterate(coll_node)
        if isinstance(items, Unknown):
            return items
        for key, value in items:
            names = {value_var: value}
            if key_var:
                names[key_var] = key
            text = self.with_names(names)._render(body)
            if isinstance(text, Unknown):
                return text
            pieces.append(text)
        return "".join(pieces)

    def _call(self, node: Node) -> Any:
        name, arg_nodes, expand = node[1], node[2], node[3]
        name = name.removeprefix("core::")
        if name == "try":
            for arg in arg_nodes:
                try:
                    value = self.value(arg)
                except EvalError:
                    continue
                return value
            raise EvalError("try: no argument could be evaluated without an error")
        if name == "can":
            if len(arg_nodes) != 1:
                raise EvalError("can: exactly one argument is required")
            try:
                value = self.value(arg_nodes[0])
            except EvalError:
                return False
            return value if isinstance(value, Unknown) else True
        if "::" in name:
            return Unknown(f"provider function {name}() is not evaluated by kms-infracost")
        if name in functions.NOT_EVALUATED:
            return Unknown(f"{name}() is not evaluated: {functions.NOT_EVALUATED[name]}")
        if name == "issensitive":
            if len(arg_nodes) != 1:
                raise EvalError("issensitive: exactly one argument is required")
            value = self.value(arg_nodes[0])
            if isinstance(value, Unknown):
                return value
            return self.marked_sensitive(arg_nodes[0])
        if name == "templatestring":
            return self._templatestring(arg_nodes)
        func = functions.FUNCTIONS.get(name)
        if func is None:
            note = ("KI206", f"function {name}() is not supported by kms-infracost; its result is treated as unknown", None)
            if note not in self.notes:
                self.notes.append(note)
            return Unknown(f"function {name}() is not supported")
        args = [self.value(a) for a in arg_nodes]
        if expand and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return last
            if not is_seq(last):
                raise EvalError(f"{name}: the argument before ... must be a list")
            args.extend(last)
        for arg in args:
            if isinstance(arg, Unknown):
                return arg
        if name not in functions.SEES_UNKNOWN:
            for arg in args:
                found = find_unknown(arg)
                if found:
                    return found
        try:
            return func(*args)
        except EvalError:
            raise
        except TypeError:
            raise EvalError(f"{name}() was given {len(args)} argument(s), which it does not take") from None
        except (ValueError, ArithmeticError, KeyError, IndexError) as exc:
            raise EvalError(f"{name}: {exc}") from None

    def marked_sensitive(self, node: Node) -> bool:
        """Whether Terraform would mark the expression's value sensitive (see ModuleInstance.sensitive)."""
        if self.instance is not None:
            return self.instance.sensitive(node)
        if node[:1] == ["F"] and node[1].removeprefix("core::") in ("nonsensitive", "issensitive"):
            return False
        if node[:1] == ["F"] and node[1].removeprefix("core::") == "sensitive":
            return True
        return any(self.marked_sensitive(item) for item in node if isinstance(item, list) and item
                   and isinstance(item[0], str))

    def _templatestring(self, arg_nodes: list[Node]) -> Any:
        """The value of a reference, rendered as a template with only the given variables in scope."""
        if len(arg_nodes) != 2:
            raise EvalError("templatestring: two arguments are required, a reference and an object of variables")
        if arg_nodes[0][0] not in ("GA", "IX", "V"):
            raise EvalError("templatestring: the first argument must be a reference to a string, not a literal")
        source, variables = self.value(arg_nodes[0]), self.value(arg_nodes[1])
        for value in (source, variables):
            if isinstance(value, Unknown):
                return value
        if not isinstance(variables, dict):
            raise EvalError(f"templatestring: the variables must be an object, got {describe(variables)}")
        from kms_infracost.errors import UserError
        from kms_infracost.sources.hcl.syntax import template_from_text

        try:
            template = template_from_text(to_string(source), "templatestring")
        except UserError as exc:
            raise EvalError(f"templatestring: {exc.message}") from None
        return Evaluator(None, dict(variables)).value(template)

    def _conditional(self, node: Node) -> Any:
        cond = self.value(node[1])
        if isinstance(cond, Unknown):
            a, b = self.safe(node[2]), self.safe(node[3])
            if not isinstance(a, Unknown) and not isinstance(b, Unknown) and equal(a, b):
                return a
            return Unknown(f"a condition is unknown: {cond.reason}")
        if cond is None:
            raise EvalError("the condition is null")
        return self.value(node[2] if to_bool(cond) else node[3])

    def _binary(self, node: Node) -> Any:
        op = node[1]
        a = self.value(node[2])
        if op in ("&&", "||"):
            decisive = op == "||"
            if not isinstance(a, Unknown) and to_bool(a) is decisive:
                return decisive
            b = self.value(node[3])
            if not isinstance(b, Unknown) and to_bool(b) is decisive:
                return decisive
            if isinstance(a, Unknown):
                return a
            if isinstance(b, Unknown):
                return b
            return not decisive
        b = self.value(node[3])
        if isinstance(a, Unknown):
            return a
        if isinstance(b, Unknown):
            return b
        if op == "==":
            return equal(a, b)
        if op == "!=":
            return not equal(a, b)
        x, y = number(a), number(b)
        try:
            if op == "+":
                return normal(x + y) if isinstance(x + y, Decimal) else x + y
            if op == "-":
                return normal(x - y) if isinstance(x - y, Decimal) else x - y
            if op == "*":
                return normal(x * y) if isinstance(x * y, Decimal) else x * y
            if op == "/":
                return normal(Decimal(x) / Decimal(y))
            if op == "%":
                return normal(Decimal(x) % Decimal(y))
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            raise EvalError("division by zero") from None
        if op == "<":
            return x < y
        if op == ">":
            return x > y
        if op == "<=":
            return x <= y
        if op == ">=":
            return x >= y
        raise EvalError(f"unsupported operator {op}")

    def _unary(self, node: Node) -> Any:
        value = self.value(node[2])
        if isinstance(value, Unknown):
            return value
        if node[1] == "!":
            return not to_bool(value)
        n = number(value)
        return -n

    def _tuple(self, node: Node) -> Any:
        return [self.value(item) for item in node[1]]

    def _object(self, node: Node) -> Any:
        out: dict[str, Any] = {}
        for key_node, value_node in node[1]:
            if key_node[0] == "V":
                key: Any = key_node[1]
            else:
                key = self.value(key_node)
                if isinstance(key, Unknown):
                    return key
                key = to_string(key)
            out[key] = self.value(value_node)
        return out

    def _iterate(self, coll_node: Node) -> Any:
        coll = self.value(coll_node)
        if isinstance(coll, Unknown):
            return coll
        if isinstance(coll, dict):
            return sorted(coll.items())
        if isinstance(coll, TfSet):
            return [(v, v) for v in coll]
        if is_seq(coll):
            return list(enumerate(coll))
        if coll is None:
            raise EvalError("cannot iterate over null")
        raise EvalError(f"cannot iterate over a {describe(coll)}")

    def _for_each_item(self, node: Node, key_var: str | None, value_var: str, coll_node: Node, cond: Node | None,
                       emit: Callable[[Evaluator], Any]) -> Any:
        items = self._iterate(coll_node)
        if isinstance(items, Unknown):
            return items
        results = []
        for key, value in items:
            names = {value_var: value}
            if key_var:
                names[key_var] = key
            scope = self.with_names(names)
            if cond is not None:
                keep = scope.value(cond)
                if isinstance(keep, Unknown):
                    return keep
                if not to_bool(keep):
                    continue
            results.append(emit(scope))
        return results

    def _for_tuple(self, node: Node) -> Any:
        _, key_var, value_var, coll, expr, cond = node
        result = self._for_each_item(node, key_var, value_var, coll, cond, lambda s: s.value(expr))
        return result

    def _for_object(self, node: Node) -> Any:
        _, key_var, value_var, coll, key_expr, value_expr, grouping, cond = node
        pairs = self._for_each_item(node, key_var, value_var, coll, cond,
                                    lambda s: (s.value(key_expr), s.value(value_expr)))
        if isinstance(pairs, Unknown):
            return pairs
        out: dict[str, Any] = {}
        for key, value in pairs:
            if isinstance(key, Unknown):
                return key
            name = to_string(key)
            if grouping:
                out.setdefault(name, []).append(value)
            elif name in out:
                raise EvalError(f"duplicate key {name!r} in a for expression (use ... to group)")
            else:
                out[name] = value
        return out


_HANDLERS: dict[str, Callable[[Evaluator, Node], Any]] = {
    "L": Evaluator._literal,
    "N": Evaluator._number,
    "P": Evaluator._paren,
    "V": Evaluator._name,
    "GA": Evaluator._get_attr,
    "IX": Evaluator._index,
    "SP": Evaluator._splat,
    "T": Evaluator._template,
    "F": Evaluator._call,
    "C": Evaluator._conditional,
    "B": Evaluator._binary,
    "U": Evaluator._unary,
    "TU": Evaluator._tuple,
    "OB": Evaluator._object,
    "FT": Evaluator._for_tuple,
    "FO": Evaluator._for_object,
}


def is_number_value(value: Any) -> bool:
    return is_number(value)
