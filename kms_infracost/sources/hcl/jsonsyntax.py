"""`.tf.json` files to the same blocks as HCL files (Terraform's JSON configuration syntax).

In JSON syntax every string is a template (`"${var.region}"`), numbers, bools and null are literals,
arrays and objects are tuples and objects whose keys are literal names.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl.scan import KMS_MARK
from kms_infracost.sources.hcl.syntax import parse_expression, template_from_text


def _expr(value: Any, path: str) -> list[Any]:
    if isinstance(value, str):
        return template_from_text(value, path)
    if isinstance(value, bool) or value is None:
        return ["L", value]
    if isinstance(value, int):
        return ["L", value]
    if isinstance(value, float):
        return ["N", repr(value)]
    if isinstance(value, list):
        return ["TU", [_expr(v, path) for v in value]]
    if isinstance(value, dict):
        return ["OB", [[["L", k], _expr(v, path)] for k, v in value.items()]]
    raise UserError(f"unsupported JSON value {value!r}", path)


def _body(obj: Any, path: str, line: int | None, type_attrs: tuple[str, ...] = ()) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "//":
                continue
            if key in type_attrs and isinstance(value, str):
                attrs[key] = [parse_expression(value, path), line]
            else:
                attrs[key] = [_expr(value, path), line]
    return {"a": attrs, "b": []}


def _items(value: Any) -> list[Any]:
    """JSON syntax allows a block's content as an object or as an array of objects."""
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return [value] if isinstance(value, dict) else []


def _line_of(text: str, *names: str) -> int | None:
    pos = 0
    for name in names:
        m = re.compile(r'"' + re.escape(name) + r'"\s*:').search(text, pos)
        if m is None:
            return None
        pos = m.end()
    return text.count("\n", 0, pos) + 1


def parse_json_file(text: str, path: str) -> list[Any]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"JSON syntax error at column {exc.colno}: {exc.msg}", path, exc.lineno) from None
    if not isinstance(doc, dict):
        raise UserError("a .tf.json file must hold a JSON object", path, 1)
    blocks: list[Any] = []
    for kind in ("resource", "data"):
        for group in _items(doc.get(kind)):
            for rtype, by_name in group.items():
                if not rtype.startswith(KMS_MARK):
                    continue
                for mapping in _items(by_name):
                    for name, content in mapping.items():
                        for body in _items(content):
                            line = _line_of(text, kind, rtype, name)
                            blocks.append([kind, [rtype, name], line, _body(body, path, line)])
    for group in _items(doc.get("variable")):
        for name, content in group.items():
            line = _line_of(text, "variable", name)
            blocks.append(["variable", [name], line, _body(content, path, line, ("type",))])
    for group in _items(doc.get("locals")):
        line = _line_of(text, "locals")
        blocks.append(["locals", [], line, _body(group, path, line)])
    for group in _items(doc.get("provider")):
        for name, content in group.items():
            if name != "alicloud":
                continue
            for body in _items(content):
                line = _line_of(text, "provider", name)
                blocks.append(["provider", [name], line, _body(body, path, line)])
    for kind in ("module", "output"):
        for group in _items(doc.get(kind)):
            for name, content in group.items():
                for body in _items(content):
                    line = _line_of(text, kind, name)
                    blocks.append([kind, [name], line, _body(body, path, line)])
    return blocks
