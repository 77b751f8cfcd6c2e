"""What the command line names, turned into root modules, and each root's variable values.

Terraform's precedence for root variables, lowest first: `TF_VAR_name` in the environment,
`terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars` / `*.auto.tfvars.json` in lexical order,
then `-var-file` and `-var` in command-line order. The command line here keeps var files and vars apart,
so var files (and .tfvars files given as paths) come before every --var.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from typing import Any

from kms_infracost.errors import UserError
from kms_infracost.runmemo import entry as listed_entry
from kms_infracost.runmemo import listing, table
from kms_infracost.sources.hcl import scan
from kms_infracost.sources.hcl.cache import ParseCache
from kms_infracost.sources.hcl.config import dir_key
from kms_infracost.sources.hcl.context import RawString, RootValue

TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
AUTO_LOADED = ("terraform.tfvars", "terraform.tfvars.json")


class Root:
    """A root module directory as the user named it, with .tfvars files they named inside it."""

    __slots__ = ("dir", "explicit", "var_files")

    def __init__(self, directory: str) -> None:
        self.dir = directory
        self.var_files: list[str] = []
        #: named explicitly as a directory (an empty one is worth a warning) rather than through a file
        self.explicit = False


def _is_auto(name: str) -> bool:
    return name in AUTO_LOADED or name.endswith((".auto.tfvars", ".auto.tfvars.json"))


def group_roots(paths: list[str]) -> list[Root]:
    """Directories and files to root modules, each once, in the order first named.

    A file stands for its directory's root module (pre-commit passes changed files one by one);
    a .tfvars file that Terraform does not load by itself is applied to its root like --var-file.
    A path named here is priced even inside `.terraform/` (an installed module you want priced): only a
    search for projects skips `.terraform/`.
    """
    roots: dict[str, Root] = {}
    for path in paths:
        known = listed_entry(path)  # the folder's listing, which the run made: no stat
        try:
            is_dir = known[2] if known is not None and known[2] is not None else stat.S_ISDIR(os.stat(path).st_mode)
        except FileNotFoundError:
            raise UserError("no such file or directory", path) from None
        except OSError as exc:
            raise UserError(f"cannot read: {exc.strerror}", path) from None
        if is_dir:
            directory, name = os.path.normpath(path), None
        else:
            directory, name = os.path.normpath(os.path.dirname(path) or "."), os.path.basename(path)
        key = dir_key(directory)
        root = roots.setdefault(key, Root(directory))
        if name is None:
            root.explicit = True
        elif name.endswith(TFVARS_SUFFIXES) and not _is_auto(name):
            var_file = scan.join(directory, name)
            if var_file not in root.var_files:
                root.var_files.append(var_file)
    return list(roots.values())


def read_tfvars(path: str, cache: ParseCache | None = None) -> list[tuple[str, Any, int | None]]:
    """(name, value, line) of each assignment in a .tfvars / .tfvars.json file."""
    source = scan.read_source(path)
    if path.endswith(".json"):
        import json

        try:
            doc = json.loads(source.text)
        except json.JSONDecodeError as exc:
            raise UserError(f"JSON syntax error at column {exc.colno}: {exc.msg}", path, exc.lineno) from None
        if not isinstance(doc, dict):
            raise UserError("a .tfvars.json file must hold a JSON object", path, 1)
        from kms_infracost.sources.hcl.functions import f_jsondecode

        return [(name, f_jsondecode(json.dumps(value)), None) for name, value in doc.items()]
    from kms_infracost.sources.hcl.evaluate import Evaluator
    from kms_infracost.sources.hcl.values import Unknown

    def parse_file(text: str, name: str) -> Any:
        from kms_infracost.sources.hcl.syntax import parse_file as parse

        return parse(text, name)

    attrs = cache.get(path, source.size, source.stamp) if cache else None
    if not isinstance(attrs, dict):
        attrs = parse_file(source.text, path)["a"]
        if cache:
            cache.put(path, source.size, source.stamp, attrs)
    out = []
    for name, (node, line) in attrs.items():
        value = Evaluator(None).safe(node)
        if isinstance(value, Unknown):
            raise UserError(f"the value of {name} cannot be evaluated: {value.reason}", path, line)
        out.append((name, value, line))
    return out


def _tf_var_names(env: Mapping[str, str]) -> list[str]:
    """The environment's TF_VAR_ names in order. os.environ's are looked for once a run: going through it
    decodes every name, and a monorepo run has hundreds of roots."""
    if env is not os.environ:
        return sorted(k for k in env if k.startswith("TF_VAR_") and len(k) > len("TF_VAR_"))
    known = table("tf_var_names")
    found = known.get("")
    if found is None:
        found = known[""] = sorted(k for k in env if k.startswith("TF_VAR_") and len(k) > len("TF_VAR_"))
    return found


def root_inputs(
    root: Root,
    var_files: list[str],
    variables: list[str],
    env: Mapping[str, str],
    cache: ParseCache | None = None,
) -> dict[str, RootValue | RawString]:
    inputs: dict[str, RootValue | RawString] = {}
    for key in _tf_var_names(env):
        inputs[key[len("TF_VAR_"):]] = RawString(env[key], f"environment {key}")
    files: list[str] = []
    try:
        names = sorted(name for name, _, _, _ in listing(root.dir))
        present = set(names)
    except OSError:
        names = []
        present = set(AUTO_LOADED)  # not listable: ask for each by name
    for name in AUTO_LOADED:
        path = scan.join(root.dir, name)
        if name in present and os.path.isfile(path):  # the listing first: no stat of a file that is not there
            files.append(path)
    files.extend(
        scan.join(root.dir, n) for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json"))
    )
    files.extend(root.var_files)
    for path in var_files:
        if not os.path.isfile(path):
            raise UserError("no such file (given with --var-file)", path)
        files.append(path)
    for path in files:
        for name, value, line in read_tfvars(path, cache):
            inputs[name] = RootValue(value, path, path, line)
    for item in variables:
        name, sep, text = item.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--var {item!r} must be NAME=VALUE")
        inputs[name.strip()] = RawString(text, f"--var {name.strip()}")
    return inputs
