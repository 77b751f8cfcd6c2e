"""One estimate run: sources -> usage -> pricing -> policy -> report, as the CLI commands share it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

# What every project of a run goes through is imported here, once: an import statement inside a function
# still costs a few microseconds each time it runs, and a monorepo run prices hundreds of projects.
# The sources (plan, HCL) and what only some runs need stay imported where they are used.
from kms_infracost import model, records
from kms_infracost.config import ConfigLookup, warning_code
from kms_infracost.document import estimate_document
from kms_infracost.errors import UserError
from kms_infracost.policy.thresholds import check_increase, check_instance_capacity, check_thresholds
from kms_infracost.policy.violation import Violation
from kms_infracost.pricing.book import select_books
from kms_infracost.pricing.engine import estimate
from kms_infracost.projects import DEFAULT_USAGE_FILE, Project
from kms_infracost.records import field, record
from kms_infracost.runmemo import absent, realpath, relative
from kms_infracost.runmemo import cwd as working_directory
from kms_infracost.runmemo import entry as listed_entry
from kms_infracost.sources import nothing_found, other_providers
from kms_infracost.sources.hcl import load_hcl, scan
from kms_infracost.usage.annotations import collect_annotations
from kms_infracost.usage.resolve import UsageResolver
from kms_infracost.warning_codes import group as group_warnings
from kms_infracost.warning_codes import without

if TYPE_CHECKING:
    from kms_infracost.config import Config


@record
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
    exclude_paths: tuple[str, ...] = ()
    no_cache: bool = False
    config_dir: str | None = None
    soft_fail: bool = False
    strict: bool = False
    no_color: bool = False
    quiet: bool = False
    verbose: bool = False
    ignore_warnings: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _apply_flags(config: Config, options: RunOptions) -> Config:
    """Command-line flags win over every config."""
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
    return config


def project_settings(project: Project, run_config: Config, options: RunOptions, cwd: Path,
                     lookup: ConfigLookup | None = None) -> Config:
    """The nearest config walking up from the project (not above the repository), else the working
    directory's; then the project's own entry in a projects list; then the flags.

    `lookup` shares the folders looked at and the configs parsed between the projects of one run."""
    config = run_config
    folder = Path(realpath(project.path)) if project.kind == "hcl" else None
    if folder is not None and not options.config_file:
        lookup = lookup or ConfigLookup()
        found = lookup.nearest(folder)
        if found is not None and str(found[0]) != run_config.path:
            config = lookup.parsed(found)
    # a copy whose only changed container is its thresholds (the flags and the entry write there); the rules,
    # warning codes and projects are read, never changed, so they are shared (a deep copy of 360 projects'
    # configs was a twentieth of a monorepo run)
    config = records.replace(config, thresholds=dict(config.thresholds))
    own_usage = config.usage_file if config.path and folder and Path(realpath(os.path.dirname(config.path) or ".")) == folder else None
    entry = project.entry
    if entry is not None:
        config.thresholds.update(entry.thresholds)
        if entry.price_book:
            config.price_book = entry.price_book
    _apply_flags(config, options)
    # the usage file: flag, the project's entry, its own folder's config, the default name there, any config
    default = folder / DEFAULT_USAGE_FILE if folder is not None else None
    chosen = options.usage_file or (entry.usage_file if entry is not None else None) or own_usage
    if chosen:
        config.usage_file = project.usage_target = chosen
    elif default is not None:
        project.usage_target = relative(str(default), working_directory())
        listed = listed_entry(str(default))  # the folder's listing says, when it holds the name: no stat
        if listed is not None:
            present = bool(listed[1])
        else:  # nor a name like it (a case-insensitive disk): not there, no stat
            present = not absent(str(default)) and default.is_file()
        if present:
            config.usage_file = project.usage_target
    return config


def load_project(project: Project, options: RunOptions, config: Config, path: str | None = None,
                 read: Mapping[str, list[Any]] | None = None) -> model.Inventory:
    """One project's resources, each named with the project (addresses repeat across projects).

    read: folders whose files the search for projects read already (Survey.read), not read again."""
    where = path or project.path
    if project.kind == "plan":
        from kms_infracost.sources.plan import load_plan

        inventory = load_plan(where, default_region=config.default_region, config_dir=options.config_dir,
                              unknown_values=config.unknown_values)
    else:
        extra = [v for v in project.var_files if v.endswith((".tfvars", ".tfvars.json")) and path is None
                 and os.path.dirname(os.path.abspath(v)) == os.path.abspath(where)]
        var_files = [*options.var_files, *(v for v in project.var_files if v not in extra)]
        inventory = load_hcl(
            [where, *extra],
            default_region=config.default_region,
            variables=[*options.variables, *project.variables],
            var_files=var_files,
            use_cache=not options.no_cache,
            unknown_values=config.unknown_values,
            read=read,
        )
    for resource in inventory.resources:
        resource.root = project.name
    return inventory


def _priced(inventory: model.Inventory, config: Config, usage_file: Any, books: tuple[Any, Any]) -> tuple[Any, Any]:
    """Estimate of one inventory with its annotations and the shared usage file."""
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


class _Base:
    """The other side of a diff, project by project, under the same project names."""

    def __init__(self, label: str, gate: bool = False) -> None:
        self.label = label
        #: the hook's own comparison (hook_base_ref): limits judge only what the change adds
        self.gate = gate
        self.inventories: dict[str, model.Inventory] = {}


def _base_side(options: RunOptions, projects: list[Project], configs: dict[str, Config],
               base_ref: str | None, cwd: Path, settings: Any = None) -> _Base | None:
    """The base of a diff. With --base-ref, folders named on the command line are searched at the ref too,
    so a root that the change removes appears (appended to `projects`, with `settings(project)` its config)."""
    if options.base_plan and base_ref:
        raise UserError("give --base-plan or --base-ref, not both")
    if options.base_plan:
        from kms_infracost.sources.plan import load_plan

        if not os.path.exists(options.base_plan):
            raise UserError("base plan not found", options.base_plan)
        if len(projects) != 1:
            raise UserError("--base-plan compares one project; give one plan or folder with it", options.base_plan)
        base = _Base(f"plan {options.base_plan}")
        settings = configs[projects[0].name]
        inventory = load_plan(options.base_plan, default_region=settings.default_region,
                              unknown_values=settings.unknown_values)
        for resource in inventory.resources:
            resource.root = projects[0].name
        base.inventories[projects[0].name] = inventory
        return base
    if not base_ref:
        return None
    from kms_infracost.sources.gitref import export_ref

    for project in projects:
        if project.kind == "plan":
            raise UserError("--base-ref compares HCL paths; for plan files use --base-plan OLD.json", project.path)
    gate = base_ref != options.base_ref
    try:
        top, folder = export_ref(base_ref, cwd)
    except UserError as exc:
        if not gate:
            raise
        # the hook's own switch in a repository with no commit yet: everything staged is new
        print(f"kms-infracost: note: hook_base_ref: {exc.one_line()}; comparing with nothing", file=sys.stderr)
        return _Base(f"nothing ({base_ref} not readable)", gate=True)
    base = _Base(f"git ref {base_ref}", gate=gate)
    if settings is not None:
        _removed_roots(options, projects, configs, folder / os.path.relpath(cwd.resolve(), top), settings)
    for project in projects:
        relative = os.path.relpath(Path(project.path).resolve(), top)
        if relative.startswith(".."):
            raise UserError("is outside the git repository --base-ref reads", project.path)
        there = folder / relative
        if not there.is_dir() or not any(scan.is_config_file(n) for n in os.listdir(there)):
            base.inventories[project.name] = model.Inventory(origin=f"git ref {base_ref} (not there)")
            continue
        inventory = load_project(project, options, configs[project.name], str(there))
        for resource in inventory.resources:  # file:line as in the work tree, never the temporary copy
            if resource.file and Path(resource.file).resolve().is_relative_to(folder.resolve()):
                inside = Path(resource.file).resolve().relative_to(folder.resolve())
                resource.file = os.path.relpath(top / inside)
        inventory.warnings = [  # the base's own warnings name the work tree's files, not the copy
            records.replace(w, file=w.file.replace(str(there), project.path, 1)) if w.file else w
            for w in inventory.warnings
        ]
        base.inventories[project.name] = inventory
    return base


def _removed_roots(options: RunOptions, projects: list[Project], configs: dict[str, Config], mirror: Path,
                   settings: Any) -> None:
    """Roots that exist at the base but not now, under the folders the command line names."""
    from kms_infracost.projects import select_projects

    named = {p.name for p in projects}
    for given in options.paths or (".",):
        there = mirror / given
        if not os.path.isdir(given) or not there.is_dir():
            continue
        found, _ = select_projects((str(there),), mirror, options.exclude_paths)
        for old in found:
            if old.name not in named:
                gone = Project(old.name, old.name)
                projects.append(gone)
                named.add(gone.name)
                configs[gone.name] = settings(gone)


def _check_out_files(options: RunOptions) -> None:
    for target in options.out_files:  # fail before any work when a report could not be written
        if target != "-" and not Path(target).resolve().parent.is_dir():
            raise UserError("cannot write: its folder does not exist", target)


def run(options: RunOptions, *, mode: str) -> int:
    """mode: "check" (all policy), "breakdown" (none), "diff" (policy on the change)."""
    from kms_infracost import runmemo

    with _no_collections(), runmemo.scope():
        return _run(options, mode)


@contextmanager
def _no_collections() -> Iterator[None]:
    """No cyclic garbage collection during a run. A run builds many small objects that live until it ends
    (parse results, records, priced resources, documents) and makes few cycles, so every collection is
    wasted work that grows with the run: a sixth of a 360-project run, a fifth of an 800-project one.
    Peak memory grows by a tenth on the 800-project run, not at all on a 100,000-resource plan. Enabled
    again afterwards, so a process that runs several (the tests) collects between them."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(options: RunOptions, mode: str) -> int:
    from kms_infracost.config import load_config
    from kms_infracost.projects import select_projects

    enforce = mode != "breakdown"
    cwd = Path.cwd()
    check_command_line(options, mode)
    run_config = load_config(options.config_file, cwd)
    _check_out_files(options)
    projects, survey = select_projects(
        options.paths, cwd, options.exclude_paths, run_config.projects, options.config_dir
    )
    lookup = ConfigLookup(survey.calls)
    configs = {p.name: project_settings(p, run_config, options, cwd, lookup) for p in projects}
    inventories = {p.name: load_project(p, options, configs[p.name], read=survey.read) for p in projects}
    base_ref = options.base_ref
    if base_ref is None and mode == "check" and not options.base_plan and run_config.hook_base_ref:
        base_ref = run_config.hook_base_ref
    discovering = not run_config.projects
    base = _base_side(options, projects, configs, base_ref, cwd,
                      (lambda p: project_settings(p, run_config, options, cwd, lookup)) if discovering else None)
    for project in projects:  # a root the change removes has nothing now
        inventories.setdefault(project.name, model.Inventory())
    found_any = any(i.resources for i in inventories.values())
    foreign: dict[str, int] = {}
    for inventory in inventories.values():
        for rtype, count in inventory.foreign.items():
            foreign[rtype] = foreign.get(rtype, 0) + count
    if not found_any:
        _foreign_in_hcl(options.paths or (".",), foreign)
    if not found_any and base is None and options.formats in ((), ("table",)) and not options.out_files:
        # the common pre-commit case: nothing to price, so nothing more to import
        everything = [w for p in projects for w in without(inventories[p.name].warnings, ignored_warnings(options, configs[p.name]))]
        unread = [f for f in survey.kms_files if not _read_by(f, projects)]
        # "nothing found" is never a silent pass while KMS code lies below the path that no root reads
        everything.extend(without(
            [model.Warning("KI210", "mentions alicloud_kms but no root module found here reads it; name its root folder",
                           file=_shown_path(f)) for f in unread],
            ignored_warnings(options, run_config),
        ))
        show_warnings(group_warnings(everything), options)
        print(nothing_found(len(projects) if len(projects) > 1 else len(options.paths or (".",)), foreign))
        # another provider's keys are not a failure (a monorepo's CI runs on every plan), except under --strict
        return 1 if (unread or foreign) and options.strict and enforce else 0

    from kms_infracost.document import merge_projects

    if mode == "diff" and base is None and not any(
        r.before is not None or r.action != model.CREATE for i in inventories.values() for r in i.resources
    ):
        print(
            "kms-infracost: note: no --base-plan or --base-ref and the plan changes no existing resource: "
            "everything is new",
            file=sys.stderr,
        )
    parts: list[tuple[Project, dict[str, Any]]] = []
    violations: list[Violation] = []
    estimates: list[Any] = []
    for project in projects:
        document, found, estimate = _project_document(
            project, inventories[project.name], configs[project.name], options, mode, base
        )
        parts.append((project, document))
        violations.extend(found)
        estimates.append(estimate)
    document = merge_projects(parts)
    from kms_infracost.pricing.migration import migration_document

    if len(parts) > 1:  # one project's document has the run's section already (the same call)
        document["migration"] = migration_document(estimates)  # the run's keys may share instances
    if enforce and mode == "check" and run_config.thresholds.get("monthly_total_all") is not None:
        violations.extend(_total_all(document, run_config, options))
    if foreign:
        text = other_providers(foreign)
        document["warnings"].extend(group_warnings([model.Warning("KI108", text)]))
        if options.strict and enforce:
            violations.append(Violation(rule="strict-unpriced", message=f"{text} (--strict)"))
    document["violations"] = [_violation_document(v) for v in violations]
    document["warnings"] = _run_warnings(document, options, run_config)

    formats = options.formats or ("table",)
    outputs: list[tuple[str | None, str, str]] = []
    from kms_infracost.report import renderer

    for index, name in enumerate(formats):
        text = renderer(name)(document, options.verbose)
        given = options.out_files[index] if index < len(options.out_files) else "-"
        outputs.append((None if given == "-" else given, text, name))

    show_warnings(_not_on_stdout(document, {name for destination, _, name in outputs if destination is None}), options)
    for destination, text, name in outputs:  # everything rendered before anything is written
        if destination is None:
            sys.stdout.write(_coloured(text, name, sys.stdout, options))
        else:
            write_atomically(Path(destination), text)
    failed = [v for v in violations if v.fails or (options.strict and not v.skipped)]
    from kms_infracost import runmemo

    runmemo.keep(projects, survey, configs, inventories, parts, estimates, document)  # see runmemo.leave_at_exit
    if failed and enforce and not options.soft_fail:
        return 1
    return 0


