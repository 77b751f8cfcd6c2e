"""HCL text to a small expression tree of our own: fastparse.py's hand-written reader when it is sure,
python-hcl2's Lark grammar otherwise (and for every error message).

python-hcl2's own output turns expressions back into `${...}` strings, which would have to be parsed a
second time; its raw Lark tree keeps the structure. We convert that tree once into plain lists
(JSON-serialisable, so the parse cache can store them and a warm run never imports the parser):

    ["L", value]                 literal (str, int, bool, None)
    ["N", "1.5"]                 non-integer number literal
    ["T", [part, ...]]           template: str parts and expression nodes, ["IF", c, then, else],
                                 ["FOR", key_var, value_var, collection, body]
    ["V", name]                  a bare name (var, local, each, a resource type, a for variable …)
    ["GA", expr, name]           attribute access
    ["IX", expr, key]            index
    ["SP", expr, [op, ...]]      splat; ops are ["GA", name] / ["IX", expr]
    ["F", name, [args], expand]  function call; expand when the last argument ends with `...`
    ["C", cond, a, b]            conditional
    ["B", op, a, b] / ["U", op, a]
    ["TU", [items]] / ["OB", [[key, value], ...]]
    ["FT", key_var, value_var, collection, value, cond]
    ["FO", key_var, value_var, collection, key, value, grouping, cond]
    ["P", expr]                  parentheses (they matter only for object keys)

A body is {"a": {name: [expr, line]}, "b": [[type, labels, line, body], ...]}.
"""

from __future__ import annotations

import re
from typing import Any

from kms_infracost.errors import UserError

Node = list[Any]
Body = dict[str, Any]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_UNICODE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)


#: python-hcl2's grammar, extended where it is narrower than HCL itself. Each patch is (what the grammar
#: says, what HCL allows); test_hcl_syntax_fidelity checks every one still applies to the installed version.
GRAMMAR_PATCHES: tuple[tuple[str, str], ...] = (
    # a /* */ comment is whitespace in HCL, not a line break: it may sit between labels or before a value
    (
        r"NL_OR_COMMENT: /\n[ \t]*/ | /#.*\n/ | /\/\/.*\n/ | /\/\*(.|\n)*?(\*\/)/",
        (
            "NL_OR_COMMENT: /\\n[ \\t]*/ | /#.*\\n/ | /\\/\\/.*\\n/\n"
            "BLOCK_COMMENT: /\\/\\*(.|\\n)*?\\*\\//\n%ignore BLOCK_COMMENT"
        ),
    ),
    # identifiers are Unicode (ID_Start or _, then ID_Continue or -): `locals { π = 3.14 }`
    ("NAME : /[a-zA-Z_][a-zA-Z0-9_-]*/", "NAME : /[^\\W\\d][\\w-]*/"),
    # built-in functions may be called by their namespaced name: `core::upper("x")`
    (
        "function_call : identifier (COLONS identifier COLONS identifier)? LPAR",
        "function_call : identifier (COLONS identifier (COLONS identifier)?)? LPAR",
    ),
)


def patched_grammar() -> tuple[str, int]:
    """python-hcl2's grammar text with the patches applied, and how many applied."""
    from pathlib import Path

    import hcl2

    text = (Path(hcl2.__file__).parent / "hcl2.lark").read_text(encoding="utf-8")
    applied = 0
    for old, new in GRAMMAR_PATCHES:
        if old in text:
            text = text.replace(old, new)
            applied += 1
    return text, applied


_PARSE: Any = None


def _parser() -> Any:
    """python-hcl2's Lark parser built from the patched grammar (cached by Lark in the temp folder)."""
    global _PARSE
    if _PARSE is None:
        from hcl2.postlexer import PostLexer
        from lark import Lark

        grammar, _ = patched_grammar()
        # no propagate_positions: filling every tree's meta costs a third of the parse; lines come from tokens
        lark = Lark(grammar, parser="lalr", cache=True, postlex=PostLexer())

        def parse(text: str) -> Any:
            return lark.parse(text + "\n")  # python-hcl2's own workaround: the grammar needs a final newline

        _PARSE = parse
    return _PARSE


