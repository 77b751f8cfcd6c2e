"""Command line: parses options and wires the stages together; no pricing or parsing lives here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from kms_infracost.comment.cli import comment
from kms_infracost.entry import terminated
from kms_infracost.errors import explain
from kms_infracost.report import FORMATS as FORMAT_NAMES

#: the end of every command's --help: what the exit code means and which environment variables are read
EPILOG = """\b
Exit codes:
  0  within limits (breakdown: always, unless the input is wrong)
  1  a threshold or rule failed (check, diff; not with --soft-fail)
  2  the input or the command line is wrong (one line on stderr naming the file and line)
  130 interrupted
\b
Environment variables:
  ALIBABA_CLOUD_REGION, ALICLOUD_REGION  region when a provider block names none
  TF_VAR_name          a root variable's value (HCL source), as terraform reads it
  TF_WORKSPACE         terraform.workspace (HCL source)
  KMS_INFRACOST_CACHE_DIR  where the HCL parse cache and the replay cache live
  KMS_INFRACOST_REPLAY=0   never replay a stored run (check/breakdown re-run unchanged)
  NO_COLOR             no colour even on a terminal (see --no-color)
  KMS_INFRACOST_DEBUG  show the traceback of an internal error
  SOURCE_DATE_EPOCH    the timestamp written in --format infracost-json
"""


class KmsGroup(click.Group):
    """Turns every UserError into one line on stderr and exit 2 — never a traceback (errors.explain)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            told = explain(exc)
            if told is None:
                raise
            click.echo(told[0], err=True)
            ctx.exit(told[1])