def _foreign_in_hcl(paths: tuple[str, ...] | list[str], found: dict[str, int]) -> None:
    """Other providers' key resources in the root folders of HCL paths (only read when nothing was priced)."""
    from kms_infracost.sources import HCL_SUFFIXES, other_kms_in

    folders = {p if os.path.isdir(p) else os.path.dirname(p) or "." for p in paths if p != "-" and (os.path.isdir(p) or p.endswith(HCL_SUFFIXES))}
    for folder in sorted(folders):
        for name in sorted(os.listdir(folder)):
            if name.endswith((".tf", ".tofu")) and not name.startswith("."):
                try:
                    other_kms_in(Path(folder, name).read_bytes(), found)
                except OSError:
                    continue


def _read_by(path: str, projects: list[Project]) -> bool:
    """Whether a file lies in a folder some project read (its own folder or below it)."""
    where = os.path.abspath(path)
    return any(
        p.kind == "hcl" and (os.path.dirname(where) == os.path.abspath(p.path)) for p in projects
    )


def _project_document(
    project: Project, inventory: model.Inventory, config: Config, options: RunOptions, mode: str, base: _Base | None
) -> tuple[dict[str, Any], list[Any], Any]:
    """Price one project, compare it with its base, and apply its own thresholds and rules."""
    books = select_books(config.price_book)
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

        base_result, _ = _priced(base.inventories.get(project.name, model.Inventory()), config, usage_file, books)
        result = compare(result, base_result, base.label)
    result.warnings = without(usage_warnings + result.warnings, ignored_warnings(options, config))
    document = estimate_document(result)

    enforce = mode != "breakdown"
    violations: list[Violation] = []
    if enforce:
        if mode == "check":
            found = check_thresholds(result, config.thresholds)
            violations.extend(_added_by_the_change(found, result) if base is not None and base.gate else found)
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
    # totals have no resource: point them at the config that set the limit, else the project's folder
    # or plan, so every format (SARIF, GitHub annotations) has a place to show them
    anchor: str | None = None
    for violation in violations:
        violation.project = project.name
        if violation.file is None and violation.address is None:
            anchor = anchor or _anchor(project, config)
            if anchor:
                violation.file = os.path.relpath(anchor) if not os.path.relpath(anchor).startswith("..") else anchor
    skips = {(a.file, address): a.skips for (_, address), a in annotations.items() if a.skips}
    apply_skips(violations, skips)
    return document, violations, result


