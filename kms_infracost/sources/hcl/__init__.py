"""HCL source: price the .tf files themselves, the way terraform would see them.

Inputs are directories (each a root module) or files (each standing for its directory's root module, as
pre-commit passes them). A directory that another named root calls as a local module is priced through
that caller, not again on its own; a module directory named alone is priced as a root of its own.

Nothing heavy is imported here: a run over files without KMS reads them as text, finds nothing that
could matter, and returns (see scan.py). The parser is imported only when a file has to be parsed and is
not in the parse cache (cache.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from kms_infracost import model, runmemo
from kms_infracost.errors import UserError
from kms_infracost.sources.hcl.values import LimitError

if TYPE_CHECKING:
    from types import ModuleType

    from kms_infracost.sources.hcl.config import Loader
    from kms_infracost.sources.hcl.context import Run
    from kms_infracost.sources.hcl.inputs import Root
    from kms_infracost.sources.hcl.instance import ModuleInstance
    from kms_infracost.sources.hcl.scan import SourceFile
    from kms_infracost.sources.interface import ResourceRecord


#: the modules load_hcl works with, imported by its first call (importing this package stays light: the
#: hook's no-KMS commits are answered by scan.py's text scan without them) and kept for the next calls:
#: an import statement run again still costs microseconds, and a monorepo run loads hundreds of roots
_modules: tuple[ModuleType, ...] | None = None


def _machinery() -> tuple[ModuleType, ...]:
    global _modules
    if _modules is None:
        from kms_infracost import cachedir
        from kms_infracost.sources import normalize
        from kms_infracost.sources.hcl import cache, config, context, inputs, instance
        from kms_infracost.sources.hcl import records as collect

        _modules = (cachedir, cache, config, context, inputs, instance, collect, normalize)
    return _modules


def load_hcl(
    paths: list[str],
    *,
    default_region: str | None = None,
    variables: list[str] | None = None,
    var_files: list[str] | None = None,
    use_cache: bool = True,
    env: Mapping[str, str] | None = None,
    blocks_seen: list[tuple[str, int | None, str, int]] | None = None,
    unknown_values: str = "default",
    read: Mapping[str, list[SourceFile]] | None = None,
) -> model.Inventory:
    """The KMS resources of the root modules the paths name, as Terraform would plan them.

    blocks_seen, when given, receives (file, line, address, instances) for every KMS resource block the
    evaluation read, so a survey can tell "found, with no instances" from "not found".
    read, when given, holds folders whose files this run has read already (the search for root modules),
    by normcase'd absolute folder: they are not read again.

    One call is one run (runmemo.scope): what it works out once a run (a file's pieces, a block's parse,
    a folder's listing) is kept for the call, or for the run that called it.
    """
    with runmemo.scope():
        return _load(paths, default_region, variables, var_files, use_cache, env, blocks_seen, unknown_values, read)


def _load(
    paths: list[str],
    default_region: str | None,
    variables: list[str] | None,
    var_files: list[str] | None,
    use_cache: bool,
    env: Mapping[str, str] | None,
    blocks_seen: list[tuple[str, int | None, str, int]] | None,
    unknown_values: str,
    read: Mapping[str, list[SourceFile]] | None,
) -> model.Inventory:
    cachedir, cache, config, context, inputs, instance, collect, normalize = _machinery()
    environ = os.environ if env is None else env
    if not paths:
        raise UserError("no paths given; name a directory or .tf files")
    loader = config.Loader(cache.ParseCache((lambda: cachedir.cache_dir(environ)) if use_cache else None), read)
    roots = inputs.group_roots(list(paths))
    warnings: list[model.Warning] = []
    roots = _drop_called_modules(roots, loader)
    records: list[ResourceRecord] = []
    assumptions: dict[tuple[str, str], list[str]] = {}
    try:
        current = ""
        for root in roots:
            current = root.dir
            if not loader.sources(root.dir):
                if root.explicit:  # a .tfvars file in a folder of its own names no root: nothing to say
                    warnings.append(
                        model.Warning("KI209", "no Terraform files (.tf, .tf.json, .tofu) here; nothing to price", file=root.dir)
                    )
                continue
            run = context.Run(loader, root.dir, {}, environ)
            run.unknown_values = unknown_values
            if not loader.relevant(root.dir, run.module_dir):
                warnings.extend(_uninstalled(run, root.dir, ()))
                continue
            run.inputs = inputs.root_inputs(root, list(var_files or ()), list(variables or ()), environ, loader.cache)
            top = instance.ModuleInstance(run, loader.load(root.dir), "", ())
            collector = collect.Collector(blocks_seen)
            try:
                collector.walk(top)
            except RecursionError:
                raise UserError("the configuration nests modules or expressions too deeply to evaluate", root.dir) from None
            except LimitError as exc:
                raise UserError(f"{exc}; kms-infracost refuses sizes this large", root.dir) from None
            if len(roots) > 1:  # addresses repeat across roots: keep them apart
                for record in collector.records:
                    record.root = root.dir
            records.extend(collector.records)
            assumptions.update({(root.dir if len(roots) > 1 else "", a): t for a, t in collector.assumptions.items()})
            warnings.extend(run.warnings)
            _check_undeclared(top, variables or (), warnings)
    except RecursionError:
        raise UserError(
            "nests expressions or modules too deeply to read; simplify or split it", current
        ) from None
    finally:
        loader.flush()
    if not records:  # nothing to normalise
        return model.Inventory(warnings=warnings, origin=", ".join(r.dir for r in roots))
    inventory: model.Inventory = normalize.build_inventory(
        records,
        default_region=default_region,
        env=environ,
        origin=", ".join(r.dir for r in roots),
        unknown_values=unknown_values,
    )
    for resource in inventory.resources:
        resource.assumptions.extend(assumptions.get(resource.uid, ()))
    inventory.warnings[:0] = warnings
    return inventory


def _drop_called_modules(roots: list[Root], loader: Loader) -> list[Root]:
    """Roots that another named root calls as a local module are priced through their caller."""
    typed = roots
    if len(typed) < 2:
        return typed
    from kms_infracost.sources.hcl.config import dir_key, is_local_source

    keys = {dir_key(r.dir): r for r in typed}
    called: set[str] = set()

    def visit(directory: str, seen: set[str]) -> None:
        for source in loader.sources(directory):
            for _, src in source.module_calls:
                if src and is_local_source(src):
                    target = dir_key(os.path.join(directory or ".", src))
                    if target not in seen and os.path.isdir(target):
                        seen.add(target)
                        called.add(target)
                        visit(target, seen)

    for key, root in keys.items():
        visit(root.dir, {key})
    kept = [r for k, r in keys.items() if k not in called]
    return kept or typed


def _uninstalled(run: Run, directory: str, key_path: tuple[str, ...]) -> list[model.Warning]:
    """Module calls that cannot be read because `terraform init` has not installed them (text only)."""
    from kms_infracost.sources.hcl.config import is_local_source
    from kms_infracost.sources.hcl.context import not_installed

    out: list[model.Warning] = []
    if len(key_path) > 16:
        return out
    for source in run.loader.sources(directory):
        for name, src in source.module_calls:
            path = (*key_path, name)
            target = run.module_dir(directory, path, src)
            if target is None and src and not is_local_source(src):
                static = ".".join(f"module.{n}" for n in path)
                out.append(model.Warning("KI201", not_installed(src), static, source.path))
            elif target is not None:
                out.extend(_uninstalled(run, target, path))
    return out


def _check_undeclared(instance: ModuleInstance, variables: Iterable[str], warnings: list[model.Warning]) -> None:
    for item in variables:
        name = str(item).partition("=")[0].strip()
        if name and name not in instance.config.variables:
            from kms_infracost.errors import closest

            best = closest(name, list(instance.config.variables))
            hint = f" (did you mean {best}?)" if best else ""
            warnings.append(
                model.Warning("KI208", f"--var {name} is not declared by this root module{hint}; ignored", file=instance.config.dir)
            )
