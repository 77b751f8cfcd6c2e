"""One estimate run: sources -> usage -> pricing -> policy -> report, as the CLI commands share it."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kms_infracost import model
from kms_infracost.errors import UserError
from kms_infracost.sources import HCL_SUFFIXES, nothing_found
from kms_infracost.warning_codes import group as group_warnings
from kms_infracost.warning_codes import without

if TYPE_CHECKING:
    from kms_infracost.config import Config


@dataclass
class RunOptions:
    """What one run was asked to do: the command line's options, owned here so the faces (cli, entry)
    import the run stage and never the other way round."""

    paths: tuple[str, ...]
    formats: tuple[str, ...] = ()
    out_files: tuple[str, ...] = ()
    usage_file: str | None = None
    config_file: str | None = None
    price_book: str | None = None
    default_region: str | None = None
    days_per_month: int | None = None
    max_total: Decimal | None = None
    max_per_key: Decimal | None = None
    max_projected_total: Decimal | None = None
    max_increase: Decimal | None = None
    max_increase_percent: Decimal | None = None
    base_plan: str | None = None
    base_ref: str | None = None
    horizon_months: int | None = None
    variables: tuple[str, ...] = ()
    var_files: tuple[str, ...] = ()
    no_cache: bool = False
    config_dir: str | None = None
    soft_fail: bool = False
    strict: bool = False
    no_color: bool = False
    quiet: bool = False
    verbose: bool = False
    ignore_warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _plan_like(path: str) -> bool:
    """Plan files by name first (no stat), then anything that is not a directory."""
    if path == "-":
        return True
    if path.endswith(HCL_SUFFIXES):
        return False
    if path.endswith(".json"):
        return True
    return not os.path.isdir(path)


def _merge(inventory: model.Inventory, found: model.Inventory) -> None:
    inventory.resources.extend(found.resources)
    inventory.warnings.extend(found.warnings)
    inventory.origin = ", ".join(x for x in (inventory.origin, found.origin) if x)


def load_inventory(options: RunOptions, config: Config) -> model.Inventory:
    """Plan files go to the plan source; directories and .tf/.tfvars/.hcl files to the HCL source."""
    inventory = model.Inventory()
    hcl_paths: list[str] = []
    for path in options.paths or (".",):
        if path != "-" and not os.path.lexists(path):
            raise UserError("no such file or directory", path)
        if _plan_like(path):
            from kms_infracost.sources.plan import load_plan

            _merge(inventory, load_plan(path, default_region=config.default_region, config_dir=options.config_dir))
        else:
            hcl_paths.append(path)
    if hcl_paths:
        from kms_infracost.sources.hcl import load_hcl

        _merge(
            inventory,
            load_hcl(
                hcl_paths,
                default_region=config.default_region,
                variables=list(options.variables),
                var_files=list(options.var_files),
                use_cache=not options.no_cache,
            ),
        )
    return inventory


def _priced(inventory: model.Inventory, config: Config, usage_file: Any, books: tuple[Any, Any]) -> tuple[Any, Any]:
    """Estimate of one inventory with its annotations and the shared usage file."""
    from kms_infracost.pricing.engine import estimate
    from kms_infracost.usage.annotations import collect_annotations
    from kms_infracost.usage.resolve import UsageResolver

    annotations = collect_annotations(inventory.resources)
    result = estimate(
        inventory,
        books[0],
        instance_book=books[1],
        days_per_month=config.days_per_month,
        usage=UsageResolver(usage_file, annotations),
        horizon_months=config.horizon_months,
    )
    return result, annotations


def _base_inventory(options: RunOptions, config: Config) -> tuple[model.Inventory, str] | None:
    if options.base_plan and options.base_ref:
        raise UserError("give --base-plan or --base-ref, not both")
    if options.base_plan:
        from kms_infracost.sources.plan import load_plan

        if not os.path.exists(options.base_plan):
            raise UserError("base plan not found", options.base_plan)
        return load_plan(options.base_plan, default_region=config.default_region), f"plan {options.base_plan}"
    if options.base_ref:
        from kms_infracost.sources.gitref import inventory_at_ref

        return inventory_at_ref(options, config, load_inventory), f"git ref {options.base_ref}"
    return None


def run(options: RunOptions, *, mode: str) -> int:
    """mode: "check" (all policy), "breakdown" (none), "diff" (policy on the change)."""
    from kms_infracost.config import load_config

    enforce = mode != "breakdown"
    config = load_config(options.config_file, Path.cwd())
    if options.price_book:
        config.price_book = options.price_book
    if options.default_region:
        config.default_region = options.default_region
    if options.days_per_month:
        config.days_per_month = options.days_per_month
    if options.usage_file:
        config.usage_file = options.usage_file
    for flag, name in (
        (options.max_total, "monthly_total"),
        (options.max_per_key, "monthly_per_key"),
        (options.max_projected_total, "projected_monthly_total"),
        (options.max_increase, "monthly_increase"),
        (options.max_increase_percent, "monthly_increase_percent"),
    ):
        if flag is not None:
            config.thresholds[name] = flag
    if options.horizon_months:
        config.horizon_months = options.horizon_months
    if len(options.out_files) > max(len(options.formats), 1):
        raise UserError("more --out-file than --format options; give one --format per --out-file")

    for target in options.out_files:  # fail before any work when a report could not be written
        if target != "-" and not Path(target).resolve().parent.is_dir():
            raise UserError("cannot write: its folder does not exist", target)
    inventory = load_inventory(options, config)
    base = _base_inventory(options, config)
    if not inventory.resources and base is None and options.formats in ((), ("table",)) and not options.out_files:
        # the common pre-commit case: nothing to price, so nothing more to import
        show_warnings(group_warnings(without(inventory.warnings, ignored_warnings(options, config))), options)
        print(nothing_found(len(options.paths or (".",))))
        return 0

    from kms_infracost.document import estimate_document
    from kms_infracost.policy.thresholds import check_increase, check_instance_capacity, check_thresholds
    from kms_infracost.policy.violation import Violation
    from kms_infracost.pricing.book import select_books
    from kms_infracost.report import renderer

    books = select_books(config.price_book)
    if mode == "diff" and base is None and not any(r.before is not None or r.action != model.CREATE for r in inventory.resources):
        print(
            "kms-infracost: note: no --base-plan or --base-ref and the plan changes no existing resource: "
            "everything is new",
            file=sys.stderr,
        )

    usage_file = None
    usage_warnings: list[model.Warning] = []
    if config.usage_file:
        from kms_infracost.usage.usagefile import load_usage_file

        usage_file = load_usage_file(config.usage_file)
        usage_file.check_addresses(inventory.resources)
        usage_warnings = usage_file.warnings

    result, annotations = _priced(inventory, config, usage_file, books)
    if base is not None:
        from kms_infracost.pricing.diff import compare

        base_result, _ = _priced(base[0], config, usage_file, books)
        result = compare(result, base_result, base[1])
    result.warnings = without(usage_warnings + result.warnings, ignored_warnings(options, config))
    document = estimate_document(result)

    violations: list[Violation] = []
    if enforce:
        if mode == "check":
            violations.extend(check_thresholds(result, config.thresholds))
            violations.extend(check_instance_capacity(result))
        violations.extend(check_increase(result, config.thresholds))
        if config.rules:
            from kms_infracost.policy.rules import evaluate_rules

            violations.extend(evaluate_rules(config.rules, document))
        if options.strict:
            for priced in result.resources:
                stated = [("strict-assumption", t) for t in [*priced.resource.assumptions, *priced.assumptions]]
                for rule, text in [*stated, *(("strict-unpriced", t) for t in priced.unpriced)]:
                    violations.append(
                        Violation(rule=rule, address=priced.resource.address,
                                  message=f"{priced.resource.address}: {text} (--strict)",
                                  file=priced.resource.file, line=priced.resource.line)
                    )
    # totals have no resource: point them at the config that set the limit, else the first input,
    # so every format (SARIF, GitHub annotations) has a place to show them
    anchor = config.path or next((p for p in options.paths if p != "-" and os.path.isfile(p)), None)
    for violation in violations:
        if violation.file is None and violation.address is None and anchor:
            violation.file = os.path.relpath(anchor) if not os.path.relpath(anchor).startswith("..") else anchor
    skips = {(a.file, address): a.skips for (_, address), a in annotations.items() if a.skips}
    apply_skips(violations, skips)
    document["violations"] = [
        {
            "rule": v.rule,
            "address": v.address,
            "message": v.message,
            "actual": v.actual,
            "limit": v.limit,
            "severity": v.severity,
            "skipped": v.skipped,
            "skip_reason": v.skip_reason,
            "file": v.file,
            "line": v.line,
        }
        for v in violations
    ]

    formats = options.formats or ("table",)
    outputs: list[tuple[str | None, str]] = []
    for index, name in enumerate(formats):
        text = renderer(name)(document, options.verbose)
        given = options.out_files[index] if index < len(options.out_files) else "-"
        outputs.append((None if given == "-" else given, text))

    show_warnings(document["warnings"], options)
    for destination, text in outputs:  # everything rendered before anything is written
        if destination is None:
            sys.stdout.write(text)
        else:
            write_atomically(Path(destination), text)
    failed = [v for v in violations if v.fails or (options.strict and not v.skipped)]
    if failed and enforce and not options.soft_fail:
        return 1
    return 0


def ignored_warnings(options: RunOptions, config: Config) -> set[str]:
    from kms_infracost.config import warning_code

    return {*config.ignore_warnings, *(warning_code(given) for given in options.ignore_warnings)}


def show_warnings(entries: list[dict[str, Any]], options: RunOptions) -> None:
    """One line per kind of warning on stderr (every place under it with -v); nothing with -q."""
    if options.quiet:
        return
    from kms_infracost.warning_codes import lines

    for text in lines(entries, options.verbose):
        print(text, file=sys.stderr)


def usage_init(options: RunOptions) -> None:
    from kms_infracost.config import load_config
    from kms_infracost.usage.init import sync_usage_text

    config = load_config(options.config_file, Path.cwd())
    target = Path(options.usage_file or config.usage_file or "kms-infracost-usage.yml")
    inventory = load_inventory(options, config)
    existing = None
    if target.exists():
        try:
            existing = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read usage file: {exc}", str(target)) from None
    result = sync_usage_text(existing, inventory.resources, str(target))
    if result.text != existing:
        write_atomically(target, result.text)
    if result.added:
        print(f"{target}: added {len(result.added)} entr{'y' if len(result.added) == 1 else 'ies'}: " + ", ".join(result.added))
    else:
        print(f"{target}: up to date ({len(inventory.resources)} resources found)")


def apply_skips(violations: list, skips: dict) -> None:  # type: ignore[type-arg]
    """A `skip=<id> reason="…"` annotation on a resource marks that resource's violation skipped, visibly."""
    for violation in violations:
        for skip in skips.get((violation.file, violation.address or ""), []):
            if skip.rule == violation.rule:
                violation.skipped = True
                violation.skip_reason = skip.reason


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename over it: an interrupted run leaves the old file whole."""
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError("cannot write: its folder does not exist", str(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", str(path)) from None
    done = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        done = True
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", str(path)) from None
    finally:  # interrupted or failed: the old file stays whole and no temporary file is left behind
        if not done:
            try:
                os.unlink(tmp)
            except OSError:
                pass