def _anchor(project: Project, config: Config) -> str | None:
    """Where a total's violation points: the config that set the limit, else the plan or the folder's first file."""
    anchor = config.path or (project.path if os.path.isfile(project.path) else None)
    if anchor is None and project.kind == "hcl":
        files = scan.config_files(project.path)
        anchor = files[0] if files else None
    return anchor


def _added_by_the_change(violations: list[Any], result: Any) -> list[Any]:
    """The hook gating a commit (hook_base_ref): a key over its limit fails only when the commit creates or
    changes it, a total over its limit only when the commit raises it."""
    changed = {p.resource.address for p in result.resources if p.resource.action != model.NOOP}
    raised = result.total_monthly_cost > result.past_total_monthly_cost
    return [v for v in violations if (v.address in changed if v.address else raised)]


def _total_all(document: dict[str, Any], config: Config, options: RunOptions) -> list[Any]:
    from kms_infracost.money import money

    limit = config.thresholds["monthly_total_all"]
    total = document["total_monthly_cost"]
    if total <= limit:
        return []
    currency = document["currency"]
    return [Violation(
        rule="monthly_total_all",
        message=f"total KMS cost of all {len(document['projects'])} project(s) {money(total, currency)} a month "
                f"is over the limit of {money(limit, currency)}",
        actual=total, limit=limit, file=os.path.relpath(config.path) if config.path else None,
    )]


