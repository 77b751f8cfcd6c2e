"""A hand-written reader for the HCL a configuration commonly holds, giving exactly syntax.py's nodes.

Lark's LALR parser (syntax.parse_text) spent most of a cold run building trees token by token. This reader
walks the text once and builds our nodes directly. It is not a second grammar of HCL: it reads only what it
is sure python-hcl2's patched grammar reads the same way, and for anything else (a construct it does not
know, an odd place for a newline or keyword, any syntax error) it raises Fallback, and the caller parses
the same text with Lark, so error messages and edge cases stay the parser's.

Where python-hcl2's grammar differs from HCL itself, this reader follows the grammar (it must agree with it
wherever it accepts): a string may span lines; one newline before a binary operator or `?` continues the
expression (python-hcl2's post-lexer folds it into the operator); `-12` and `-1.5` are literals where an
operand starts, while `-1` is minus one; and so on. tests/test_hcl_fastparse.py holds it to the Lark
path over every HCL text the tests know.
"""

from __future__ import annotations

import re
from typing import Any

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import syntax

Node = list[Any]


class Fallback(Exception):
    """This reader is not sure: let the Lark parser read the text."""


#: python-hcl2's grammar, patched (syntax.GRAMMAR_PATCHES): a name is a word not starting with a digit
_NAME = re.compile(r"[^\W\d][\w-]*")
#: spaces, tabs, carriage returns and /* */ comments are not tokens
_SPACE = re.compile(r"(?:[ \t\r]+|/\*[\s\S]*?\*/)*")
#: one newline token: a line break and the indent after it, or a # or // comment with its line break
_NEWLINE = re.compile(r"\n[ \t]*|#[^\n]*\n|//[^\n]*\n")
_SPACE_START = frozenset(" \t\r/")
_NEWLINE_START = frozenset("\n#/")
#: numbers as the grammar lexes them; where an operand starts `-` and a digit may begin a literal
_FLOAT = re.compile(r"(?:(?:-[0-9])?[0-9]+|(?:-[0-9])+)(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)")
_INT = re.compile(r"(?:-[0-9])?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")
#: binary operators by level, lowest first (HCL's precedence)
_LEVELS: tuple[tuple[str, ...], ...] = (
    ("||",),
    ("&&",),
    ("==", "!="),
    ("<=", ">=", "<", ">"),
    ("+", "-"),
    ("*", "/", "%"),
)
_OPERATOR = re.compile(r"\|\||&&|==|!=|<=|>=|<|>|\+|-|\*|/|%|\?")
#: operators the post-lexer joins a preceding newline to (not `-`: that also starts a negative number)
_JOINS_NEWLINE = re.compile(r"\|\||&&|==|!=|<=|>=|<(?!<)|>|\+|\*|/|%|\?")
_LEVEL_OF = {op: level for level, ops in enumerate(_LEVELS) for op in ops}
#: words the grammar lexes as keywords in some places: never read as names in an expression here
_KEYWORDS = frozenset({"if", "in", "for", "for_each", "else", "endif", "endfor"})
_LITERALS = {"true": True, "false": False, "null": None}
#: string text up to the next quote, backslash, `$` or `%` (each of those is looked at on its own)
_PLAIN = re.compile(r"[^\"\\$%]+")
_HEREDOC = re.compile(
    r"<<(-?)([a-zA-Z][a-zA-Z0-9._-]*)\r?\n(?:(?:.|\n)*?\r?\n)??\s*\2\r?\n"
)
_DIRECTIVES = frozenset({"if", "else", "endif", "for", "endfor"})


def parse_body(text: str, path: str) -> dict[str, Any]:
    """A whole text (a file, or one block's text) to a body; Fallback when not sure."""
    try:
        return _Reader(text + "\n", path).top()  # the grammar needs a final newline, as parse_text gives it
    except (UserError, RecursionError, IndexError, ValueError) as exc:
        raise Fallback(str(exc)) from None


