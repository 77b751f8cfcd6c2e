"""The `comment` command group; the network code is imported only when a comment is posted."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import click

from kms_infracost.errors import UserError

BEHAVIORS = ("update", "new", "delete-and-new")


def _shared(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--path", "paths", multiple=True, required=True, type=click.Path(dir_okay=False),
                     help="A JSON report (--format json); repeat to merge several into one comment."),
        click.option("--behavior", type=click.Choice(BEHAVIORS), default="update", show_default=True,
                     help="update: edit the tool's own earlier comment (else create one); new: add one; "
                          "delete-and-new: delete the tool's earlier comments, then add one."),
        click.option("--tag", help="Tells this comment apart from the tool's other comments on the same request."),
        click.option("--dry-run", is_flag=True, help="Print the comment instead of posting it."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group()
def comment() -> None:
    """Post or update one pull/merge-request comment from JSON reports (the only command that uses the network)."""


@comment.command()
@_shared
@click.option("--repo", envvar="GITHUB_REPOSITORY", help="owner/name (default: GITHUB_REPOSITORY).")
@click.option("--pull-request", type=click.IntRange(min=1),
              help="Pull request number (default: the pull request of GITHUB_EVENT_PATH's event).")
@click.option("--github-token", envvar="GITHUB_TOKEN", show_envvar=True, help="Token allowed to write issue comments.")
@click.option("--github-api-url", envvar="GITHUB_API_URL", default="https://api.github.com", show_default=True,
              help="REST API URL; GitHub Enterprise Server: https://HOST/api/v3.")
def github(paths: tuple[str, ...], behavior: str, tag: str | None, dry_run: bool, repo: str | None,
           pull_request: int | None, github_token: str | None, github_api_url: str) -> None:
    """Comment on a GitHub pull request."""
    body = _body(paths, tag, dry_run)
    if body is None:
        return
    if not repo:
        raise UserError("no repository: pass --repo owner/name or set GITHUB_REPOSITORY")
    number = pull_request or _event_pull_request()
    if not github_token:
        raise UserError("no token: pass --github-token or set GITHUB_TOKEN")
    from kms_infracost.comment.platforms import GitHub

    _report(GitHub(github_api_url, github_token, repo, number), body, tag, behavior)


@comment.command()
@_shared
@click.option("--repo", envvar="CI_PROJECT_ID", help="Project ID or path like group/app (default: CI_PROJECT_ID).")
@click.option("--merge-request", type=click.IntRange(min=1), envvar="CI_MERGE_REQUEST_IID",
              help="Merge request IID (default: CI_MERGE_REQUEST_IID).")
@click.option("--gitlab-token", envvar="GITLAB_TOKEN", show_envvar=True, help="Token with the api scope.")
@click.option("--gitlab-server-url", envvar="CI_SERVER_URL", default="https://gitlab.com", show_default=True,
              help="GitLab server (default: CI_SERVER_URL).")
def gitlab(paths: tuple[str, ...], behavior: str, tag: str | None, dry_run: bool, repo: str | None,
           merge_request: int | None, gitlab_token: str | None, gitlab_server_url: str) -> None:
    """Comment (a note) on a GitLab merge request."""
    body = _body(paths, tag, dry_run)
    if body is None:
        return
    if not repo:
        raise UserError("no project: pass --repo (an ID or group/app) or set CI_PROJECT_ID")
    if not merge_request:
        raise UserError("no merge request: pass --merge-request or set CI_MERGE_REQUEST_IID")
    if not gitlab_token:
        raise UserError("no token: pass --gitlab-token or set GITLAB_TOKEN")
    from kms_infracost.comment.platforms import GitLab

    _report(GitLab(gitlab_server_url, gitlab_token, repo, merge_request), body, tag, behavior)


def _event_pull_request() -> int:
    """The pull request number of the GitHub Actions event that started the job."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        raise UserError("no pull request: pass --pull-request or run in a pull_request workflow (GITHUB_EVENT_PATH)")
    try:
        with open(path, encoding="utf-8") as handle:
            event = json.load(handle)
    except (OSError, ValueError) as exc:
        raise UserError(f"cannot read the event: {exc.__class__.__name__}", path) from None
    number = (event.get("pull_request") or {}).get("number") if isinstance(event, dict) else None
    if not isinstance(number, int) and isinstance(event, dict):
        number = (event.get("issue") or {}).get("number") if (event.get("issue") or {}).get("pull_request") else None
    if not isinstance(number, int):
        raise UserError("the event is not about a pull request; pass --pull-request", path)
    return number


def _body(paths: tuple[str, ...], tag: str | None, dry_run: bool) -> str | None:
    """The comment, read and rendered before any request; printed instead (and None) with --dry-run."""
    from kms_infracost.comment.reports import comment_body

    body = comment_body(list(paths), tag)
    if dry_run:
        click.echo(body, nl=False)
        return None
    return body


def _report(platform: Any, body: str, tag: str | None, behavior: str) -> None:
    from kms_infracost.comment.post import post
    from kms_infracost.comment.reports import marker

    done, where = post(platform, body, marker(tag), behavior)
    click.echo(f"kms-infracost: comment {done}: {where.url}")
