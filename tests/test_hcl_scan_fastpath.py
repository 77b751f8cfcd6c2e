"""The block splitter's one-match shortcuts (whole blocks, plain runs inside braces, plain headers) give exactly what the
step-by-step scan gives: the same blocks, labels, offsets and lines, and the same error on a bad text."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "support"))
from hcl_texts import GROUPS

from kms_infracost.sources.hcl import scan


def _split(text: str) -> Any:
    try:
        return [(b.type, b.labels, b.start, b.end, b.line) for b in scan.split_blocks(text)]
    except scan.ScanError as exc:
        return f"ScanError: {exc}"


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = _split(text)
    with monkeypatch.context() as step_by_step:
        step_by_step.setattr(scan, "_PLAIN_RUN", re.compile(""))  # matches nothing: every character is a step
        step_by_step.setattr(scan, "_PLAIN_HEADER", re.compile(r"(?!)"))  # never matches: every header is read step by step
        step_by_step.setattr(scan, "_WHOLE_BLOCK", re.compile(r"(?!)"))  # never matches: no block in one match
        slow = _split(text)
    return fast, slow


def test_every_shared_text_splits_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's own texts, and ../shared's corpus and peer suites when they are beside it."""
    split: dict[str, int] = {}
    for group, texts in GROUPS.items():
        for name, text in texts():
            fast, slow = _both(text, monkeypatch)
            assert fast == slow, name
            split[group] = split.get(group, 0) + (isinstance(fast, list) and len(fast) > 0)
    assert split["repository"] > 150, split  # the texts were there and most split into blocks


def test_the_shortcuts_take_the_common_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    text = 'resource "alicloud_kms_key" "k" {\n  description = "${var.env}-key # not a comment"\n  tags = { a = "b" }\n}\n'
    assert scan._PLAIN_HEADER.match(text) is not None
    body = text.index("{") + 1
    assert scan._PLAIN_RUN.match(text, body).end() == text.index("{ a")  # the string with ${...} in one go
    assert _split(text) == [("resource", ["alicloud_kms_key", "k"], 0, len(text) - 1, 1)]
    assert scan._WHOLE_BLOCK.match(text).span(1) == (0, len(text) - 1)  # the whole block in one match


