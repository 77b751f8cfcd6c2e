"""Projects: the Terraform root modules one run prices, each with its own settings.

A directory on the command line is searched for root modules the way `infracost breakdown --path .` and
`tflint --recursive` do: every folder holding configuration files is a candidate, except `.terraform/`,
hidden folders, excluded ones, and folders that another candidate calls as a local module (those are
priced through their caller). A file (what pre-commit passes) selects the projects that contain it: its
own folder when that is a root, else the roots that call its folder as a module. A config may list the
projects instead (`[[tool.kms-infracost.projects]]`), which turns discovery off.

A project's name is its folder relative to the working directory with `/` (`live/prod`, `.` for the
working directory itself); the base side of a diff uses the same names.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from kms_infracost.errors import UserError
from kms_infracost.records import field, record
from kms_infracost.runmemo import abspath, git_root, listing, relative
from kms_infracost.runmemo import entry as listed_entry
from kms_infracost.sources import HCL_SUFFIXES
from kms_infracost.sources.hcl import scan

if TYPE_CHECKING:
    from kms_infracost.config import ProjectEntry

#: the usage file a project reads when nothing names one and it exists in the project's folder
DEFAULT_USAGE_FILE = "kms-infracost-usage.yml"
TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")


@record
class Project:
    name: str
    #: the folder to read (HCL), or the plan file
    path: str
    kind: str = "hcl"
    #: .tfvars files named on the command line inside this root, and var files / vars the config lists
    var_files: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    entry: ProjectEntry | None = None
    #: the usage file `usage init` writes (and `check` reads when it exists)
    usage_target: str | None = None


def project_name(directory: str, cwd: Path) -> str:
    name = relative(directory, cwd)
    if name == "." or os.sep == "/":
        return name
    return PurePosixPath(*Path(name).parts).as_posix()


def repository_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.git` (a folder, or a file in a worktree).

    Inside a run each folder is asked once (runmemo.git_root): a run asks for hundreds of projects."""
    found = git_root(str(start))
    return Path(found) if found is not None else None


def _has_config(directory: str) -> bool:
    try:
        for name, is_file, _, _ in listing(directory):
            if scan.is_config_file(name) and is_file is not False:
                return bool(is_file)  # None: asking raised (a link to itself), which says no, as it did
    except OSError:
        pass
    return False


def _walk(top: str) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(top) (top down, links to folders not followed, unreadable folders left out), from the run's
    listings: the folders it lists are the ones the config lookup, the root marks and the loader list again."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            entries = listing(folder)
        except OSError:
            continue
        dirs = [name for name, _, is_dir, _ in entries if is_dir]
        files = [name for name, _, is_dir, _ in entries if not is_dir]
        yield folder, dirs, files
        links = {name for name, _, is_dir, is_link in entries if is_dir and is_link}
        stack.extend(os.path.join(folder, name) for name in reversed(dirs) if name not in links)


def _excluded(path: str, cwd: Path, excludes: tuple[str, ...]) -> bool:
    if not excludes:
        return False
    parts = project_name(path, cwd).split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]  # a folder excluded, its subtree too
    return any(fnmatch.fnmatchcase(name, glob.rstrip("/")) for glob in excludes for name in prefixes)


