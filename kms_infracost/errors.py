"""Errors a user can fix. The CLI prints each as one line and exits 2; nothing else may escape."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or command line: the message says what is wrong and what to do."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def one_line(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        text = f"{where}{self.message}"
        return " ".join(text.split())


def explain(exc: BaseException) -> tuple[str, int] | None:
    """The one line and exit code a command that raised ends with; None: let it go on (a click exception,
    or a bug when KMS_INFRACOST_DEBUG asks for its traceback)."""
    import os

    if isinstance(exc, UserError):
        return f"kms-infracost: error: {exc.one_line()}", 2
    if isinstance(exc, KeyboardInterrupt):
        return "kms-infracost: interrupted", 130
    if isinstance(exc, RecursionError):
        return (
            "kms-infracost: error: the input nests too deeply to read (expressions, modules or JSON); "
            "simplify it or split it"
        ), 2
    if isinstance(exc, Exception) and not os.environ.get("KMS_INFRACOST_DEBUG"):  # a bug: still one line
        return (
            f"kms-infracost: internal error: {type(exc).__name__}: {exc} "
            "(set KMS_INFRACOST_DEBUG=1 for the traceback and report it)"
        ), 2
    return None


def closest(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """The nearest valid spelling, so an error can say 'did you mean …'."""
    import difflib

    found = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return found[0] if found else None


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    best = closest(word, choices)
    return f" (did you mean {best!r}?)" if best else f" (valid: {', '.join(sorted(choices))})"


def one_edit_apart(a: str, b: str) -> bool:
    """True when b is a with one character changed, added or removed (a typo, not another name)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]
