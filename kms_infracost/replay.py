"""A whole run's output kept for the next identical run: a warm re-run replays it without pricing anything.

A `check` or `breakdown` run is a function of its command line, its working directory, a few environment
variables, the tool's own code and the files and folders it looked at. While a run goes (a cache miss), the
files it opens, the folders it lists and the paths whose existence or type it checks are recorded (an audit
hook sees opens and listings; `os.stat`/`os.lstat` are wrapped for the duration of the run); when it ends
with exit code 0 or 1, its stdout, stderr and exit code are stored with that list, under
`<cache dir>/replay/<key>`. The next run with the same key stats every recorded path and, when nothing
differs, writes the stored bytes and exits with the stored code, before click, the parser or any pricing
code is imported.

What counts as "nothing differs":
- a file: size, mtime, ctime and inode (ctime cannot be set back by `touch -d` or `cp -p`); a file changed
  less than RACY_SECONDS before the run began is also compared by content (the clock's granularity could
  hide a second change within the same tick);
- a folder that was listed: its mtime (adding, removing or renaming an entry changes it), and its listing
  when it changed shortly before the run;
- a path whose existence or type was checked: still absent, still a folder, or the same file.

Never replayed: output to a terminal (colour), `--out-file`, stdin (`-`), `--base-ref` and any run that
started a process (git, terraform), `--format infracost-json` without SOURCE_DATE_EPOCH (it holds the time),
`--no-cache`, and KMS_INFRACOST_REPLAY=0. The tool's code (every file of the package) and each folder on
`sys.path` (installing or removing a package changes it) are part of the key.
"""

from __future__ import annotations

import json
import os
import stat as modes
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from kms_infracost import __version__, runmemo
from kms_infracost.cachedir import blake2b

#: bump when the entry layout changes
FORMAT = 1
REPLAY_ENV = "KMS_INFRACOST_REPLAY"
#: a file or folder changed this recently before a run is also compared by content
RACY_SECONDS = 2.0
#: entries kept; the least recently written go first
KEEP = 32
#: a run that prints more than this (bytes) is not stored
MAX_OUTPUT = 64 * 1024 * 1024
#: environment variables a run reads (regions, root variables, workspace, colour, timestamps, our own)
_ENV_PREFIXES = ("TF_", "ALICLOUD_", "ALIBABA_CLOUD_", "KMS_INFRACOST_")
_ENV_NAMES = ("NO_COLOR", "SOURCE_DATE_EPOCH")
_NEVER = {"-", "--no-cache", "-h", "--help", "--version"}
_NEVER_PREFIXES = ("--out-file", "--base-ref")


def eligible(args: list[str], env: dict[str, str] | os._Environ[str]) -> bool:
    """Whether this command line may be replayed (and recorded)."""
    if len(args) < 2 or args[0] not in ("check", "breakdown") or env.get(REPLAY_ENV, "").strip() == "0":
        return False
    for arg in args[1:]:
        if arg in _NEVER or arg.startswith(_NEVER_PREFIXES):
            return False
    if any("infracost-json" in a for a in args) and not env.get("SOURCE_DATE_EPOCH", "").strip():
        return False
    if os.name != "posix":  # elsewhere os.path.exists and friends need not go through os.stat
        return False
    try:
        return not (os.isatty(1) or os.isatty(2))
    except OSError:  # pragma: no cover - a closed stream
        return False


def _same_stream() -> bool:
    """stdout and stderr are one file (2>&1, pre-commit): then they are kept as one, in their order."""
    try:
        out, err = os.fstat(1), os.fstat(2)
    except OSError:
        return False
    return (out.st_dev, out.st_ino) == (err.st_dev, err.st_ino)


def _package_files() -> Iterator[tuple[str, int, int]]:
    top = os.path.dirname(os.path.abspath(__file__))
    stack = [top]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                else:
                    stat = entry.stat()
                    yield entry.path[len(top):], stat.st_size, stat.st_mtime_ns


def _path_stamps() -> list[Any]:
    stamps: list[Any] = []
    for folder in sys.path:
        try:
            stamps.append([folder, os.stat(folder or ".").st_mtime_ns])
        except OSError:
            stamps.append([folder, None])
    return stamps