def parse_text(text: str, path: str) -> Any:
    """The Lark tree of a file; a syntax error is a UserError naming file, line and the parser's words."""
    from lark.exceptions import (
        LarkError,
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedToken,
    )

    parse = _parser()
    try:
        return parse(text)
    except UnexpectedToken as exc:
        raise UserError(
            f"HCL syntax error at column {exc.column}: {_explain(exc)}",
            path,
            min(exc.line, _last_line(text)) if exc.line and exc.line > 0 else _last_line(text),
        ) from None
    except UnexpectedCharacters as exc:
        raise UserError(
            f"HCL syntax error at column {exc.column}: unexpected character {exc.char!r}", path, exc.line
        ) from None
    except UnexpectedEOF:
        raise UserError(
            "HCL syntax error: unexpected end of file (an unclosed block, bracket or string?)",
            path,
            _last_line(text),
        ) from None
    except LarkError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"HCL syntax error: {first}", path) from None
    except RecursionError:
        raise UserError("HCL expression nested too deeply to read", path) from None


_WORDS = {
    "$END": "end of file",
    "DBLQUOTE": '"',
    "LBRACE": "{",
    "RBRACE": "}",
    "LSQB": "[",
    "RSQB": "]",
    "LPAR": "(",
    "RPAR": ")",
    "EQ": "=",
    "COLON": ":",
    "COMMA": ",",
    "NAME": "a name",
    "NL_OR_COMMENT": "a new line",
    "STRING_CHARS": "text",
    "INTERP_START": "${",
    "DIRECTIVE_START": "%{",
    "INT_LITERAL": "a number",
    "FLOAT_LITERAL": "a number",
}


def _explain(exc: Any) -> str:
    """The parser's complaint in words: what it met and what it expected there."""
    token = exc.token
    expected = sorted(exc.expected or ())
    if token.type == "$END" and "DBLQUOTE" in expected and "STRING_CHARS" in expected:
        return 'a quoted string is not closed (a " is missing before the end of the line)'
    met = _WORDS.get(token.type, token.type)
    if token.type not in ("$END", "NL_OR_COMMENT"):
        shown = " ".join(str(token).split())[:40]
        met = f"{met} {shown!r}" if met != shown else repr(shown)
    words = sorted({_WORDS.get(e, e) for e in expected})
    listed = ", ".join(words[:10]) + (", …" if len(words) > 10 else "")
    return f"unexpected {met}; expected {listed}"


def _last_line(text: str) -> int:
    return text.rstrip("\n").count("\n") + 1


# -- tree walking ----------------------------------------------------------------------------------


def _is_tree(node: Any) -> bool:
    return hasattr(node, "data") and hasattr(node, "children")


def _kids(tree: Any) -> list[Any]:
    """Children without newline/comment nodes."""
    return [c for c in tree.children if not (_is_tree(c) and c.data == "new_line_or_comment")]


def _subtrees(tree: Any) -> list[Any]:
    return [c for c in _kids(tree) if _is_tree(c)]


def _name(tree: Any) -> str:
    """identifier / keyword / literal_value used as a name."""
    if _is_tree(tree):
        return str(tree.children[0])
    return str(tree)