def _violation_document(v: Any) -> dict[str, Any]:
    return {
        "rule": v.rule,
        "address": v.address,
        "message": v.message,
        "actual": v.actual,
        "limit": v.limit,
        "severity": v.severity,
        "skipped": v.skipped,
        "skip_reason": v.skip_reason,
        "project": v.project,
        "file": v.file,
        "line": v.line,
    }


def ignored_warnings(options: RunOptions, config: Config) -> set[str]:
    return {*config.ignore_warnings, *(warning_code(given) for given in options.ignore_warnings)}


def _run_warnings(document: dict[str, Any], options: RunOptions, config: Config) -> list[dict[str, Any]]:
    """The projects' warnings, then what is said once per run (KMS 1.0 end of service) unless ignored."""
    from kms_infracost.pricing.engine import kms1_summary

    entries = list(document["warnings"])
    if "KI501" not in ignored_warnings(options, config):
        entries += group_warnings(kms1_summary(document))
    return entries


def _not_on_stdout(document: dict[str, Any], on_stdout: set[str]) -> list[dict[str, Any]]:
    """The warnings for stderr: the KMS 1.0 summary (KI501) is left out when stdout shows the run's
    migration block already (table, markdown), so a hook's output says it once; JSON keeps it."""
    if not on_stdout & {"table", "markdown"}:
        return list(document["warnings"])
    from kms_infracost.report.migration import without_its_warning

    return without_its_warning(document, list(document["warnings"]))