def key(args: list[str], env: dict[str, str] | os._Environ[str]) -> str:
    material = {
        "format": FORMAT,
        "version": __version__,
        "python": sys.version,
        "executable": sys.executable,
        "args": args,
        "cwd": os.getcwd(),
        "env": sorted((k, v) for k, v in env.items() if k.startswith(_ENV_PREFIXES) or k in _ENV_NAMES),
        "same_stream": _same_stream(),
        "code": sorted(_package_files()),
        "path": _path_stamps(),
    }
    return str(blake2b(json.dumps(material, sort_keys=True).encode("utf-8"), digest_size=20).hexdigest())


def _folder(env: dict[str, str] | os._Environ[str]) -> str:
    from kms_infracost.cachedir import cache_dir

    return os.path.join(cache_dir(env), "replay")


# -- what a path looked like ----------------------------------------------------------------------------

_stat = os.stat
_lstat = os.lstat


def _digest(path: str, is_dir: bool) -> str:
    digest = blake2b(digest_size=16)
    if is_dir:
        for name in sorted(os.listdir(path)):
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    else:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return str(digest.hexdigest())


def _fields(stat: os.stat_result) -> tuple[int, int, int, int, int]:
    """What a look needs of a stat, kept small (a run records thousands)."""
    return (stat.st_mode, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _look(path: str, kind: str, follow: bool, since: float | None, seen: Any = None) -> list[Any]:
    """How `path` looks now: ["-"] absent, ["d"] a folder, ["D", mtime, ctime] a listed folder, ["f", …] a file.

    With `since` (recording), a file or listed folder changed within RACY_SECONDS of it carries a digest.
    `seen`: what the run's own stat of the path returned (_fields, or False when it failed): how it looked
    then."""
    if seen is None:
        try:
            seen = _fields(_stat(path) if follow else _lstat(path))
        except (OSError, ValueError):
            return ["-"]
    elif seen is False:
        return ["-"]
    mode, size, mtime, ctime, inode = seen
    if modes.S_ISDIR(mode):
        if kind != "list":
            return ["d"]
        look: list[Any] = ["D", mtime, ctime]
    elif kind == "list":
        return ["-"]  # listing something that is not a folder failed; the same will fail again
    else:
        look = ["f", size, mtime, ctime, inode, mode]
    if since is not None and max(mtime, ctime) / 1e9 >= since - RACY_SECONDS:
        try:
            look.append(_digest(path, look[0] == "D"))
        except OSError:
            return ["?"]  # cannot be told apart later: never matches
    return look


def _unchanged(path: str, kind: str, follow: bool, then: list[Any]) -> bool:
    digest = then[-1] if _has_digest(then) else None
    if then[0] == "?" or _look(path, kind, follow, None) != (then[:-1] if digest else then):
        return False
    if digest is None:
        return True
    try:
        return bool(_digest(path, then[0] == "D") == digest)
    except OSError:
        return False


def _has_digest(look: list[Any]) -> bool:
    return (look[0] == "D" and len(look) == 4) or (look[0] == "f" and len(look) == 7)


# -- replaying --------------------------------------------------------------------------------------------


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BrokenPipeError:
            return
        view = view[written:]


def replay(entry_key: str, env: dict[str, str] | os._Environ[str]) -> int | None:
    """Write the stored output and return the exit code; None when there is no entry or something differs."""
    path = os.path.join(_folder(env), entry_key)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        head, _, body = data.partition(b"\n")
        entry = json.loads(head)
        if entry.get("key") != entry_key:
            return None
        for where, kind, follow, then in entry["deps"]:
            if not _unchanged(where, kind, follow, then):
                return None
        out_len, err_len, code = int(entry["out"]), int(entry["err"]), int(entry["code"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(body) != out_len + err_len:
        return None
    _write(1, body[:out_len])
    _write(2, body[out_len:])
    return code


# -- recording --------------------------------------------------------------------------------------------


_WATCHED = frozenset({"open", "os.listdir", "os.scandir", "subprocess.Popen", "os.system", "os.exec",
                       "os.posix_spawn", "os.fork", "os.spawn", "socket.connect"})


class _Recorder:
    """What a run looks at, gathered while it goes.

    Cheap per call, because a monorepo run makes tens of thousands of them: a path named the same way
    again is known from its name alone (the working directory does not change during a run), and what the
    run's own stat returned is kept, so storing the entry need not stat that path again."""

    def __init__(self, ignore: list[str]) -> None:
        self.active = True
        self.spawned = False
        #: (absolute path, kind, follow) -> what the run's first stat of it returned, as _fields (None: not
        #: stat'ed, False: the stat failed; not the exception, whose traceback would keep the run's frames alive)
        self.paths: dict[tuple[str, str, bool], Any] = {}
        #: (path as the run named it, kind, follow) -> its key in paths (None: not recorded)
        self._named: dict[tuple[Any, str, bool], tuple[str, str, bool] | None] = {}
        self.ignore = tuple(os.path.join(os.path.abspath(p), "") for p in ignore if p)
        self.cwd = os.getcwd()  # a run never changes it: no getcwd for each relative path

    def where(self, path: Any, kind: str, follow: bool) -> tuple[str, str, bool] | None:
        """The key a path named this way is recorded under (None: not recorded)."""
        named = (path, kind, follow)
        try:
            return self._named[named]
        except KeyError:
            pass
        except TypeError:  # not hashable: not a path
            return None
        if isinstance(path, int):
            where = None  # a descriptor: the open that made it was recorded
        else:
            try:
                text = os.fsdecode(path)
            except TypeError:
                return None
            if runmemo.running():  # the run has mostly worked out the same name already
                full = runmemo.abspath(text)
            else:
                full = os.path.normpath(text if text.startswith("/") else os.path.join(self.cwd, text))
            where = None if full.startswith(self.ignore) else (full, kind, follow)
        self._named[named] = where
        return where

    def note(self, path: Any, kind: str, follow: bool = True, seen: Any = None) -> None:
        if self.active:
            where = self.where(path, kind, follow)
            if where is not None and self.paths.get(where) is None:
                self.paths[where] = seen

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        """One of the _WATCHED events (_hook passes only those on)."""
        if not self.active:
            return
        if event == "open":
            path, mode, flags = args
            if path is runmemo.reading:  # the file reader's own open: it tells read() how it went
                return
            if mode is None:
                reading = isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR) == 0
            else:
                reading = not any(c in str(mode) for c in "wax+")
            if reading:
                self.note(path, "stat")
        elif event in ("os.listdir", "os.scandir"):
            self.note(args[0] if args and args[0] is not None else ".", "list")
        else:
            self.spawned = True

    def read(self, path: str, stat: os.stat_result | None) -> None:
        """A file the run read whole, with the stat of what it opened: storing the entry need not stat it.
        None: opening it failed, which the entry records as the path not being there (a replay then
        needs it still missing; a file unreadable then and there now is run again, never replayed)."""
        self.note(path, "stat", True, _fields(stat) if stat is not None else False)

    def stat(self, path: Any, *args: Any, dir_fd: Any = None, follow_symlinks: bool = True, **kw: Any) -> Any:
        return self._through(_stat, path, args, dir_fd, follow_symlinks, {**kw, "follow_symlinks": follow_symlinks})

    def lstat(self, path: Any, *args: Any, dir_fd: Any = None, **kw: Any) -> Any:
        return self._through(_lstat, path, args, dir_fd, False, kw)

    def _through(self, call: Any, path: Any, args: tuple[Any, ...], dir_fd: Any, follow: bool, kw: dict[str, Any]) -> Any:
        """The real stat, with what it returned kept (a path relative to dir_fd is not one the run names)."""
        try:
            result = call(path, *args, dir_fd=dir_fd, **kw)
        except (OSError, ValueError):
            if dir_fd is None:
                self.note(path, "stat", follow, False)
            raise
        if dir_fd is None:
            self.note(path, "stat", follow, _fields(result))
        return result


def _hook(recorder: _Recorder) -> Callable[[str, tuple[Any, ...]], None]:
    """The recorder's audit hook. Python calls every hook on every audited event of the process (a run has
    thousands: opens, listings, imports, id() calls), and asks each for `__cantrace__` first: a bound method
    does not have it, so each asking raised and cleared an AttributeError inside the interpreter. A plain
    function carries it (False: the hook is not traced) and is called at half the cost of an object's
    `__call__`; only the events the recorder watches go further."""
    watched, audit = _WATCHED, recorder.audit

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in watched:
            audit(event, args)

    hook.__cantrace__ = False  # type: ignore[attr-defined]
    return hook


class _Capture:
    """stdout and stderr sent to temporary files at the descriptor level, then passed on unchanged."""

    def __init__(self, same: bool, folder: str) -> None:
        from kms_infracost.scratch import anonymous

        self.same = same
        self.saved = (os.dup(1), os.dup(2))  # first: with a stream closed at start this fails, and nothing is recorded
        try:
            os.makedirs(folder, exist_ok=True)
            self.out = os.fdopen(anonymous(folder), "w+b")  # open for the whole run, closed in finish()
            self.err = self.out if same else os.fdopen(anonymous(folder), "w+b")
        except OSError:
            os.close(self.saved[0])
            os.close(self.saved[1])
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.out.fileno(), 1)
        os.dup2(self.err.fileno(), 2)

    def finish(self) -> tuple[bytes, bytes]:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.dup2(self.saved[0], 1)
        os.dup2(self.saved[1], 2)
        os.close(self.saved[0])
        os.close(self.saved[1])
        self.out.seek(0)
        out = self.out.read()
        err = b""
        if not self.same:
            self.err.seek(0)
            err = self.err.read()
            self.err.close()
        self.out.close()
        _write(1, out)
        _write(2, err)
        return out, err


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    return 1


def record(entry_key: str, env: dict[str, str] | os._Environ[str], run: Callable[[], Any]) -> NoReturn:
    """Run the full command with its output captured and what it reads recorded; store both, then exit."""
    import sysconfig

    folder = _folder(env)
    # the caches themselves, the tool's own files (in the key) and Python's libraries (sys.path is in the key)
    libraries = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    ignore = [folder, os.path.dirname(folder), os.path.dirname(os.path.abspath(__file__)), *sorted(libraries)]
    recorder = _Recorder(ignore)
    began = time.time()
    try:
        capture = _Capture(_same_stream(), folder)
    except OSError:  # no temporary file, a closed stream: run without recording
        run()
        sys.exit(0)
    sys.addaudithook(_hook(recorder))
    os.stat, os.lstat = recorder.stat, recorder.lstat
    runmemo.file_observer = recorder.read
    try:
        run()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    finally:  # also on any other exception, which then goes on after the output is passed on
        recorder.active = False
        os.stat, os.lstat = _stat, _lstat
        runmemo.file_observer = None
        out, err = capture.finish()
    if code in (0, 1) and not recorder.spawned and len(out) + len(err) <= MAX_OUTPUT:
        _store(folder, entry_key, recorder, began, out, err, code)
    sys.exit(code)


def _store(folder: str, entry_key: str, recorder: _Recorder, began: float, out: bytes, err: bytes, code: int) -> None:
    listed = {path for path, kind, _ in recorder.paths if kind == "list"}
    deps: list[list[Any]] = []
    for (path, kind, follow), seen in recorder.paths.items():
        look = _look(path, kind, follow, began, seen if kind == "stat" else None)
        if look[0] == "?":
            return
        if look[0] == "-" and kind == "stat" and os.path.dirname(path) in listed:
            continue  # the listed folder's mtime changes when the name appears
        if not follow and (path, kind, True) in recorder.paths and not (look[0] == "f" and modes.S_ISLNK(look[5])):
            continue  # lstat of what is not a link says what stat says
        deps.append([path, kind, follow, look])
    head = _encoded({"key": entry_key, "out": len(out), "err": len(err), "code": code, "deps": deps})
    try:
        from kms_infracost.scratch import new_file

        os.makedirs(folder, exist_ok=True)
        handle, temporary = new_file(folder, ".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(head + b"\n")
            stream.write(out)  # not joined: the output can be megabytes
            stream.write(err)
        os.replace(temporary, os.path.join(folder, entry_key))
        _prune(folder)
    except OSError:
        return  # a cache that cannot be written is only slower next time


def _encoded(head: dict[str, Any]) -> bytes:
    """The entry's first line. msgspec writes it (a monorepo run depends on thousands of paths: json's
    encoder took a third of storing the entry); json reads it back, so replaying imports nothing more."""
    try:
        from msgspec.json import encode

        return encode(head)
    except ImportError:  # pragma: no cover - msgspec is a dependency
        pass
    except ValueError:  # a name that is not UTF-8 (surrogate escapes): json writes it with \u escapes
        pass
    return json.dumps(head).encode("utf-8")


def _prune(folder: str) -> None:
    entries = []
    with os.scandir(folder) as listing:
        for item in listing:
            try:
                entries.append((item.stat().st_mtime_ns, item.path))
            except OSError:
                continue
    entries.sort(reverse=True)
    for _, path in entries[KEEP:]:
        try:
            os.unlink(path)
        except OSError:
            pass