class Converter:
    """Lark tree -> our node lists."""

    def __init__(self, path: str) -> None:
        self.path = path

    # -- structure -------------------------------------------------------------------------------
    def body(self, tree: Any) -> Body:
        attrs: dict[str, Any] = {}
        blocks: list[Any] = []
        for child in _subtrees(tree):
            if child.data == "attribute":
                parts = _kids(child)
                name = _name(parts[0])
                attrs[name] = [self.expr(parts[-1]), _line(child)]
            elif child.data == "block":
                blocks.append(self.block(child))
        return {"a": attrs, "b": blocks}

    def block(self, tree: Any) -> list[Any]:
        parts = _kids(tree)
        btype = _name(parts[0])
        labels: list[str] = []
        body: Body = {"a": {}, "b": []}
        for part in parts[1:]:
            if _is_tree(part) and part.data == "body":
                body = self.body(part)
            elif _is_tree(part) and part.data == "string":
                labels.append("".join(str(p) for p in self.template_parts(part) if isinstance(p, str)))
            elif _is_tree(part):
                labels.append(_name(part))
        return [btype, labels, _line(tree), body]

    # -- expressions -----------------------------------------------------------------------------
    def expr(self, tree: Any) -> Node:
        if not _is_tree(tree):
            raise UserError(f"unexpected token {tree!r} in an expression", self.path, getattr(tree, "line", None))
        method = getattr(self, "x_" + tree.data, None)
        if method is None:
            raise UserError(f"unsupported HCL construct {tree.data}", self.path, _line(tree))
        return method(tree)  # type: ignore[no-any-return]

    def x_expr_term(self, tree: Any) -> Node:
        kids = _kids(tree)
        subs = [k for k in kids if _is_tree(k)]
        if len(kids) > 1 and str(kids[0]) == "(":
            return ["P", self.expr(subs[0])]
        return self.expr(subs[0])

    def x_int_lit(self, tree: Any) -> Node:
        return ["L", int(str(tree.children[0]))]

    def x_float_lit(self, tree: Any) -> Node:
        return ["N", str(tree.children[0])]

    def x_literal_value(self, tree: Any) -> Node:
        word = str(tree.children[0])
        return ["L", {"true": True, "false": False, "null": None}[word]]

    def x_identifier(self, tree: Any) -> Node:
        return ["V", str(tree.children[0])]

    def x_keyword(self, tree: Any) -> Node:
        return ["V", str(tree.children[0])]

    def x_string(self, tree: Any) -> Node:
        return _template(self.template_parts(tree))

    def x_template_string(self, tree: Any) -> Node:
        raw = str(tree.children[0])
        return ["L", _unescape(raw[2:-2])]

    def x_heredoc_template(self, tree: Any) -> Node:
        return self.heredoc(str(tree.children[0]), trim=False)

    def x_heredoc_template_trim(self, tree: Any) -> Node:
        return self.heredoc(str(tree.children[0]), trim=True)

    def x_tuple(self, tree: Any) -> Node:
        return ["TU", [self.expr(c) for c in _subtrees(tree)]]

    def x_object(self, tree: Any) -> Node:
        items = []
        for elem in _subtrees(tree):
            parts = _subtrees(elem)
            key_tree = _subtrees(parts[0])[0]
            key = self.expr(key_tree)
            items.append([key, self.expr(parts[1])])
        return ["OB", items]

    def x_function_call(self, tree: Any) -> Node:
        kids = _kids(tree)
        names = [str(k.children[0]) for k in kids if _is_tree(k) and k.data == "identifier"]
        args_tree = next((k for k in kids if _is_tree(k) and k.data == "arguments"), None)
        args: list[Node] = []
        expand = False
        if args_tree is not None:
            for part in _kids(args_tree):
                if _is_tree(part):
                    args.append(self.expr(part))
                elif str(part) == "...":
                    expand = True
        return ["F", "::".join(names), args, expand]

    def _chain(self, base: Node, op: Any) -> Node:
        if op.data == "get_attr":
            return ["GA", base, _name(_subtrees(op)[0])]
        if op.data == "braces_index":
            return ["IX", base, self.expr(_subtrees(op)[0])]
        if op.data == "short_index":
            return ["IX", base, ["L", int(str(op.children[-1]))]]
        raise UserError(f"unsupported index {op.data}", self.path, _line(op))

    def x_index_expr_term(self, tree: Any) -> Node:
        base, op = _subtrees(tree)
        return self._chain(self.expr(base), op)

    def x_get_attr_expr_term(self, tree: Any) -> Node:
        base, op = _subtrees(tree)
        return self._chain(self.expr(base), op)

    def _splat(self, tree: Any, attr_only: bool) -> Node:
        base, splat = _subtrees(tree)
        ops = _subtrees(splat)
        inside: list[Node] = []
        after: list[Any] = []
        for op in ops:
            if after or (attr_only and op.data != "get_attr"):
                after.append(op)
                continue
            if op.data == "get_attr":
                inside.append(["GA", _name(_subtrees(op)[0])])
            elif op.data == "braces_index":
                inside.append(["IX", self.expr(_subtrees(op)[0])])
            else:
                inside.append(["IX", ["L", int(str(op.children[-1]))]])
        node: Node = ["SP", self.expr(base), inside]
        for op in after:
            node = self._chain(node, op)
        return node

    def x_attr_splat_expr_term(self, tree: Any) -> Node:
        return self._splat(tree, attr_only=True)

    def x_full_splat_expr_term(self, tree: Any) -> Node:
        return self._splat(tree, attr_only=False)

    def _for_intro(self, intro: Any) -> tuple[str | None, str, Node]:
        idents = [str(k.children[0]) for k in _kids(intro) if _is_tree(k) and k.data == "identifier"]
        coll = [k for k in _kids(intro) if _is_tree(k) and k.data != "identifier"]
        if len(idents) == 2:
            return idents[0], idents[1], self.expr(coll[-1])
        return None, idents[0], self.expr(coll[-1])

    def _for_cond(self, tree: Any) -> Node | None:
        cond = next((k for k in _kids(tree) if _is_tree(k) and k.data == "for_cond"), None)
        if cond is None:
            return None
        return self.expr(_subtrees(cond)[0])

    def x_for_tuple_expr(self, tree: Any) -> Node:
        subs = _subtrees(tree)
        key_var, value_var, coll = self._for_intro(subs[0])
        return ["FT", key_var, value_var, coll, self.expr(subs[1]), self._for_cond(tree)]

    def x_for_object_expr(self, tree: Any) -> Node:
        subs = _subtrees(tree)
        key_var, value_var, coll = self._for_intro(subs[0])
        grouping = any(not _is_tree(k) and str(k) == "..." for k in tree.children)
        return ["FO", key_var, value_var, coll, self.expr(subs[1]), self.expr(subs[2]), grouping, self._for_cond(tree)]

    def x_conditional(self, tree: Any) -> Node:
        cond, a, b = _subtrees(tree)
        return ["C", self.expr(cond), self.expr(a), self.expr(b)]

    def x_binary_op(self, tree: Any) -> Node:
        subs = _subtrees(tree)
        lhs, term = subs[0], subs[1]
        term_subs = _subtrees(term)
        op = str(term_subs[0].children[0]).strip()
        return ["B", op, self.expr(lhs), self.expr(term_subs[1])]

    def x_unary_op(self, tree: Any) -> Node:
        op = str(tree.children[0]).strip()
        operand = self.expr(_subtrees(tree)[0])
        if op == "-" and operand[0] == "L" and isinstance(operand[1], int) and not isinstance(operand[1], bool):
            return ["L", -operand[1]]
        return ["U", op, operand]

    # -- templates -------------------------------------------------------------------------------
    def template_parts(self, tree: Any) -> list[Any]:
        """Flat string parts to nested template parts, directives assembled, strip markers applied."""
        flat: list[Any] = []
        for part in tree.children:
            if not _is_tree(part) or part.data != "string_part":
                continue
            inner = part.children[0]
            if not _is_tree(inner):
                kind = getattr(inner, "type", "")
                text = str(inner)
                if kind in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                    flat.append(text[1:])
                else:
                    flat.append(string_chars(text))
                continue
            if inner.data == "interpolation":
                flat.append(("expr", self.expr(_subtrees(inner)[0])))
                continue
            strip_before = len(inner.children) > 1 and str(inner.children[1]) == "~"
            strip_after = len(inner.children) > 2 and str(inner.children[-2]) == "~"
            if inner.data == "template_if_start":
                flat.append(("if", self.expr(_subtrees(inner)[0]), strip_before, strip_after))
            elif inner.data == "template_else":
                flat.append(("else", None, strip_before, strip_after))
            elif inner.data == "template_endif":
                flat.append(("endif", None, strip_before, strip_after))
            elif inner.data == "template_for_start":
                subs = _subtrees(inner)
                names = [str(s.children[0]) for s in subs if s.data == "identifier"]
                coll = self.expr(subs[-1])
                key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
                flat.append(("for", (key_var, value_var, coll), strip_before, strip_after))
            elif inner.data == "template_endfor":
                flat.append(("endfor", None, strip_before, strip_after))
        return nested_parts(flat, self.path)

    def heredoc(self, raw: str, trim: bool) -> Node:
        return heredoc_node(raw, trim, self.path)