def show_warnings(entries: list[dict[str, Any]], options: RunOptions) -> None:
    """One line per kind of warning on stderr (every place under it with -v); nothing with -q."""
    if options.quiet:
        return
    from kms_infracost.warning_codes import lines

    text = "\n".join(lines(entries, options.verbose))
    if text:
        print(_coloured(text, "table", sys.stderr, options), file=sys.stderr)


def _coloured(text: str, format_name: str, stream: Any, options: RunOptions) -> str:
    """Text for people gets colour on a terminal; machine formats never do."""
    if format_name != "table":
        return text
    from kms_infracost import colour

    return colour.paint(text) if colour.enabled(stream, options.no_color) else text


#: limit flags and the commands that apply them
LIMIT_FLAGS = {
    "max_total": ("--max-total", ("check",)),
    "max_per_key": ("--max-per-key", ("check",)),
    "max_projected_total": ("--max-projected-total", ("check",)),
    "max_increase": ("--max-increase", ("check", "diff")),
    "max_increase_percent": ("--max-increase-percent", ("check", "diff")),
}


def check_command_line(options: RunOptions, mode: str) -> None:
    """Options that cannot do what they say are an error before any work: a limit the command never applies,
    an --out-file without its --format, two reports mixed on stdout."""
    for attr, (flag, modes) in LIMIT_FLAGS.items():
        if getattr(options, attr) is not None and mode not in modes:
            if mode == "breakdown":
                raise UserError(f"breakdown never fails, so {flag} would do nothing; use `kms-infracost check {flag} …`")
            raise UserError(
                f"diff applies only the increase limits (--max-increase, --max-increase-percent) and rules; "
                f"{flag} would do nothing: use `kms-infracost check {flag} …`"
            )
    if mode == "breakdown" and options.strict:
        raise UserError("breakdown never fails, so --strict would do nothing; use `kms-infracost check --strict`")
    if len(options.out_files) > max(len(options.formats), 1):
        raise UserError(
            f"{len(options.out_files)} --out-file for {len(options.formats) or 'no'} --format; "
            "give one --format per --out-file, in the same order"
        )
    formats = options.formats or ("table",)
    on_stdout = [f for i, f in enumerate(formats) if i >= len(options.out_files) or options.out_files[i] == "-"]
    if len(on_stdout) > 1:
        raise UserError(
            f"--format {' and --format '.join(on_stdout)} would all go to stdout, one after the other; "
            "pair each --format with an --out-file in order (- for the one on stdout)"
        )