class Survey:
    """Folders with configuration files under some directories, and which of them call which."""

    def __init__(self, cwd: Path, excludes: tuple[str, ...]) -> None:
        self.cwd, self.excludes = cwd, excludes
        #: absolute folder -> absolute folders it calls as local modules
        self.calls: dict[str, set[str]] = {}
        #: files that mention alicloud_kms, by folder (to say when nothing priced them)
        self.kms_files: list[str] = []
        self.skipped_everything = False
        #: excluded folders are not projects, but the modules they call are still only modules
        self.excluded: list[str] = []
        #: the files of each folder read whole (normcase'd absolute folder -> files), for the HCL source
        #: to use instead of reading them again
        self.read: dict[str, list[scan.SourceFile]] = {}
        self._reach: dict[str, set[str]] = {}

    def walk(self, top: str) -> list[str]:
        """Candidate folders under `top` (itself included), in a stable order."""
        found: list[str] = []
        top_abs = abspath(top)
        seen_any = False
        for folder, dirs, files in _walk(top_abs):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            names = [n for n in files if scan.is_config_file(n)]
            if not names:
                continue
            seen_any = True
            if _excluded(folder, self.cwd, self.excludes):
                self._read(folder)
                self.excluded.append(folder)
                continue
            self._read(folder)
            found.append(folder)
        if seen_any and not found:
            self.skipped_everything = True
        return found

    def _read(self, folder: str) -> None:
        if folder in self.calls:
            return
        calls: set[str] = set()
        whole: list[scan.SourceFile] | None = []
        for path in scan.config_files(folder):
            try:
                source = scan.read_source(path)
            except UserError:
                whole = None
                continue  # the source reports it when the folder is read for real
            if whole is not None:
                whole.append(source)
            if source.mentions_kms:
                self.kms_files.append(path)
            for _, src in source.module_calls:
                if src and scan_local(src):
                    target = os.path.normpath(os.path.join(folder, src))
                    if target != folder:
                        calls.add(target)
        self.calls[folder] = calls
        if whole is not None:
            self.read[os.path.normcase(folder)] = whole

    def called(self, among: list[str]) -> set[str]:
        """Folders some folder of `among` calls, directly or through other modules."""
        out: set[str] = set()
        stack = [t for f in among for t in self.calls.get(f, ())]
        while stack:
            target = stack.pop()
            if target in out:
                continue
            out.add(target)
            if target not in self.calls and os.path.isdir(target):
                self._read(target)
            stack.extend(self.calls.get(target, ()))
        return out

    def roots(self, candidates: list[str]) -> list[str]:
        called = self.called([*candidates, *self.excluded])
        return [c for c in candidates if c not in called]

    def callers(self, roots: list[str]) -> dict[str, list[str]]:
        """Each folder some of `roots` call -> those roots, in their order (one pass, not one per file)."""
        index: dict[str, list[str]] = {}
        for root in roots:
            for module in self.reach(root):
                index.setdefault(module, []).append(root)
        return index

    def reach(self, root: str) -> set[str]:
        """Folders one root calls, worked out once per run (a hook names every file of many modules)."""
        found = self._reach.get(root)
        if found is None:
            found = self._reach[root] = self.called([root])
        return found


def scan_local(source: str) -> bool:
    from kms_infracost.sources.hcl.config import is_local_source

    return is_local_source(source)


def _plan_like(path: str) -> bool:
    """Plan files by name first (no stat), then anything that is not a directory."""
    if path == "-":
        return True
    if path.endswith(HCL_SUFFIXES):
        return False
    if path.endswith(".json"):
        return True
    return not os.path.isdir(path)


def _under_terraform(path: str) -> bool:
    return ".terraform" in path.split(os.sep)  # asked once per file a hook names: no Path objects


def select_projects(
    paths: tuple[str, ...],
    cwd: Path,
    excludes: tuple[str, ...] = (),
    entries: list[ProjectEntry] | None = None,
    config_dir: str | None = None,
) -> tuple[list[Project], Survey]:
    """The projects the command line names, in the order first named, each once."""
    survey = Survey(cwd, excludes)
    given = paths or (".",)
    #: each named path stat'ed once: whether it is a folder (a hook names thousands of files)
    folders: dict[str, bool] = {}
    for path in given:
        if path == "-" or path in folders:
            continue
        known = listed_entry(path)  # from the folder's listing, which the run makes anyway: no stat
        if known is not None:
            folders[path] = bool(known[2])
            continue
        try:
            folders[path] = stat.S_ISDIR(os.stat(path).st_mode)
        except (OSError, ValueError):
            if not os.path.lexists(path):  # a link to nothing is there, and fails when read
                raise UserError("no such file or directory", path) from None
            folders[path] = False
    if entries:
        return _from_entries(given, cwd, entries, survey), survey
    projects: dict[str, Project] = {}

    def add(folder: str, var_file: str | None = None) -> None:
        key = abspath(folder)
        project = projects.get(key)
        if project is None:
            project = projects[key] = Project(project_name(folder, cwd), _shown(folder, cwd))
        if var_file and var_file not in project.var_files:
            project.var_files.append(var_file)

    context: list[str] | None = None
    callers: dict[str, list[str]] | None = None

    def selected_by(folder: str) -> list[tuple[str, bool]]:
        """The project folders a file in `folder` selects, each with whether it is that folder itself."""
        nonlocal context, callers
        if _under_terraform(folder) or not _has_config(folder) or not _inside(folder, cwd) or _marked_root(folder):
            return [(_shown(folder, cwd), True)]
        if context is None:
            context = survey.roots(survey.walk(str(cwd)))
        if callers is None:
            callers = survey.callers(context)
            callers.update((root, [root]) for root in context)  # a root is its own project
        return [(caller, caller == folder) for caller in callers.get(folder) or [folder]]

    #: a file's folder -> what it selects, decided once per folder (a hook names every file of a folder)
    decided: dict[str, list[tuple[str, bool]]] = {}
    for path in given:
        if _plan_like(path):
            name = "-" if path == "-" else path
            named = project_name(config_dir, cwd) if config_dir else _plan_project_name(path, cwd)
            projects.setdefault(f"plan:{name}", Project(named, path, kind="plan"))
            continue
        if folders[path]:
            if _under_terraform(abspath(path)):
                add(path)  # named explicitly: read as it is (a module under .terraform, an empty folder)
                continue
            candidates = survey.walk(path)
            if not candidates and survey.skipped_everything:
                raise UserError("--exclude-path removes every Terraform folder under it; nothing left to price", path)
            for root in survey.roots(candidates):
                add(root)
            if not candidates and not _has_config(path):
                add(path)  # says "no Terraform files here" when read
            continue
        folder = os.path.dirname(abspath(path))
        var_file = path if path.endswith(TFVARS_SUFFIXES) and not _auto_loaded(path) else None
        targets = decided.get(folder)
        if targets is None:
            targets = decided[folder] = selected_by(folder)
        for target, own in targets:
            add(target, var_file if own else None)
    if not projects and excludes:
        raise UserError("--exclude-path removes every project; nothing left to price")
    return list(projects.values()), survey