def heredoc_node(raw: str, trim: bool, path: str) -> Node:
    """A heredoc as the grammar's token holds it (`<<EOF` to the closing marker's line break) to a node."""
    first_nl = raw.index("\n")
    body = raw[first_nl + 1 :]
    lines = body.split("\n")
    # the last non-empty line is the closing marker
    while lines and lines[-1].strip() == "":
        lines.pop()
    lines = lines[:-1]
    if trim:
        indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
        cut = min(indents) if indents else 0
        lines = [ln[cut:] for ln in lines]
    text = "\n".join(lines) + ("\n" if lines else "")
    return template_from_text(text, path)


def string_chars(raw: str) -> str:
    """A run of a quoted string's characters as written to its text: escapes read, then NFC."""
    return _nfc(_unescape(raw))


def nested_parts(flat: list[Any], path: str) -> list[Any]:
    """A template's flat pieces (text, ("expr", node), directives as (kind, arg, strip before, strip after))
    to its parts: strip markers applied, %{if}/%{for} nested."""
    _apply_strip(flat)
    parts, _ = _assemble(flat, 0, (), path)
    return parts


def assemble_template(flat: list[Any], path: str) -> Node:
    return _template(nested_parts(flat, path))


def _line(tree: Any) -> int | None:
    """The line of a tree's first token (attributes and blocks start with their name)."""
    if not _is_tree(tree):
        line = getattr(tree, "line", None)
        return line if isinstance(line, int) else None
    for child in tree.children:  # an empty subtree has no position: the next child gives it, as Lark's meta does
        line = _line(child)
        if line is not None:
            return line
    return None


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def sub(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)

    return _UNICODE.sub(sub, text)


