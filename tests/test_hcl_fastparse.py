"""The hand-written HCL reader (sources/hcl/fastparse.py) gives exactly the Lark path's nodes and lines.

Wherever it accepts a text, python-hcl2's grammar through Lark (syntax.lark_body) must accept it too and give
the same body; wherever it is unsure it falls back, and the Lark path reads the text as before. Compared over
every block and file of every HCL text the tests know (fixtures, examples, the tests' inline HCL, and when
present ../shared/corpus and ../shared/peer, read in place), over those texts mutated at random, and over
expressions hypothesis generates.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "support"))
from hcl_texts import GROUPS

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import fastparse, scan, syntax


def _pieces(texts: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Each text's top-level blocks as config.py parses them, and the whole text."""
    for name, text in texts:
        try:
            blocks = scan.split_blocks(text)
        except scan.ScanError:
            blocks = []
        for block in blocks:
            yield f"{name}:{block.line}", text[block.start : block.end]
        yield name, text


def _fast(text: str) -> Any:
    try:
        return fastparse.parse_body(text, "t.tf")
    except fastparse.Fallback:
        return None


def _lark(text: str) -> Any:
    try:
        return syntax.lark_body(text, "t.tf")
    except UserError:
        return None


def _equivalent(texts: Iterator[tuple[str, str]]) -> tuple[int, int]:
    """(pieces the grammar reads, of those the fast reader read); asserts equal bodies where it did."""
    readable = fast_read = 0
    for name, piece in _pieces(texts):
        fast, lark = _fast(piece), _lark(piece)
        if fast is not None:
            assert lark is not None, f"{name}: the fast reader accepts what the grammar rejects"
            assert fast == lark, name
            fast_read += 1
        readable += lark is not None
    return readable, fast_read


def test_fast_reader_equals_the_grammar_on_every_repository_text() -> None:
    readable, _ = _equivalent(GROUPS["repository"]())
    assert readable > 500
    own = "tests/test_hcl_fastparse.py"  # this file's texts include what the fast reader must leave alone
    others, fast_read = _equivalent((n, t) for n, t in GROUPS["repository"]() if not n.startswith(own))
    assert fast_read == others  # every fixture and every other test's HCL is read without falling back


@pytest.mark.parametrize(
    ("group", "at_least"),
    [
        pytest.param("corpus", 1000, marks=[pytest.mark.corpus, pytest.mark.skipif(
            not any(GROUPS["corpus"]()), reason="../shared/corpus is not here")]),
        pytest.param("peer", 1500, marks=[pytest.mark.peer, pytest.mark.skipif(
            not any(GROUPS["peer"]()), reason="../shared/peer is not here")]),
    ],
)
def test_fast_reader_equals_the_grammar_on_shared_texts_and_reads_most_of_them(group: str, at_least: int) -> None:
    readable, fast_read = _equivalent(GROUPS[group]())
    assert readable > at_least
    assert fast_read / readable > 0.95


#: what the mutations insert: the characters and words where HCL's grammar is most particular
_INSERTS = (
    "\n", " ", "-", "-1", "-12", "1.5", "1e3", ".", "...", ",", "(", ")", "[", "]", "{", "}", '"', "${", "%{",
    "~", "?", ":", "=", "==", "=>", "!", "*", "[*]", ".*", "#", "//", "/*", "*/", "<<EOF\n", "\nEOF\n",
    "<<-X\n", "\n  X\n", "if", "for", "in", "true", "null", "\\", "\\n", "\\u00e9", "$${", "%%{", "+", "&&",
    "\n+", "\n?", "\n:", "# c\n+", "endif", "else", "::", "é", "e\u0301", "\t", "\r\n", "x", "0", "a.0",
)


