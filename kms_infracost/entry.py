"""Console entry point with a fast path for the pre-commit hook's commonest case: nothing to price.

A hook runs on every commit and most commits touch no KMS. When the command is a plain `check` or
`breakdown` over Terraform file names and no file of their root modules mentions `alicloud_kms` or calls a
module (which might declare keys), the answer is known from a text scan alone, before click, the config
reader or any pricing code is imported. Anything else — an option, a directory, a plan, a file that
mentions KMS — goes to the full command line unchanged.
"""

from __future__ import annotations

import os
import sys

from kms_infracost.sources import HCL_SUFFIXES, nothing_found, other_kms_in

TYPE_CHECKING = False  # not typing's: importing typing (and re with it) is a fifth of a no-KMS hook run
if TYPE_CHECKING:
    from typing import NoReturn

_MARKS = (b"alicloud_kms", b"module")


def _nothing_to_price(args: list[str], foreign: dict[str, int]) -> bool:
    """True when nothing is to be priced; other providers' key resources seen on the way go into foreign."""
    if len(args) < 2 or args[0] not in ("check", "breakdown"):
        return False
    files = args[1:]
    if any(a.startswith("-") or not a.endswith(HCL_SUFFIXES) or not os.path.isfile(a) for a in files):
        return False
    for folder in {os.path.dirname(f) or "." for f in files}:  # each file stands for its root module
        try:
            names = [n for n in os.listdir(folder) if n.endswith((".tf", ".tf.json", ".tofu", ".tofu.json")) and not n.startswith(".")]
        except OSError:
            return False
        for name in names:
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    data = handle.read()
            except OSError:
                return False
            if any(data.find(mark) >= 0 for mark in _MARKS):  # find: `in` first tries a bytes needle as an int
                return False
            other_kms_in(data, foreign)
    return True


def main() -> None:
    # A process that runs one command: cyclic garbage collection is wasted work. A run makes few cycles
    # and the process ends with it; every collection walks the many objects a run keeps (parse results,
    # records, documents), and the one that re-enabling it at the end triggers was a tenth of a monorepo
    # run. (run.run pauses collection on its own for callers that keep the process, the tests.)
    import gc

    from kms_infracost import runmemo

    gc.disable()
    runmemo.leave_at_exit()  # and whatever a run kept is not freed object by object either
    try:
        _command(sys.argv[1:])
    except SystemExit as exc:
        _leave(exc.code)
    _leave(0)


def _leave(code: object) -> NoReturn:
    """End the process as sys.exit would, without the interpreter's teardown: freeing every object of a
    large run one by one took a tenth of a second, for memory the process gives back anyway. The exit
    handlers (the parse cache's write) still run and the streams are flushed; a stream that cannot take
    its output gets Python's own status for that, 120."""
    import atexit

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    run_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_handlers is None:  # not CPython: the ordinary way out
        sys.exit(status)
    run_handlers()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (`>&-`): nothing to flush
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)


def _simple(args: list[str]) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """(mode, paths, formats) of a plain `check` or `breakdown`: file and folder names and at most one
    `--format NAME`, which is what the hook and most hand runs say. Anything else (any other option, `-`,
    `--`, help, a shell completion) goes to click. Reading these here spares importing click and building
    the command line, a twentieth of a hook run over a large repository."""
    from kms_infracost.report import FORMATS

    if not args or args[0] not in ("check", "breakdown") or os.environ.get("_KMS_INFRACOST_COMPLETE"):
        return None
    paths: list[str] = []
    formats: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if not arg.startswith("-"):
            paths.append(arg)
            continue
        if formats or not (arg == "--format" or arg.startswith("--format=")):
            return None
        value = arg[len("--format="):] if arg.startswith("--format=") else next(rest, None)
        if value not in FORMATS:
            return None  # click says what is wrong
        formats.append(value)
    return args[0], tuple(paths), tuple(formats)


def _run_simple(mode: str, paths: tuple[str, ...], formats: tuple[str, ...]) -> NoReturn:
    """What click would run for these arguments (cli.check, cli.breakdown), ended the way cli.main and
    KmsGroup.invoke end it."""
    import signal

    from kms_infracost.errors import explain
    from kms_infracost.run import RunOptions, run

    signal.signal(signal.SIGTERM, terminated)
    try:
        code = run(RunOptions(paths=paths, formats=formats), mode=mode)
    except (Exception, KeyboardInterrupt) as exc:
        told = explain(exc)
        if told is None:
            raise
        print(told[0], file=sys.stderr)
        sys.exit(told[1])
    sys.exit(code)


def terminated(signum: int, frame: object) -> None:
    """SIGTERM ends a run as Ctrl-C does: 130 and one line."""
    raise KeyboardInterrupt


def _command(args: list[str]) -> None:
    foreign: dict[str, int] = {}
    if _nothing_to_price(args, foreign):
        print(nothing_found(len(args) - 1, foreign))
        sys.exit(0)
    from kms_infracost import replay

    simple = _simple(args)

    def full() -> None:
        if simple is not None:  # the same run, without click
            _run_simple(*simple)
        from kms_infracost.cli import main as command_line

        command_line()

    if not replay.eligible(args, os.environ):
        full()
        return
    key = replay.key(args, os.environ)
    code = replay.replay(key, os.environ)
    if code is not None:
        sys.exit(code)
    replay.record(key, os.environ, full)