def _nfc(text: str) -> str:
    """HCL normalises string literals to Unicode NFC (a decomposed é is the same string as a composed one)."""
    if text.isascii():
        return text
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _apply_strip(flat: list[Any]) -> None:
    for i, item in enumerate(flat):
        if not isinstance(item, tuple) or item[0] == "expr":
            continue
        if item[2] and i > 0 and isinstance(flat[i - 1], str):
            flat[i - 1] = flat[i - 1].rstrip()
        if item[3] and i + 1 < len(flat) and isinstance(flat[i + 1], str):
            flat[i + 1] = flat[i + 1].lstrip()


def _assemble(flat: list[Any], i: int, until: tuple[str, ...], path: str) -> tuple[list[Any], int]:
    parts: list[Any] = []
    while i < len(flat):
        item = flat[i]
        if isinstance(item, str):
            if item:
                if parts and isinstance(parts[-1], str):
                    parts[-1] += item
                else:
                    parts.append(item)
            i += 1
            continue
        kind = item[0]
        if kind == "expr":
            parts.append(item[1])
            i += 1
        elif kind in until:
            return parts, i
        elif kind == "if":
            then, i = _assemble(flat, i + 1, ("else", "endif"), path)
            other: list[Any] = []
            if i < len(flat) and flat[i][0] == "else":
                other, i = _assemble(flat, i + 1, ("endif",), path)
            if i >= len(flat):
                raise UserError("template %{if} without %{endif}", path)
            parts.append(["IF", item[1], then, other])
            i += 1
        elif kind == "for":
            body, i = _assemble(flat, i + 1, ("endfor",), path)
            if i >= len(flat):
                raise UserError("template %{for} without %{endfor}", path)
            key_var, value_var, coll = item[1]
            parts.append(["FOR", key_var, value_var, coll, body])
            i += 1
        else:
            raise UserError(f"template %{{{kind}}} without its opening directive", path)
    if until:
        return parts, i
    return parts, i


