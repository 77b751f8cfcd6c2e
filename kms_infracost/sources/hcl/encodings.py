"""Terraform's text codecs: character sets, CSV, YAML (as go-cty-yaml reads and writes it) and rsadecrypt.

YAML follows what Terraform 1.11 does rather than the YAML 1.2 core schema: `yes`/`on`/`y` are booleans,
`012` is twelve, `0x10` and `0o17` are numbers but `0b11` and `1_000` are strings, and a timestamp becomes
its RFC 3339 text. yamlencode writes strings double-quoted (literal blocks for text with line breaks),
wraps long double-quoted strings at 80 columns, and indents as go-yaml does.
"""

from __future__ import annotations

import base64
import binascii
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from kms_infracost.sources.hcl.values import EvalError, describe, is_seq, normal, scalar_text, to_string

# -- character sets --------------------------------------------------------------------------------


def _codec(name: str, fn: str) -> str:
    import codecs

    try:
        return codecs.lookup(name).name
    except LookupError:
        raise EvalError(f"{fn}: {name!r} is not a character encoding Terraform knows") from None


def f_textencodebase64(text: Any, encoding: Any) -> str:
    codec = _codec(to_string(encoding), "textencodebase64")
    try:
        data = to_string(text).encode(codec)
    except UnicodeEncodeError as exc:
        raise EvalError(f"textencodebase64: {exc.object[exc.start]!r} cannot be written in {to_string(encoding)}") from None
    return base64.b64encode(data).decode("ascii")


def f_textdecodebase64(text: Any, encoding: Any) -> str:
    codec = _codec(to_string(encoding), "textdecodebase64")
    try:
        return base64.b64decode(to_string(text), validate=True).decode(codec)
    except (binascii.Error, ValueError):
        raise EvalError(f"textdecodebase64: not valid base64 text in {to_string(encoding)}") from None


# -- CSV -------------------------------------------------------------------------------------------


def f_csvdecode(text: Any) -> list[dict[str, str]]:
    import csv
    import io

    reader = csv.reader(io.StringIO(to_string(text), newline=""), strict=True)
    try:
        rows = [row for row in reader if row]
    except csv.Error as exc:
        raise EvalError(f"csvdecode: {exc}") from None
    if not rows:
        raise EvalError("csvdecode: missing header line")
    header = rows[0]
    out: list[dict[str, str]] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise EvalError(f"csvdecode: line {number} has {len(row)} fields; the header has {len(header)}")
        out.append(dict(zip(header, row)))
    return out


# -- YAML ------------------------------------------------------------------------------------------

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
_DECIMAL = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\Z")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.\d*)?"
    r"(?:[ \t]*(Z|[-+]\d\d?(?::?\d\d)?))?)?\Z"
)


def _timestamp(text: str) -> str | None:
    m = _TIMESTAMP.match(text)
    if m is None:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    hour, minute, second = (int(g) if g else 0 for g in m.group(4, 5, 6))
    zone = m.group(7)
    if zone in (None, "Z"):
        suffix = "Z"
    else:
        sign, rest = zone[0], zone[1:].replace(":", "")
        hours, minutes = (rest[:-2], rest[-2:]) if len(rest) > 2 else (rest, "00")
        suffix = "Z" if int(hours) == 0 and int(minutes) == 0 else f"{sign}{int(hours):02d}:{minutes}"
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}{suffix}"


def _scalar(text: str, tag: str, plain: bool) -> Any:
    """A scalar as Terraform reads it: quoted or tagged !!str is text; a plain one is resolved."""
    short = tag.rsplit(":", 1)[-1] if tag.startswith("tag:yaml.org,2002:") else ""
    if short in ("str", "binary") or (not plain and short not in ("int", "float", "bool", "null", "timestamp")):
        return text
    if text in _NULLS and short in ("", "null"):
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if short in ("", "timestamp"):
        stamp = _timestamp(text)
        if stamp is not None:
            return stamp
    if _DECIMAL.match(text):
        try:
            return normal(Decimal(text))
        except InvalidOperation:
            pass
    for prefix, base in (("0x", 16), ("0o", 8)):
        body = text.lstrip("+-")
        if body.startswith(prefix):
            try:
                return int(body[2:], base) * (-1 if text.startswith("-") else 1)
            except ValueError:
                break
    if short in ("int", "float"):
        raise EvalError(f"yamldecode: {text!r} is not a number")
    return text


def _merge_into(out: dict[str, Any], merged: Any) -> None:
    for part in merged if isinstance(merged, list) else [merged]:
        if isinstance(part, dict):
            for k, v in part.items():
                out.setdefault(k, v)