class _Reader:
    def __init__(self, text: str, path: str) -> None:
        self.s = text
        self.i = 0
        self.path = path
        self.heredoc_end = -1  # where the last heredoc ended: its own line break separates what follows
        self._operator_at = (-1, -1, "")  # the last operator() answer: (asked at, operator at, operator)
        self._line = 1
        self._line_pos = 0

    # -- scanning --------------------------------------------------------------------------------
    def line(self, pos: int) -> int:
        """Line of a position; positions asked for only grow, so counting goes on from the last one."""
        self._line += self.s.count("\n", self._line_pos, pos)
        self._line_pos = pos
        return self._line

    def ws(self) -> None:
        s = self.s
        if s[self.i : self.i + 1] not in _SPACE_START:  # most tokens follow one another directly
            return
        i = _SPACE.match(s, self.i).end()  # type: ignore[union-attr]
        if s.startswith("/*", i):
            raise Fallback("unclosed comment")
        self.i = i

    def nls(self) -> int:
        """Skip spaces, comments and newlines; how many newline tokens there were."""
        count = 0
        s = self.s
        while True:
            char = s[self.i : self.i + 1]
            if char in _SPACE_START:
                self.ws()
                char = s[self.i : self.i + 1]
            if char not in _NEWLINE_START:
                return count
            m = _NEWLINE.match(s, self.i)
            if m is None:
                return count
            count += 1
            self.i = m.end()

    def separated(self, newlines: int, start: int) -> bool:
        return newlines > 0 or start == self.heredoc_end

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def expect(self, char: str) -> None:
        self.ws()
        if not self.s.startswith(char, self.i):
            raise Fallback(f"expected {char!r}")
        self.i += len(char)

    def word(self) -> str | None:
        m = _NAME.match(self.s, self.i)
        if m is None:
            return None
        self.i = m.end()
        return m.group()

    def keyword(self, word: str) -> bool:
        """The keyword itself next (not a longer name beginning with it); consumed when it is."""
        m = _NAME.match(self.s, self.i)
        if m is None or m.group() != word:
            return False
        self.i = m.end()
        return True

    def at_keyword(self, word: str) -> bool:
        m = _NAME.match(self.s, self.i)
        return m is not None and m.group() == word

    # -- structure -------------------------------------------------------------------------------
    def top(self) -> dict[str, Any]:
        body = self.body()
        if self.i != len(self.s):
            raise Fallback("text after the body")
        return body

    def body(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        blocks: list[Any] = []
        s = self.s
        first = True
        while True:
            start = self.i
            newlines = self.nls()
            if self.i >= len(s) or s[self.i] == "}":
                return {"a": attrs, "b": blocks}
            if not first and not self.separated(newlines, start):
                raise Fallback("two items on one line")
            first = False
            line = self.line(self.i)
            name = self.word()
            if name is None:
                raise Fallback("not a name")
            self.ws()
            if s.startswith("=", self.i) and not s.startswith(("==", "=>"), self.i):
                self.i += 1
                attrs[name] = [self.expression(), line]
            else:
                blocks.append(self.block(name, line))

    def block(self, kind: str, line: int) -> list[Any]:
        labels: list[str] = []
        s = self.s
        while True:
            self.ws()
            char = self.peek()
            if char == "{":
                self.i += 1
                body = self.body()
                self.expect("}")
                return [kind, labels, line, body]
            if char == '"':
                node = self.string()
                if node[0] != "L":
                    raise Fallback("a label with interpolation")
                labels.append(node[1])
                continue
            label = self.word()
            if label is None:
                raise Fallback(f"unexpected {s[self.i : self.i + 1]!r} in a block header")
            labels.append(label)

    # -- expressions -----------------------------------------------------------------------------
    def expression(self) -> Node:
        cond = self.binary(0)
        start = self.i
        if self.operator() != "?":
            self.i = start
            return cond
        self.i += 1
        self.nls()
        then = self.expression()
        self.nls()
        s = self.s
        if not s.startswith(":", self.i) or s.startswith("::", self.i):
            raise Fallback("expected ':'")
        self.i += 1
        self.nls()
        return ["C", cond, then, self.expression()]

    def operator(self) -> str | None:
        """The binary operator or `?` next, maybe after one newline (python-hcl2's post-lexer joins the two).

        The position is left at the operator; the caller moves it back when it does not take it.
        """
        asked, at, known = self._operator_at
        if asked == self.i:  # asked again where an expression ended (binary, then the conditional)
            self.i = at
            return known or None
        asked = self.i
        op = self._operator()
        self._operator_at = (asked, self.i, op or "")
        return op

    def _operator(self) -> str | None:
        self.ws()
        s = self.s
        if s.startswith(("\n", "#", "//"), self.i):
            plain = s[self.i] == "\n"
            newlines = self.nls()
            if _JOINS_NEWLINE.match(s, self.i) is None:
                return None
            if newlines > 1 or not plain:  # the grammar then fails, or keeps a comment in the operator
                raise Fallback("several newlines or a comment before an operator")
        m = _OPERATOR.match(s, self.i)
        if m is None:
            return None
        op = m.group()
        if op == "<" and s.startswith("<<", self.i):
            raise Fallback("heredoc where an operator may be")
        if op == "-" and "0" <= s[self.i + 1 : self.i + 2] <= "9":
            raise Fallback("minus and a digit where an operator may be")  # the grammar may read a negative number
        return op

    def binary(self, min_level: int) -> Node:
        """Operators of min_level and above, left to right (precedence climbing over the grammar's ladder)."""
        left = self.unary()
        while True:
            start = self.i
            op = self.operator()
            level = _LEVEL_OF.get(op, -1) if op is not None else -1
            if level < min_level:
                self.i = start
                return left
            self.i += len(op)  # type: ignore[arg-type]
            self.nls()
            left = ["B", op, left, self.binary(level + 1)]

    def unary(self) -> Node:
        self.ws()
        s = self.s
        char = self.peek()
        if char == "-":
            m = _FLOAT.match(s, self.i) or _INT.match(s, self.i)
            if m is not None:
                return self.postfix(self.number(m))
            self.i += 1
            operand = self.operand()
            if operand[0] == "L" and isinstance(operand[1], int) and not isinstance(operand[1], bool):
                return ["L", -operand[1]]
            return ["U", "-", operand]
        if char == "!":
            if s.startswith("!=", self.i):
                raise Fallback("'!=' where an operand starts")
            self.i += 1
            return ["U", "!", self.operand()]
        return self.term()

    def operand(self) -> Node:
        """What a unary operator applies to: one term, never another unary operator."""
        self.ws()
        if self.peek() in ("-", "!"):
            raise Fallback("two unary operators")
        return self.term()

    def number(self, m: re.Match[str]) -> Node:
        self.i = m.end()
        text = m.group()
        if "." in text or "e" in text or "E" in text:
            return ["N", text]
        return ["L", int(text)]

    def term(self) -> Node:
        """From where an operand starts (the callers skipped the spaces before it)."""
        s = self.s
        char = s[self.i : self.i + 1]
        if char == '"':
            return self.postfix(self.string())
        if "0" <= char <= "9":
            m = _FLOAT.match(s, self.i) or _INT.match(s, self.i)
            assert m is not None  # a digit always matches _INT
            return self.postfix(self.number(m))
        if char == "(":
            self.i += 1
            self.nls()
            inner = self.expression()
            self.nls()
            self.expect(")")
            return self.postfix(["P", inner])
        if char == "[" or char == "{":
            self.i += 1
            self.nls()
            if self.keyword("for"):
                return self.postfix(self.for_tuple() if char == "[" else self.for_object())
            return self.postfix(self.tuple_items() if char == "[" else self.object_items())
        if char == "<":
            return self.postfix(self.heredoc())
        start = self.i
        name = self.word()
        if name is None:
            raise Fallback(f"unexpected {char!r} where an operand starts")
        if name in _LITERALS:
            return self.postfix(["L", _LITERALS[name]])
        if name in _KEYWORDS:
            raise Fallback(f"keyword {name} where an operand starts")
        self.ws()
        if s.startswith(("(", "::"), self.i):
            return self.postfix(self.call(name, start))
        return self.postfix(["V", name])

    def call(self, name: str, start: int) -> Node:
        s = self.s
        names = [name]
        while s.startswith("::", self.i):
            self.i += 2
            self.ws()
            more = self.word()
            if more is None or more in _KEYWORDS or more in _LITERALS or len(names) == 3:
                raise Fallback("function name")
            names.append(more)
            self.ws()
        if not s.startswith("(", self.i):
            raise Fallback("namespaced name without a call")
        self.i += 1
        args: list[Node] = []
        expand = False
        self.nls()
        if self.peek() == ")":
            self.i += 1
            return ["F", "::".join(names), args, expand]
        while True:
            args.append(self.expression())
            self.ws()
            if s.startswith("...", self.i):
                self.i += 3
                expand = True
                self.nls()
                self.expect(")")
                break
            newlines = self.nls()
            char = self.peek()
            if char == ")":
                self.i += 1
                break
            if char != ",":
                raise Fallback("expected ',' or ')' in a call")
            self.i += 1
            self.nls()
            if self.peek() == ")":
                if newlines:
                    raise Fallback("newline before a trailing comma")
                self.i += 1
                break
        return ["F", "::".join(names), args, expand]

    def postfix(self, node: Node) -> Node:
        """Attribute access, index and splats after a term (never across a newline)."""
        s = self.s
        while True:
            start = self.i
            self.ws()
            char = s[self.i : self.i + 1]
            if char != "." and char != "[":  # what follows most terms
                self.i = start
                return node
            if s.startswith("...", self.i):
                self.i = start
                return node
            if s.startswith(".*", self.i):
                self.i += 2
                ops = self.splat_ops()
                inside: list[Node] = []
                after: list[Node] = []
                for op in ops:  # after `.*` only attribute names belong to the splat
                    (after if after or op[0] != "GA" else inside).append(op)
                node = ["SP", node, inside]
                for op in after:
                    node = [op[0], node, op[1]]
                continue
            if s.startswith("[*]", self.i):
                self.i += 3
                node = ["SP", node, self.splat_ops()]
                continue
            step = self.traversal()
            if step is None:
                self.i = start
                return node
            node = [step[0], node, step[1]]

    def splat_ops(self) -> list[Node]:
        ops: list[Node] = []
        while True:
            start = self.i
            self.ws()
            if self.s.startswith((".*", "[*]", "..."), self.i):
                self.i = start
                return ops
            op = self.traversal()
            if op is None:
                self.i = start
                return ops
            ops.append(op)

    def traversal(self) -> Node | None:
        """`.name`, `.0` or `[expr]` at the position, as ["GA", name] / ["IX", key]; None when none is."""
        s = self.s
        char = self.peek()
        if char == ".":
            self.i += 1
            self.ws()
            m = _DIGITS.match(s, self.i)
            if m is not None:
                self.i = m.end()
                return ["IX", ["L", int(m.group())]]
            name = self.word()
            if name is None:
                raise Fallback("'.' without a name")
            return ["GA", name]
        if char == "[":
            self.i += 1
            self.nls()
            key = self.expression()
            self.nls()
            self.expect("]")
            return ["IX", key]
        return None

    def tuple_items(self) -> Node:
        items: list[Node] = []
        while True:
            if self.peek() == "]":
                self.i += 1
                return ["TU", items]
            items.append(self.expression())
            self.nls()
            char = self.peek()
            if char == ",":
                self.i += 1
                self.nls()
            elif char != "]":
                raise Fallback("expected ',' or ']'")

    def object_items(self) -> Node:
        items: list[Node] = []
        s = self.s
        while True:
            if self.peek() == "}":
                self.i += 1
                return ["OB", items]
            if any(self.at_keyword(k) for k in _KEYWORDS):
                raise Fallback("keyword as an object key")
            key = self.expression()
            if key[0] == "C":
                raise Fallback("conditional as an object key")
            self.ws()
            equals = s.startswith("=", self.i) and not s.startswith(("==", "=>"), self.i)
            if not equals and (not s.startswith(":", self.i) or s.startswith("::", self.i)):
                raise Fallback("expected '=' or ':' after an object key")
            self.i += 1
            value = self.expression()
            items.append([key, value])
            start = self.i
            newlines = self.nls()
            char = self.peek()
            if char == ",":
                self.i += 1
                self.nls()
            elif char != "}" and not self.separated(newlines, start):
                raise Fallback("two object elements on one line")

    def for_intro(self) -> tuple[str | None, str, Node]:
        """After `for`: the variables and the collection, up to and past the `:`."""
        s = self.s
        self.nls()
        key_var, value_var = self.for_variables()
        self.nls()
        if not self.keyword("in"):
            raise Fallback("expected 'in'")
        self.nls()
        collection = self.expression()
        self.nls()
        if not s.startswith(":", self.i) or s.startswith("::", self.i):
            raise Fallback("expected ':' in a for expression")
        self.i += 1
        self.nls()
        return key_var, value_var, collection

    def for_variables(self) -> tuple[str | None, str]:
        """`v` or `k, v` (no newline inside): (None, v) or (k, v)."""
        first = self.word()
        if first is None or first in _KEYWORDS or first in _LITERALS:
            raise Fallback("for variable")
        self.ws()
        if self.peek() != ",":
            return None, first
        self.i += 1
        self.ws()
        second = self.word()
        if second is None or second in _KEYWORDS or second in _LITERALS:
            raise Fallback("for variable")
        return first, second

    def for_condition(self) -> Node | None:
        if not self.keyword("if"):
            return None
        self.nls()
        cond = self.expression()
        self.nls()
        return cond

    def for_tuple(self) -> Node:
        key_var, value_var, collection = self.for_intro()
        value = self.expression()
        self.nls()
        cond = self.for_condition()
        self.expect("]")
        return ["FT", key_var, value_var, collection, value, cond]

    def for_object(self) -> Node:
        key_var, value_var, collection = self.for_intro()
        key = self.expression()
        self.expect("=>")
        self.nls()
        value = self.expression()
        self.nls()
        grouping = False
        if self.s.startswith("...", self.i):
            self.i += 3
            grouping = True
            self.nls()
        cond = self.for_condition()
        self.expect("}")
        return ["FO", key_var, value_var, collection, key, value, grouping, cond]

    # -- strings ---------------------------------------------------------------------------------
    def heredoc(self) -> Node:
        m = _HEREDOC.match(self.s, self.i)
        if m is None:
            raise Fallback("not a heredoc")
        self.i = self.heredoc_end = m.end()
        return syntax.heredoc_node(m.group(), bool(m.group(1)), self.path)

    def string(self) -> Node:
        """A quoted template from its opening quote."""
        s = self.s
        self.i += 1
        flat: list[Any] = []
        text: list[str] = []  # the current run of plain characters, unescaped as one piece
        while True:
            m = _PLAIN.match(s, self.i)
            if m is not None:
                text.append(m.group())
                self.i = m.end()
            char = self.peek()
            if char == '"':
                self.i += 1
                break
            if char == "\\":
                escaped = s[self.i + 1 : self.i + 2]
                if escaped in ("", "\n"):
                    raise Fallback("backslash at the end of a line")
                text.append(s[self.i : self.i + 2])
                self.i += 2
                continue
            if char in ("$", "%"):
                nxt = s[self.i + 1 : self.i + 2]
                if nxt != "{" and s[self.i + 1 : self.i + 3] != char + "{":
                    text.append(char)
                    self.i += 1
                    continue
                if text:
                    flat.append(syntax.string_chars("".join(text)))
                    text = []
                if nxt == char:  # $${ / %%{ ... }: kept as written, less one sign
                    end = s.find("}", self.i)
                    if end < 0 or '"' in s[self.i : end]:
                        raise Fallback("escaped template sequence")
                    flat.append(s[self.i + 1 : end + 1])
                    self.i = end + 1
                elif char == "$":
                    self.i += 2
                    value = self.expression()
                    self.expect("}")
                    flat.append(("expr", value))
                else:
                    self.i += 2
                    flat.append(self.directive())
                continue
            raise Fallback("unterminated string")
        if text:
            flat.append(syntax.string_chars("".join(text)))
        if not flat:
            return ["L", ""]
        if len(flat) == 1 and isinstance(flat[0], str):  # plain text, as most strings are
            return ["L", flat[0]]
        return syntax.assemble_template(flat, self.path)

    def directive(self) -> tuple[Any, ...]:
        """After `%{`: the directive up to and past its `}`, as syntax.assemble_template takes it."""
        s = self.s
        self.ws()
        strip_before = s.startswith("~", self.i)
        if strip_before:
            self.i += 1
            self.ws()
        kind = self.word()
        if kind not in _DIRECTIVES:
            raise Fallback("unknown directive")
        arg: Any = None
        if kind == "if":
            arg = self.expression()
        elif kind == "for":
            self.ws()
            key_var, value_var = self.for_variables()
            self.ws()
            if not self.keyword("in"):
                raise Fallback("expected 'in'")
            arg = (key_var, value_var, self.expression())
        self.ws()
        strip_after = s.startswith("~", self.i)
        if strip_after:
            self.i += 1
        self.expect("}")
        return (kind, arg, strip_before, strip_after)