def _template(parts: list[Any]) -> Node:
    if not parts:
        return ["L", ""]
    if len(parts) == 1 and isinstance(parts[0], str):
        return ["L", parts[0]]
    return ["T", parts]


# -- entry points ----------------------------------------------------------------------------------

_TEMPLATE_MARK = re.compile(r"[$%]\{")


def template_from_text(text: str, path: str) -> Node:
    """A template given as raw text (a heredoc body, a .tf.json string) to a node."""
    if not _TEMPLATE_MARK.search(text):
        return ["L", text.replace("$${", "${").replace("%%{", "%{")]
    from kms_infracost.sources.hcl.scan import ScanError, skip_braced

    pieces: list[str] = []
    i = 0
    while i < len(text):
        j = min((k for k in (text.find("${", i), text.find("%{", i)) if k >= 0), default=-1)
        if j < 0:
            pieces.append(_quote_literal(text[i:]))
            break
        if j > 0 and text[j - 1] == text[j]:  # $${ / %%{: literal
            pieces.append(_quote_literal(text[i : j + 2]))
            i = j + 2
            continue
        pieces.append(_quote_literal(text[i:j]))
        try:
            end = skip_braced(text, j + 2)
        except ScanError:
            raise UserError("template has an unclosed ${ or %{", path) from None
        inner = text[j + 2 : end - 1].replace("\n", " ")
        pieces.append(text[j : j + 2] + inner + "}")
        i = end
    body = _parse(f'x = "{"".join(pieces)}"\n', path)
    return body["a"]["x"][0]  # type: ignore[no-any-return]


def _quote_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def parse_expression(text: str, what: str) -> Node:
    """One expression given as text (a --var value, a TF_VAR_ variable)."""
    body = _parse(f"x = {text}\n", what)
    return body["a"]["x"][0]  # type: ignore[no-any-return]


def shift_lines(body: Body, offset: int) -> None:
    """Move every line number in a body by offset (a block parsed on its own)."""
    if not offset:
        return
    for entry in body["a"].values():
        if entry[1]:
            entry[1] += offset
    for block in body["b"]:
        if block[2]:
            block[2] += offset
        shift_lines(block[3], offset)


def moved(body: Body, offset: int) -> Body:
    """A body parsed at one line, as the same text parsed `offset` lines further down would be: new
    attribute entries and blocks (they hold the lines), the expressions themselves shared (nothing
    changes an expression once parsed)."""
    return {
        "a": {name: [entry[0], entry[1] + offset if entry[1] else entry[1]] for name, entry in body["a"].items()},
        "b": [[b[0], b[1], b[2] + offset if b[2] else b[2], moved(b[3], offset)] for b in body["b"]],
    }


def parse_file(text: str, path: str) -> Body:
    """A whole HCL file (.tf or .tfvars), or one block's text, to a body."""
    return _parse(text, path)


# -- one parse for blocks that differ only in the words inside their strings ------------------------------