def _mutated(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    texts = [*GROUPS["repository"](), *GROUPS["corpus"]()]  # the corpus too, when it is here
    pieces = [p for _, p in _pieces(iter(texts)) if len(p) < 3000]
    for _ in range(count):
        text = rng.choice(pieces)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.3:
                text = text[:at] + text[at + rng.randint(1, 3) :]
            elif roll < 0.8:
                text = text[:at] + rng.choice(_INSERTS) + text[at:]
            else:
                start = rng.randrange(len(text) + 1)
                text = text[:at] + text[start : start + rng.randint(1, 8)] + text[at:]
        yield text


@pytest.mark.parametrize("seed", range(4))
def test_mutated_texts_are_read_as_the_grammar_reads_them_or_left_to_it(seed: int) -> None:
    accepted = 0
    for text in _mutated(seed, 2500):
        fast = _fast(text)
        if fast is None:
            continue
        accepted += 1
        assert _lark(text) == fast, repr(text)
    assert accepted > 500  # the comparison compared something


# -- generated expressions ------------------------------------------------------------------------

_SEPARATORS = st.sampled_from([" ", "", "  ", "\n", " /* c */ ", "# c\n", "// c\n", "\n\n", "\t"])
_NAMES = st.sampled_from(["a", "var", "local", "each", "π", "clé_1-x", "count", "x-1", "true", "null", "in", "for"])
_ATOMS = st.one_of(
    _NAMES,
    st.sampled_from(["1", "12", "1.5", "-1", "-12", "-1.5", "1e3", "007", '""', '"a"', '"é"', '"e\u0301"']),
    st.sampled_from(['"\\n\\t\\"\\\\"', '"\\u00e9\\U0001F600"', '"$${x}"', '"%%{x}"', '"$ % $$ %%"']),
    st.sampled_from(['"${a}"', '"a${b}c"', '"%{ if a }x%{ else }y%{ endif }"', '"%{~ for v in a ~} ${v} %{~ endfor ~}"']),
    st.sampled_from(["<<EOF\nline ${a}\nEOF\n", "<<-EOT\n    a\n      b\n    EOT\n"]),
)


def _expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        sep = _SEPARATORS
        op = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"])
        return st.one_of(
            st.tuples(inner, sep, op, sep, inner).map("".join),
            st.tuples(st.sampled_from(["-", "!", "- "]), inner).map("".join),
            st.tuples(inner, sep, st.just("?"), sep, inner, sep, st.just(":"), sep, inner).map("".join),
            st.tuples(st.just("("), sep, inner, sep, st.just(")")).map("".join),
            st.tuples(st.just("["), sep, st.lists(inner, max_size=3).map(", ".join), sep, st.just("]")).map("".join),
            st.tuples(
                st.just("{"), sep, st.lists(st.tuples(_NAMES, st.sampled_from([" = ", ": "]), inner).map("".join), max_size=3)
                .map(",\n".join), sep, st.just("}")
            ).map("".join),
            st.tuples(_NAMES, st.sampled_from(["(", "::f("]), st.lists(inner, max_size=3).map(", ".join),
                      st.sampled_from([")", "...)", ",)", "\n)"])).map("".join),
            st.tuples(inner, st.sampled_from([".b", ".0", "[0]", "[*].c", ".*.d[1]", ".*", "[\"k\"]", ". true"])).map("".join),
            st.tuples(st.just("[for "), st.sampled_from(["v", "k, v"]), st.just(" in "), inner, st.just(" : "), inner,
                      st.sampled_from(["", " if v"]), st.just("]")).map("".join),
            st.tuples(st.just("{for k, v in "), inner, st.just(" : "), inner, st.just(" => "), inner,
                      st.sampled_from(["", "...", " if k"]), st.just("}")).map("".join),
            st.tuples(st.just('"${'), inner, st.just('}"')).map("".join),
        )

    return st.recursive(_ATOMS, extend, max_leaves=8)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expression=_expressions(), layout=st.sampled_from(["attr", "block", "nested"]))
def test_generated_expressions_are_read_as_the_grammar_reads_them(expression: str, layout: str) -> None:
    text = {
        "attr": f"x = {expression}\n",
        "block": f'resource "alicloud_kms_key" "k" {{\n  x = {expression}\n  y = 1\n}}\n',
        "nested": f"locals {{\n  a {{\n    x = {expression}\n  }}\n}}\n",
    }[layout]
    fast = _fast(text)
    if fast is not None:
        assert _lark(text) == fast


# -- targeted behaviour ---------------------------------------------------------------------------


def _value(expression: str) -> Any:
    text = f"x = {expression}\n"
    body = fastparse.parse_body(text, "t.tf")  # raises Fallback when the fast reader is not sure
    assert body == syntax.lark_body(text, "t.tf")
    return body["a"]["x"][0]