def _from_events(events: Any) -> list[Any]:
    """Documents from the parser's events: anchors and aliases, merge keys (`<<`), explicit tags."""
    anchors: dict[str, Any] = {}
    documents: list[Any] = []
    #: open collections: [container, pending key or marker, is mapping]
    stack: list[list[Any]] = []
    marker = object()

    def add(value: Any, is_merge_key: bool = False) -> None:
        if not stack:
            documents.append(value)
            return
        top = stack[-1]
        if not top[2]:
            top[0].append(value)
        elif top[1] is marker:
            if isinstance(value, (dict, list)):
                raise EvalError("yamldecode: a mapping key must be a scalar")
            top[1] = ("<<",) if is_merge_key else _key_text(value)
        else:
            if isinstance(top[1], tuple):
                _merge_into(top[0], value)
            else:
                top[0][top[1]] = value
            top[1] = marker

    for event in events:
        kind = type(event).__name__
        if kind == "ScalarEvent":
            tag = event.tag if isinstance(event.tag, str) else ""
            plain = bool(event.implicit and event.implicit[0]) and not tag
            value = _scalar(event.value, tag, plain)
            if event.anchor:
                anchors[event.anchor] = value
            is_merge = plain and event.value == "<<" and bool(stack) and stack[-1][2] and stack[-1][1] is marker
            add(value, is_merge)
        elif kind in ("SequenceStartEvent", "MappingStartEvent"):
            if len(stack) > 200:
                raise EvalError("yamldecode: the document nests too deeply")
            container: Any = {} if kind == "MappingStartEvent" else []
            if event.anchor:
                anchors[event.anchor] = container
            stack.append([container, marker, kind == "MappingStartEvent"])
        elif kind in ("SequenceEndEvent", "MappingEndEvent"):
            add(stack.pop()[0])
        elif kind == "AliasEvent":
            if event.anchor not in anchors:
                raise EvalError(f"yamldecode: unknown anchor {event.anchor!r}")
            add(anchors[event.anchor])
    return documents


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    return to_string(key)


def f_yamldecode(text: Any) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        documents = _from_events(yaml.parse(to_string(text)))
    except YAMLError as exc:
        first = " ".join(str(exc).split())[:200]
        raise EvalError(f"yamldecode: {first}") from None
    if len(documents) > 1:
        raise EvalError("yamldecode: the text holds more than one YAML document")
    return documents[0] if documents else None