def _decimal(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise click.BadParameter(f"{value!r} must be a non-negative number")
    return number


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("paths", nargs=-1),
        click.option("--format", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
                     help="Output format; repeat for several (pair each with an --out-file in order)."),
        click.option("--out-file", "out_files", multiple=True, type=click.Path(dir_okay=False, allow_dash=True),
                     help="Write the matching --format here instead of stdout (written atomically; - is stdout)."),
        click.option("--usage-file", type=click.Path(dir_okay=False), help="Usage file (Infracost shape)."),
        click.option("--config", "config_file", type=click.Path(dir_okay=False),
                     help="Config file (pyproject.toml or .kms-infracost.toml); default: found walking up."),
        click.option("--price-book", help="Price book name (see `kms-infracost pricing`)."),
        click.option("--region", "default_region", help="Region for resources whose provider names none."),
        click.option("--days-per-month", type=click.IntRange(1, 31), help="Days in a billed month (default 30)."),
        click.option("--max-total", callback=_decimal, help="Fail when the monthly total exceeds this."),
        click.option("--max-per-key", callback=_decimal, help="Fail when one key's monthly cost exceeds this."),
        click.option("--max-increase", callback=_decimal, help="Fail when the change adds more than this a month."),
        click.option("--max-increase-percent", callback=_decimal,
                     help="Fail when the change raises the monthly total by more than this percent."),
        click.option("--base-plan", type=click.Path(dir_okay=False),
                     help="Compare with this older plan JSON (diff; check applies the increase limits)."),
        click.option("--base-ref", metavar="GIT_REF",
                     help="HCL source: compare with the same paths at this git ref (read with git, work tree untouched)."),
        click.option("--max-projected-total", callback=_decimal,
                     help="Fail when the projected total in month --horizon-months exceeds this."),
        click.option("--horizon-months", type=click.IntRange(1, 120),
                     help="Month whose cost is projected as rotation adds key versions (default 12)."),
        click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
                     help="HCL source: set a root variable, as terraform's -var."),
        click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False),
                     help="HCL source: read root variables from a .tfvars / .tfvars.json file."),
        click.option("--exclude-path", "exclude_paths", multiple=True, metavar="GLOB",
                     help="Leave out folders matching this glob (relative to the working directory); repeatable."),
        click.option("--config-dir", type=click.Path(file_okay=False),
                     help="Plan source: the Terraform configuration the plan was made from, for file:line and "
                          "annotations (default: beside the plan, else the working directory)."),
        click.option("--no-cache", is_flag=True,
                     help="Do not read or write the HCL parse cache, nor replay or store this run."),
        click.option("--soft-fail", is_flag=True, help="Report failures but exit 0."),
        click.option("--strict", is_flag=True, help="Treat every assumption about an unknown value as a failure."),
        click.option("--no-color", is_flag=True,
                     help="No colour codes. Colour is used only when stdout or stderr is a terminal and NO_COLOR is unset."),
        click.option("--ignore-warning", "ignore_warnings", multiple=True, metavar="CODE",
                     help="Silence one kind of warning (a code such as KI101 or its name); repeatable. "
                          "Adds to ignore_warnings in the config."),
        click.option("-q", "--quiet", is_flag=True, help="No warnings on stderr."),
        click.option("-v", "--verbose", is_flag=True,
                     help="Show where each usage figure came from and every place a warning concerns."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        from kms_infracost.version import version_text

        click.echo(version_text())
        ctx.exit()


@click.group(cls=KmsGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and the price books' effective dates, and exit.")
def cli() -> None:
    """Estimate Alibaba Cloud KMS costs from Terraform and fail when limits are exceeded."""


@cli.command(epilog=EPILOG)
@common_options
def check(**kwargs: Any) -> None:
    """Estimate and apply thresholds and rules; exit 1 when one fails."""
    from kms_infracost.run import RunOptions, run

    sys.exit(run(RunOptions(**kwargs), mode="check"))


@cli.command(epilog=EPILOG)
@common_options
def breakdown(**kwargs: Any) -> None:
    """Estimate only; never exits 1."""
    from kms_infracost.run import RunOptions, run

    sys.exit(run(RunOptions(**kwargs), mode="breakdown"))


@cli.command(epilog=EPILOG)
@common_options
def diff(**kwargs: Any) -> None:
    """Cost change against a base (the plan's prior state, --base-plan or --base-ref); policy on the change."""
    from kms_infracost.run import RunOptions, run

    sys.exit(run(RunOptions(**kwargs), mode="diff"))


@cli.command(epilog=EPILOG)
@click.option("--price-book", help="Price book name; default from config, else kms1-intl.")
@click.option("--region", help="Show which price column applies to this region.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config file (pyproject.toml or .kms-infracost.toml); default: found walking up.")
@click.option("--format", "output_format", type=click.Choice(("table", "json")), default="table", show_default=True,
              help="table for people, json (the books as data, with their sources) for tools.")
def pricing(price_book: str | None, region: str | None, config_file: str | None, output_format: str) -> None:
    """Print the price book that would be used (the one asked for first, then its companion)."""
    from kms_infracost.config import load_config
    from kms_infracost.report.pricing_text import render

    config = load_config(config_file, Path.cwd())
    click.echo(render(price_book or config.price_book, config.days_per_month, region, output_format), nl=False)


@cli.group()
def usage() -> None:
    """Work with the usage file."""


@usage.command("init")
@click.argument("paths", nargs=-1)
@click.option("--usage-file", type=click.Path(dir_okay=False),
              help="File to write (default: usage_file from config, else kms-infracost-usage.yml).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Config file (pyproject.toml or .kms-infracost.toml); default: found walking up.")
@click.option("--config-dir", type=click.Path(file_okay=False),
              help="Plan source: the Terraform configuration the plan was made from.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="HCL source: set a root variable, as terraform's -var.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False),
              help="HCL source: read root variables from a .tfvars / .tfvars.json file.")
@click.option("--exclude-path", "exclude_paths", multiple=True, metavar="GLOB",
              help="Skip folders matching this glob when searching for projects; repeatable.")
@click.option("--no-cache", is_flag=True, help="HCL source: do not read or write the parse cache.")
def usage_init(**kwargs: Any) -> None:
    """Write or update the usage file with an entry for every key and instance found.

    Existing entries, values, comments and order are kept; only new resources are added.
    """
    from kms_infracost.run import RunOptions
    from kms_infracost.run import usage_init as run_usage_init

    run_usage_init(RunOptions(**kwargs))


cli.add_command(comment)


def main() -> None:
    """Console entry point: Ctrl-C or SIGTERM end the run with 130 and one line, never a traceback."""
    import signal

    signal.signal(signal.SIGTERM, terminated)
    try:
        cli(prog_name="kms-infracost")
    except KeyboardInterrupt:
        sys.stderr.write("kms-infracost: interrupted\n")
        sys.exit(130)