def test_operator_precedence_follows_hcl() -> None:
    assert _value("a || b && c == d < e + f * -g") == [
        "B", "||", ["V", "a"],
        ["B", "&&", ["V", "b"],
         ["B", "==", ["V", "c"],
          ["B", "<", ["V", "d"], ["B", "+", ["V", "e"], ["B", "*", ["V", "f"], ["U", "-", ["V", "g"]]]]]]],
    ]
    assert _value("a - b - c") == ["B", "-", ["B", "-", ["V", "a"], ["V", "b"]], ["V", "c"]]
    assert _value("a ? b : c ? d : e") == ["C", ["V", "a"], ["V", "b"], ["C", ["V", "c"], ["V", "d"], ["V", "e"]]]
    assert _value("!a.b[0]") == ["U", "!", ["IX", ["GA", ["V", "a"], "b"], ["L", 0]]]


def test_negative_numbers_are_read_as_the_grammar_lexes_them() -> None:
    assert _value("-1") == ["L", -1]
    assert _value("-12") == ["L", -12]
    assert _value("-1.5") == ["N", "-1.5"]
    assert _value("- 1.5") == ["U", "-", ["N", "1.5"]]
    assert _value("a - 1") == ["B", "-", ["V", "a"], ["L", 1]]


def test_escapes_and_literal_template_marks() -> None:
    assert _value(r'"a\nb\t\"q\" \\ \u00e9 \U0001F600"') == ["L", 'a\nb\t"q" \\ é \U0001F600']
    assert _value('"$${var.x} %%{ if }"') == ["L", "${var.x} %{ if }"]
    assert _value('"cost $5 and 10%"') == ["L", "cost $5 and 10%"]


def test_strings_are_normalised_to_nfc() -> None:
    assert _value('"cafe\u0301"') == ["L", "café"]
    assert _value('"e\\u0301"') == ["L", "é"]


def test_template_directives_and_strip_markers() -> None:
    assert _value('"a ${b} c"') == ["T", ["a ", ["V", "b"], " c"]]
    assert _value('"x %{~ if a ~} y %{~ else ~} z %{~ endif ~} w"') == [
        "T", ["x", ["IF", ["V", "a"], ["y"], ["z"]], "w"],
    ]
    assert _value('"%{ for k, v in m }${k}=${v},%{ endfor }"') == [
        "T", [["FOR", "k", "v", ["V", "m"], [["V", "k"], "=", ["V", "v"], ","]]]
    ]


def test_heredocs_keep_their_text_and_trim_their_indent() -> None:
    body = fastparse.parse_body('a = <<EOF\n  {"k": "${v}"}\nEOF\nb = <<-EOT\n    one\n      two\n    EOT\n', "t.tf")
    assert body["a"] == {
        "a": [["T", ['  {"k": "', ["V", "v"], '"}\n']], 1],
        "b": [["L", "one\n  two\n"], 4],
    }


def test_comments_in_odd_places_keep_every_line() -> None:
    text = (
        'resource /* a */ "alicloud_kms_key" "k" { # open\n'
        "  description = /* before */ \"d\" /* after */\n"
        "  // a line comment\n"
        "  tags = { # in an object\n"
        "    a = 1, /* x */ b = [ # in a tuple\n"
        "      1, # one\n"
        "      2,\n"
        "    ]\n"
        "  }\n"
        "  n = f( # in a call\n"
        "    1,\n"
        "  )\n"
        "}\n"
    )
    body = fastparse.parse_body(text, "t.tf")
    assert body == syntax.lark_body(text, "t.tf")
    inner = body["b"][0][3]["a"]
    assert {name: line for name, (_, line) in inner.items()} == {"description": 2, "tags": 4, "n": 10}


def test_unicode_names_and_splats() -> None:
    assert _value("local.π") == ["GA", ["V", "local"], "π"]
    assert _value("clé_1-x[*].id") == ["SP", ["V", "clé_1-x"], [["GA", "id"]]]
    assert _value("a.*.b[0]") == ["IX", ["SP", ["V", "a"], [["GA", "b"]]], ["L", 0]]
    assert _value("[for k, v in m : v if k != \"x\"]") == [
        "FT", "k", "v", ["V", "m"], ["V", "v"], ["B", "!=", ["V", "k"], ["L", "x"]],
    ]
    assert _value("{for v in l : v.k => v...}") == ["FO", None, "v", ["V", "l"], ["GA", ["V", "v"], "k"], ["V", "v"], True, None]
    assert _value("core::concat(a, b...)") == ["F", "core::concat", [["V", "a"], ["V", "b"]], True]