_ESCAPES = {"\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r", "\x1b": "e",
            '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P"}


def _printable(ch: str) -> bool:
    cp = ord(ch)
    return cp == 0x0A or 0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xD7FF or (0xE000 <= cp <= 0xFFFD and cp != 0xFEFF)


def _escaped(ch: str) -> bool:
    return not _printable(ch) or ch in '"\\\n\u2028\u2029\x85'


def _quoted(text: str, column: int, indent: int, breaks: bool) -> tuple[str, int]:
    """go-yaml's double-quoted style; the column after it. Breaks at a space past column 80."""
    out = ['"']
    column += 1
    spaces = False
    for i, ch in enumerate(text):
        if _escaped(ch) and ch != " ":
            if ch in _ESCAPES and not (ch == "\xa0" and _printable(ch)):
                piece = "\\" + _ESCAPES[ch]
            elif ord(ch) <= 0xFF:
                piece = f"\\x{ord(ch):02X}"
            elif ord(ch) <= 0xFFFF:
                piece = f"\\u{ord(ch):04X}"
            else:
                piece = f"\\U{ord(ch):08X}"
            out.append(piece)
            column += len(piece)
            spaces = False
        elif ch == " ":
            if breaks and not spaces and column > 80 and i != 0 and i != len(text) - 1:
                out.append("\n" + " " * indent)
                column = indent
                if i + 1 < len(text) and text[i + 1] == " ":
                    out.append("\\")
                    column += 1
            else:
                out.append(" ")
                column += 1
            spaces = True
        else:
            out.append(ch)
            column += 1
            spaces = False
    out.append('"')
    return "".join(out), column + 1


def _literal_allowed(text: str) -> bool:
    if any(not _printable(ch) or ch in "\x85\u2028\u2029" for ch in text):
        return False
    return not (" \n" in text or text.endswith(" "))


def _literal(text: str, indent: int) -> str:
    header = "|"
    if text.startswith((" ", "\n")):
        header += "2"
    if not text.endswith("\n"):
        header += "-"
    elif len(text) == 1 or text.endswith("\n\n"):
        header += "+"
    body = text.removesuffix("\n")
    lines = [(" " * indent + line) if line else "" for line in body.split("\n")]
    return header + "\n" + "\n".join(lines)


def _emit_scalar(value: Any, column: int, indent: int) -> str:
    """A scalar written at a column; continuation lines indented `indent`."""
    plain = scalar_text(value)
    if plain is not None:
        return plain
    text = to_string(value)
    if "\n" in text and _literal_allowed(text):
        return _literal(text, indent)
    return _quoted(text, column, indent, breaks=True)[0]


def _emit(value: Any, indent: int, column: int, lines: list[str], first: str) -> None:
    """Append value's YAML. `first` is what its first line starts with ("- ", a key, or nothing)."""
    if isinstance(value, dict) and value:
        keys = sorted(value)
        for n, key in enumerate(keys):
            prefix = first if n == 0 else " " * indent
            key_text = _quoted(key, len(prefix), indent, breaks=False)[0] + ":"
            _member(value[key], prefix + key_text, indent, lines, in_mapping=True)
        return
    if is_seq(value) and value:
        for n, item in enumerate(value):
            prefix = (first if n == 0 else " " * indent) + "- "
            _member(item, prefix, indent, lines, in_mapping=False, after_dash=True)
        return
    if isinstance(value, dict) or is_seq(value):
        lines.append(first + ("{}" if isinstance(value, dict) else "[]"))
        return
    lines.append(first + _emit_scalar(value, len(first), indent + 2))


def _member(value: Any, prefix: str, indent: int, lines: list[str], in_mapping: bool, after_dash: bool = False) -> None:
    if isinstance(value, dict) and value:
        if after_dash:
            _emit(value, indent + 2, len(prefix), lines, prefix)
        else:
            lines.append(prefix)
            _emit(value, indent + 2, indent + 2, lines, " " * (indent + 2))
    elif is_seq(value) and value:
        if after_dash:
            _emit(value, indent + 2, len(prefix), lines, prefix)
        else:  # a sequence in a mapping is not indented (go-yaml)
            lines.append(prefix)
            _emit(value, indent, indent, lines, " " * indent)
    else:
        sep = " " if in_mapping else ""
        _emit(value, indent, len(prefix) + len(sep), lines, prefix + sep)


def f_yamlencode(value: Any) -> str:
    if not isinstance(value, (dict, list, tuple, str, bool, int, Decimal)) and value is not None:
        raise EvalError(f"yamlencode: cannot encode {describe(value)}")
    lines: list[str] = []
    if isinstance(value, dict) and value or is_seq(value) and value:
        _emit(value, 0, 0, lines, "")
    else:
        lines.append(_emit_scalar(value, 0, 2) if not (isinstance(value, dict) or is_seq(value))
                     else ("{}" if isinstance(value, dict) else "[]"))
    return "\n".join(lines) + "\n"


# -- rsadecrypt ------------------------------------------------------------------------------------


def _der(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, start of content, end of content) of the DER element at pos."""
    if pos + 2 > len(data):
        raise ValueError("truncated")
    tag, size = data[pos], data[pos + 1]
    pos += 2
    if size & 0x80:
        count = size & 0x7F
        size = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + size > len(data):
        raise ValueError("truncated")
    return tag, pos, pos + size


def _private_numbers(der: bytes) -> tuple[int, int]:
    """(n, d) of a PKCS#1 RSAPrivateKey, or of one inside a PKCS#8 PrivateKeyInfo."""
    tag, start, end = _der(der, 0)
    if tag != 0x30:
        raise ValueError("not a sequence")
    items: list[tuple[int, int, int]] = []
    pos = start
    while pos < end:
        item = _der(der, pos)
        items.append(item)
        pos = item[2]
    if len(items) >= 3 and items[1][0] == 0x30 and items[2][0] == 0x04:  # PKCS#8: unwrap the octet string
        return _private_numbers(der[items[2][1] : items[2][2]])
    if len(items) < 4 or any(t != 0x02 for t, _, _ in items[:4]):
        raise ValueError("not an RSA private key")
    n = int.from_bytes(der[items[1][1] : items[1][2]], "big")
    d = int.from_bytes(der[items[3][1] : items[3][2]], "big")
    return n, d


def f_rsadecrypt(ciphertext: Any, private_key: Any) -> str:
    """PKCS #1 v1.5 decryption with a PEM private key, as Terraform's rsadecrypt."""
    pem = to_string(private_key)
    m = re.search(r"-----BEGIN (RSA )?PRIVATE KEY-----(.*?)-----END (RSA )?PRIVATE KEY-----", pem, re.DOTALL)
    if m is None:
        raise EvalError("rsadecrypt: the key is not a PEM-encoded RSA private key")
    try:
        n, d = _private_numbers(base64.b64decode("".join(m.group(2).split())))
        data = base64.b64decode(to_string(ciphertext), validate=True)
    except (ValueError, binascii.Error):
        raise EvalError("rsadecrypt: the key or the ciphertext cannot be read") from None
    size = (n.bit_length() + 7) // 8
    block = pow(int.from_bytes(data, "big"), d, n).to_bytes(size, "big")
    sep = block.find(b"\x00", 2)
    if block[:2] != b"\x00\x02" or sep < 10:
        raise EvalError("rsadecrypt: decryption failed (wrong key or not PKCS #1 v1.5)")
    try:
        return block[sep + 1 :].decode("utf-8")
    except UnicodeDecodeError:
        raise EvalError("rsadecrypt: the decrypted bytes are not UTF-8 text") from None
