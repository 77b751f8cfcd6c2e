"""Lines come from tokens, not from Lark's position propagation (off: it cost a third of every parse).

Every subtree of every HCL text the tests know (fixtures, examples, the tests' inline HCL, and when present
../shared/corpus and ../shared/peer, read in place) gets the same line from its first token as Lark's
propagated positions give it; attributes and blocks, the only lines the converter keeps, included.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))
from hcl_texts import GROUPS

from kms_infracost.errors import UserError
from kms_infracost.sources.hcl import syntax


@pytest.fixture(scope="module")
def positioned() -> Any:
    """The same patched grammar with propagate_positions on, as the parser was built before."""
    from hcl2.postlexer import PostLexer
    from lark import Lark

    grammar, _ = syntax.patched_grammar()
    return Lark(grammar, parser="lalr", cache=False, propagate_positions=True, postlex=PostLexer())


def _trees(tree: Any) -> Iterator[Any]:
    yield tree
    for child in tree.children:
        if hasattr(child, "data"):
            yield from _trees(child)


def _compare(positioned: Any, texts: Iterator[tuple[str, str]]) -> tuple[int, int]:
    """(texts parsed, attributes and blocks compared); asserts every subtree's line agrees."""
    parsed = kept = 0
    for name, text in texts:
        try:
            syntax.parse_file(text, name)
        except UserError:
            continue
        tree = positioned.parse(text + "\n")
        parsed += 1
        for sub in _trees(tree):
            if sub.meta.empty:
                assert syntax._line(sub) is None, (name, sub.data)
                continue
            assert syntax._line(sub) == sub.meta.line, (name, sub.data, sub.meta.line)
            kept += sub.data in ("attribute", "block")
    return parsed, kept


def test_token_lines_equal_propagated_lines_in_the_repository_texts(positioned: Any) -> None:
    parsed, kept = _compare(positioned, GROUPS["repository"]())
    assert parsed > 150 and kept > 1000


@pytest.mark.corpus
@pytest.mark.skipif(not any(GROUPS["corpus"]()), reason="../shared/corpus is not here")
def test_token_lines_equal_propagated_lines_in_the_corpus(positioned: Any) -> None:
    parsed, kept = _compare(positioned, GROUPS["corpus"]())
    assert parsed > 100 and kept > 1000


@pytest.mark.peer
@pytest.mark.skipif(not any(GROUPS["peer"]()), reason="../shared/peer is not here")
def test_token_lines_equal_propagated_lines_in_the_peer_suites(positioned: Any) -> None:
    parsed, kept = _compare(positioned, GROUPS["peer"]())
    assert parsed > 500 and kept > 1000


def test_a_nested_block_after_comments_and_blank_lines_keeps_its_line() -> None:
    body = syntax.parse_file(
        'resource "alicloud_kms_key" "k" {\n\n  # note\n  /* a\n  b */\n  lifecycle {\n    ignore_changes = [\n'
        "      tags,\n    ]\n  }\n  tags = {\n    a = 1\n  }\n}\n",
        "main.tf",
    )
    (_, _, line, inner), = body["b"]
    assert line == 1
    assert inner["b"][0][0] == "lifecycle" and inner["b"][0][2] == 6
    assert inner["b"][0][3]["a"]["ignore_changes"][1] == 7
    assert inner["a"]["tags"][1] == 11


def test_the_same_block_text_further_down_is_moved_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kms_infracost import runmemo
    from kms_infracost.sources.hcl import config, scan
    from kms_infracost.sources.hcl.cache import ParseCache
    from kms_infracost.sources.hcl.config import Loader

    block = 'resource "alicloud_kms_key" "k" {\n  description = "x"\n\n  tags = {\n    a = "b"\n  }\n  rotation {\n    days = 7\n  }\n}\n'
    (tmp_path / "a.tf").write_text(block)
    (tmp_path / "b.tf").write_text("# moved\n\n\n" + block)
    parses: list[str] = []
    real, real_masked = syntax.parse_file, syntax.parse_masked

    def counted(text: str, path: str) -> syntax.Body:
        parses.append(path)
        return real(text, path)

    def counted_masked(text: str, path: str, memo: dict[str, Any]) -> syntax.Body | None:
        parses.append(path)
        return real_masked(text, path, memo)

    monkeypatch.setattr(config, "parse_file", counted)  # the names the loader calls
    monkeypatch.setattr(config, "parse_masked", counted_masked)
    with runmemo.scope():
        loader = Loader(ParseCache(None))
        bodies = []
        for name in ("a.tf", "b.tf", "b.tf"):
            source = scan.read_source(str(tmp_path / name))
            (top,) = scan.split_blocks(source.text)
            bodies.append(loader._parse_block(source, top.start, top.end, top.line))
    assert len(parses) == 1  # a.tf only: b.tf's block is a.tf's, three lines down; the second time a memo hit
    expected = real(block, "b.tf")["b"][0][3]
    syntax.shift_lines(expected, 3)
    assert bodies[1] == expected and bodies[2] is bodies[1]
    assert bodies[1]["a"]["tags"][1] == 7 and bodies[1]["b"][0][2] == 10 and bodies[1]["b"][0][3]["a"]["days"][1] == 11
    assert bodies[0]["a"]["tags"][1] == 4  # the first body is left as it was
    assert bodies[1]["a"]["tags"][0] is bodies[0]["a"]["tags"][0]  # expressions shared, not copied