@pytest.mark.parametrize(
    "text",
    [
        "x = a\n\n+ b\n",  # the grammar rejects two newlines before an operator
        "x = a # c\n+ b\n",  # and keeps a comment inside the operator it joins
        "x = {a = b -12}\n",  # where the grammar may read a negative number as the next key
        'resource "x" "y" {\n  a = 1 b = 2\n}\n',  # two items on one line
        'x = "${a}\n',  # a syntax error
    ],
)
def test_what_the_fast_reader_is_unsure_of_goes_to_the_grammar(text: str) -> None:
    with pytest.raises(fastparse.Fallback):
        fastparse.parse_body(text, "t.tf")


def test_a_syntax_error_keeps_the_grammars_message_and_line() -> None:
    text = 'locals {\n  a = 1\n  b = "x\n}\n'
    with pytest.raises(UserError) as caught:
        syntax.parse_file(text, "main.tf")
    with pytest.raises(UserError) as reference:
        syntax.lark_body(text, "main.tf")
    assert (caught.value.file, caught.value.line) == ("main.tf", 3)
    assert str(caught.value) == str(reference.value)
    assert str(caught.value).startswith("HCL syntax error")


def test_reading_a_block_the_fast_reader_accepts_imports_no_parser() -> None:
    code = (
        "import sys\n"
        "from kms_infracost.sources.hcl.syntax import parse_file\n"
        "body = parse_file('resource \"alicloud_kms_key\" \"k\" {\\n  tags = { a = \"${var.x}\" }\\n}\\n', 'm.tf')\n"
        "assert body['b'][0][3]['a']['tags'][1] == 2, body\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('lark', 'hcl2')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "[]\n"


def _as_parsed(piece: str) -> Any:
    """A top-level block's body as config.py gets it from its own text (None: not one block, or unread)."""
    try:
        parsed = syntax.parse_file(piece, "t.tf")
    except UserError:
        return None
    return parsed["b"][0][3] if len(parsed["b"]) == 1 and not parsed["a"] else None


def _masked_equal(pieces: Iterator[str]) -> int:
    """How many pieces went through a masked parse; asserts each body equals the piece's own parse."""
    memo: dict[str, Any] = {}
    used = 0
    for piece in pieces:
        for _ in range(2):  # the second time from the memo
            got = syntax.parse_masked(piece, "t.tf", memo)
            if got is not None:
                assert got == _as_parsed(piece), repr(piece)
                used += 1
    return used


@pytest.mark.parametrize("group", ["repository", "corpus", "peer"])
def test_a_block_read_through_its_masked_text_is_the_block_as_written(group: str) -> None:
    """The words inside strings masked, the text parsed (once for all texts masked alike), the words put
    back: the same body as parsing the block itself, over every block of every text the tests know."""
    if not any(GROUPS[group]()):
        pytest.skip(f"../shared/{group} is not here")
    blocks = (p for n, p in _pieces(GROUPS[group]()) if ":" in n)
    assert _masked_equal(blocks) > (200 if group == "repository" else 400)


@pytest.mark.parametrize("seed", range(2))
def test_mutated_blocks_read_through_their_masked_text_are_the_blocks_as_written(seed: int) -> None:
    assert _masked_equal(_mutated(seed + 10, 2500)) > 300


def test_blocks_that_differ_only_in_their_strings_words_share_one_parse() -> None:
    texts = [
        f'resource "alicloud_kms_key" "data" {{\n  description = "{stack} data key ${{count.index}}"\n'
        f'  tags = {{ Stack = "{stack}", "team-{stack}" = "x" }}\n}}'
        for stack in ("stack1", "stack2", "mod-x.y_z")
    ]
    memo: dict[str, Any] = {}
    bodies = [syntax.parse_masked(t, "t.tf", memo) for t in texts]
    assert len(memo) == 1 and bodies == [_as_parsed(t) for t in texts]
    assert bodies[2]["a"]["description"][0][1][0] == "mod-x.y_z data key "  # the template's first part
    for text in (
        'locals {\n  a = <<EOF\nx\nEOF\n}',  # a heredoc: strings are not followed through it
        'locals {\n  a = "\\n x"\n}',  # an escape
        'locals {\n  a = "caf\u00e9"\n}',  # not ASCII (NFC joins across words)
        'locals {\n  a = "${"q"}"\n}',  # a quote inside a template
        "locals {\n  a = 1\n}",  # no string
        'locals {\n  a = "x\x000\x00"\n}',  # a placeholder's own mark in the text (a file read never holds NUL)
    ):
        assert syntax.masked(text) is None, text