@pytest.mark.parametrize(
    "inner",
    ["a = 1", "x = <<EOT\n}\nEOT", 'x = "${ {a = 1} }"', "x = 1 # }"],
    ids=["plain", "heredoc", "braces in a template", "comment"],
)
@pytest.mark.parametrize("depth", [0, 6, 7, 12])
def test_deep_nesting_and_heredocs_fall_back_to_the_step_by_step_scan(
    inner: str, depth: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "".join(f"{'  ' * (d + 1)}n{d} {{\n" for d in range(depth)) + inner + "\n" + "}\n" * depth
    text = f'# head\nlocals {{\n{body}}}\n\nresource "alicloud_kms_key" "k" {{\n}}\n'
    fast, slow = _both(text, monkeypatch)
    assert fast == slow
    assert [(kind, line) for kind, _, _, _, line in fast] == [("locals", 2), ("resource", text[: text.index("resource")].count("\n") + 1)]
    one_match = scan._WHOLE_BLOCK.match(text) is not None
    assert one_match == (depth <= 6 and inner in ("a = 1", "x = 1 # }"))


_PIECES = [
    "resource", "locals", " ", "\t", "\n", "\r\n", '"a"', '"b c"', '"e\\"q"', "{", "}", "x = 1", "=", "#c\n", "//c\n",
    "/*x*/", "/*", "*/", "/", "*", '"${', '"$${', '"%{', "%%{", "${", "$", "%", '"', "\\", "<<EOF\n", "EOF\n",
    "<<-EOT\n", "  EOT\n", "<", "<<", "label", "é", '"${a}"', '"${ "q" }"', '"${ {} }"', "[", "]", "/* c */",
    "/**/", "*/ ", 'resource "r" "n" {', "x {",
]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_generated_texts_split_the_same_both_ways(pieces: list[str]) -> None:
    text = "".join(pieces)
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _both(text, monkeypatch)
    assert fast == slow, text


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_generated_bodies_inside_a_block_split_the_same_both_ways(pieces: list[str]) -> None:
    text = 'resource "t" "n" {\n' + "".join(pieces) + "\n}\n"
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _both(text, monkeypatch)
    assert fast == slow, text


@pytest.mark.parametrize(
    ("directory", "name"),
    [("stacks/a", "main.tf"), ("/abs/dir", "x.tf"), ("dir/", "x.tf"), ("/", "x.tf"), ("dir", "/abs/x.tf"), ("../m", "v.tf")],
)
def test_join_is_os_path_join_outside_the_working_directory(directory: str, name: str) -> None:
    assert scan.join(directory, name) == os.path.join(directory, name)
    assert scan.join(".", name) == scan.join("", name) == name


def test_only_kept_blocks_are_the_kept_ones_of_a_full_split() -> None:
    compared = 0
    for texts in GROUPS.values():
        for name, text in texts():
            try:
                every = scan.split_blocks(text)
            except scan.ScanError:
                continue
            kept = scan.split_blocks(text, only_kept=True)
            as_rows = [(b.type, b.labels, b.start, b.end, b.line) for b in kept]
            assert as_rows == [(b.type, b.labels, b.start, b.end, b.line) for b in every if scan.keeps(b)], name
            compared += len(every) > len(kept) > 0
    assert compared > 20  # texts with both kinds of blocks were among them


def test_a_file_named_again_keeps_every_field_as_read(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text('module "keys" {\n  source = "../keys"\n}\nresource "alicloud_kms_key" "k" {}\n')
    source = scan.read_source(str(path))
    again = source.named("elsewhere/main.tf")
    assert again.path == "elsewhere/main.tf" and source.path == str(path)
    for name in scan.SourceFile.__slots__:  # a slot added later must be copied too
        if name != "path":
            assert getattr(again, name) == getattr(source, name), name
    assert (again.mentions_kms, again.module_calls) == (True, [("keys", "../keys")])


def _rows(split: Any, text: str, only_kept: bool) -> Any:
    try:
        return [(b.type, b.labels, b.start, b.end, b.line) for b in split(text, only_kept)]
    except scan.ScanError as exc:
        return f"ScanError: {exc}"


TRICKY = [
    # a heredoc holding a line with only `}` (a JSON policy): the cut there does not scan
    'resource "alicloud_ram_policy" "p" {\n  document = <<EOF\n{\n  "a": 1\n}\nEOF\n}\nvariable "v" {}\n',
    # a block comment and a nested block closed at the line start
    '/* old:\n}\n*/\nlocals {\n  a = 1\n}\nresource "x" "y" {\n  lifecycle {\n}\n}\n',
    # the last block closed without a line break, a stray brace, CRLF line ends
    'variable "a" {\n}\nvariable "b" {\n}',
    'variable "a" {\n}\n}\nvariable "b" {\n}\n',
    'variable "a" {\r\n}\r\nvariable "b" {\r\n}\r\n',
    # the same pieces again further down: their lines and offsets are the later ones
    'variable "a" {\n}\nvariable "a" {\n}\n\n\nvariable "a" {\n}\nresource "alicloud_kms_key" "k" {\n}\n',
]


@pytest.mark.parametrize("only_kept", [False, True], ids=["all", "kept"])
def test_a_text_cut_into_pieces_splits_as_the_whole_text(only_kept: bool) -> None:
    """Each piece scanned on its own (once a run) gives the whole text's blocks, lines and errors."""
    from kms_infracost import runmemo

    texts = [(f"tricky {i}", t) for i, t in enumerate(TRICKY)]
    texts += [(name, text) for group in GROUPS.values() for name, text in group()]
    with runmemo.scope():
        for _ in range(2):  # the second time every piece is known
            for name, text in texts:
                assert _rows(scan.split_blocks, text, only_kept) == _rows(scan._split, text, only_kept), name
    assert _rows(scan.split_blocks, TRICKY[3], False) == _rows(scan._split, TRICKY[3], False) != []
    assert str(_rows(scan.split_blocks, TRICKY[3], False)).startswith("ScanError")


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*_PIECES, "\n}\n", 'variable "v" {\n}\n', "<<EOF\n}\nEOF\n"]), max_size=40))
def test_generated_texts_split_in_pieces_as_the_whole_text(pieces: list[str]) -> None:
    from kms_infracost import runmemo

    text = "".join(pieces)
    with runmemo.scope():
        for _ in range(2):
            for only_kept in (False, True):
                assert _rows(scan.split_blocks, text, only_kept) == _rows(scan._split, text, only_kept), text