#: the tokens of a block text without heredocs: a string (plain characters, `${...}` and `%{...}` without
#: quotes or braces inside, lone `$` and `%`; no escapes), a comment, or anything else
_MASK_TOKEN = re.compile(
    r'("(?:[^"\\\n$%]|[$%]\{[^{}"#/<\n]*\}|[$%](?![{$%]))*")'
    r"|#[^\n]*|//[^\n]*|/\*(?:[^*]|\*(?!/))*\*/"
    r'|[^"#/<]+|/(?![/*])|<(?!<)'
)
#: inside a string: a template sequence (kept), or a run of ASCII letters, digits, `_`, `.` and `-` (masked)
_STRING_WORDS = re.compile(r"([$%]\{[^{}\"#/<\n]*\})|([A-Za-z0-9_.-]+)")
_MASK = re.compile("\x00([0-9]+)\x00")


def masked(text: str) -> tuple[str, list[str]] | None:
    """The text with each run of words inside its strings replaced by a numbered placeholder, and the runs
    in order; None when there is none, or the text is not ASCII or holds what this reading does not
    follow (a heredoc, an escape, a quote inside a template), so that a string could be mistaken.

    Copied stacks repeat blocks whose strings differ (`"stack107 data key ${count.index}"`): their masked
    texts are the same, parsed once. A placeholder keeps the token a string's text was, so the parse has the
    same shape; only the words differ, and they are put back (unmask)."""
    if not text.isascii() or '"' not in text or "\x00" in text:  # NUL marks the placeholders: none may be there
        return None
    runs: list[str] = []

    def placeholder(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        runs.append(m.group(2))
        return f"\x00{len(runs) - 1}\x00"

    pieces: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _MASK_TOKEN.match(text, pos)
        if m is None:
            return None
        quoted = m.group(1)
        pieces.append(_STRING_WORDS.sub(placeholder, quoted) if quoted is not None else m.group())
        pos = m.end()
    return ("".join(pieces), runs) if runs else None


def unmask(node: Any, runs: list[str]) -> Any:
    """A parse of a masked text, as a new tree, with each placeholder's words put back."""
    if isinstance(node, str):
        return _MASK.sub(lambda m: runs[int(m.group(1))], node) if "\x00" in node else node
    if isinstance(node, list):
        return [unmask(item, runs) for item in node]
    if isinstance(node, dict):
        return {unmask(k, runs): unmask(v, runs) for k, v in node.items()}
    if type(node) is tuple:
        return tuple(unmask(item, runs) for item in node)
    return node


def parse_masked(text: str, path: str, memo: dict[str, Any]) -> Body | None:
    """One top-level block's body (lines as parsed at line 1), through the parse of its masked text, kept in
    memo; None when the text is not masked or the hand-written reader is not sure of the masked text (the
    caller parses the text itself, so errors name what the user wrote)."""
    found = masked(text)
    if found is None:
        return None
    key, runs = found
    body = memo.get(key)
    if body is None:
        reader = _reader()
        try:
            parsed = reader.parse_body(key, path)
        except (reader.Fallback, UserError):
            parsed = None
        if parsed is None or len(parsed["b"]) != 1 or parsed["a"]:
            memo[key] = False
            return None
        body = memo[key] = parsed["b"][0][3]
    if body is False:
        return None
    result: Body = unmask(body, runs)
    return result


#: fastparse, imported by the first text parsed (a run served by the parse cache parses none); kept here
#: because an import statement run again still costs a few microseconds, and a cold run parses hundreds
_fastparse: Any = None


def _reader() -> Any:
    """fastparse, imported by the first text parsed and kept."""
    global _fastparse
    if _fastparse is None:
        from kms_infracost.sources.hcl import fastparse as module

        _fastparse = module
    return _fastparse


def _parse(text: str, path: str) -> Body:
    """The hand-written reader when it is sure (fastparse.py), else python-hcl2's grammar through Lark."""
    fastparse = _reader()
    try:
        body: Body = fastparse.parse_body(text, path)
        return body
    except fastparse.Fallback:
        pass
    return lark_body(text, path)


def lark_body(text: str, path: str) -> Body:
    """A text to a body through python-hcl2's grammar alone (the reference the fast reader is held to)."""
    tree = parse_text(text, path)
    return Converter(path).body(tree.children[0])