#: what only a root module has: terraform init's lock file and working folder, auto-loaded variable files
_ROOT_MARKS = (".terraform.lock.hcl", ".terraform", "terraform.tfvars", "terraform.tfvars.json")


def _marked_root(folder: str) -> bool:
    """A folder terraform has been run in (or that sets root variables) is a root: no need to read the
    whole repository for callers of it, which keeps the hook fast in large monorepos."""
    try:
        names = {name for name, _, _, _ in listing(folder)}  # one look at the folder, not one per mark
    except OSError:
        names = set(_ROOT_MARKS)
    return any(os.path.exists(os.path.join(folder, mark)) for mark in _ROOT_MARKS if mark in names)


def _auto_loaded(path: str) -> bool:
    name = os.path.basename(path)
    return name in ("terraform.tfvars", "terraform.tfvars.json") or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def _inside(folder: str, cwd: Path) -> bool:
    return not relative(folder, cwd).startswith("..")


def _shown(folder: str, cwd: Path) -> str:
    """A folder as reports show it: relative to the working directory when below it."""
    name = relative(folder, cwd)
    return name if not name.startswith("..") else abspath(folder)


def _plan_project_name(path: str, cwd: Path) -> str:
    """A plan is one project named after its configuration folder: beside the plan when it holds .tf files."""
    if path == "-":
        return "."
    folder = Path(path).resolve().parent
    if any(folder.glob("*.tf")) or any(folder.glob("*.tofu")):
        return project_name(str(folder), cwd)
    return "."


def _from_entries(given: tuple[str, ...], cwd: Path, entries: list[ProjectEntry], survey: Survey) -> list[Project]:
    """Explicit projects from the config; paths on the command line select among them."""
    chosen: list[Project] = []
    explicit_paths = [p for p in given if p != "."] if given != (".",) else []
    for entry in entries:
        folder = os.path.abspath(entry.path)
        if explicit_paths and not any(_selects(p, folder, survey) for p in explicit_paths):
            continue
        project = Project(project_name(folder, cwd), _shown(folder, cwd), entry=entry)
        project.var_files.extend(entry.var_files)
        project.variables.extend(entry.variables)
        chosen.append(project)
    for path in explicit_paths:
        if _plan_like(path):
            raise UserError("the config lists projects; plan files are read without it (give --config /dev/null)", path)
    return chosen


def _selects(path: str, folder: str, survey: Survey) -> bool:
    """A directory selects the projects below it; a file the project it is in or whose modules it is in."""
    target = os.path.abspath(path)
    if os.path.isdir(target):
        return folder == target or folder.startswith(target.rstrip(os.sep) + os.sep)
    home = os.path.dirname(target)
    if home == folder:
        return True
    survey._read(folder)
    return home in survey.called([folder])