def usage_init(options: RunOptions) -> None:
    from kms_infracost.config import load_config
    from kms_infracost.projects import select_projects
    from kms_infracost.usage.init import sync_usage_text

    cwd = Path.cwd()
    run_config = load_config(options.config_file, cwd)
    projects, _ = select_projects(options.paths, cwd, options.exclude_paths, run_config.projects)
    if options.usage_file and len(projects) > 1:
        raise UserError(
            f"--usage-file names one file but {len(projects)} projects were found; "
            "leave it out to write kms-infracost-usage.yml in each project folder", options.usage_file
        )
    writes: list[tuple[Path, str | None, str]] = []
    lookup = ConfigLookup()
    for project in projects:  # read and work out everything before writing anything
        config = project_settings(project, run_config, options, cwd, lookup)
        if run_config.usage_file and not project.usage_target and project.kind == "plan":
            project.usage_target = run_config.usage_file
        target = Path(project.usage_target or run_config.usage_file or DEFAULT_USAGE_FILE)
        inventory = load_project(project, options, config)
        existing = None
        if target.exists():
            try:
                existing = target.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UserError(f"cannot read usage file: {exc}", str(target)) from None
        result = sync_usage_text(existing, inventory.resources, str(target))
        if result.added:
            count = len(result.added)
            shown = ", ".join(result.added[:3]) + (f" and {count - 3} more" if count > 3 else "")
            message = f"{target}: added {count} entr{'y' if count == 1 else 'ies'}: {shown}"
        else:
            message = f"{target}: up to date ({len(inventory.resources)} resources found)"
        writes.append((target, result.text if result.text != existing else None, message))
    for target, text, message in writes:
        if text is not None:
            write_atomically(target, text)
        print(message)


def apply_skips(violations: list, skips: dict) -> None:  # type: ignore[type-arg]
    """A `skip=<id> reason="…"` annotation on a resource marks that resource's violation skipped, visibly."""
    for violation in violations:
        for skip in skips.get((violation.file, violation.address or ""), []):
            if skip.rule == violation.rule:
                violation.skipped = True
                violation.skip_reason = skip.reason


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target and rename over it: an interrupted run leaves the old file whole."""
    from kms_infracost.scratch import new_file

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UserError("cannot write: its folder does not exist", str(path))
    try:
        fd, tmp = new_file(str(folder), f".{path.name}.", ".tmp")
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


def _shown_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
