"""`kms-infracost comment github|gitlab` against a comment API of our own on 127.0.0.1 (real HTTP)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import plan, run_cli, run_subprocess
from tests.fake_forge import Forge, running

pytestmark = pytest.mark.loopback

TOKEN = "t0ken-s3cret"
MARKER = "<!-- kms-infracost-comment -->"
THREAD = "github:acme/infra#7"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Two JSON reports as CI writes them: a module used twice, and one seed key."""
    folder = tmp_path_factory.mktemp("reports")
    out = []
    for case in ("module_twice_providers", "seed_hsm_basic_singapore"):
        target = folder / f"{case}.json"
        result = run_cli("check", "-q", "--format", "json", "--out-file", str(target), plan(case))
        assert result.code == 0, result.stderr
        out.append(str(target))
    return out


def github(forge: Forge, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = run_cli(
        "comment", "github", "--repo", "acme/infra", "--pull-request", "7", "--github-api-url", forge.url, *args,
        env={"GITHUB_TOKEN": TOKEN, **(env or {})},
    )
    assert TOKEN not in result.stdout + result.stderr
    return result.code, result.stdout, result.stderr


def writes(forge: Forge) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in forge.requests if r.method != "GET"]


def test_the_first_run_creates_one_comment_with_the_markdown_report(reports: list[str]) -> None:
    with running() as forge:
        code, out, err = github(forge, "--path", reports[1])
    (made,) = forge.comments(THREAD)
    assert (code, err) == (0, "")
    assert out == f"kms-infracost: comment created: https://github.example/acme/infra/pull/7#issuecomment-{made['id']}\n"
    assert writes(forge) == [("POST", "/repos/acme/infra/issues/7/comments")]
    direct = run_cli("check", "-q", "--format", "markdown", plan("seed_hsm_basic_singapore")).stdout
    assert made["body"] == MARKER + "\n" + direct
    sent = forge.requests[-1].headers
    assert sent["authorization"] == f"Bearer {TOKEN}"
    assert sent["accept"] == "application/vnd.github+json"
    assert sent["x-github-api-version"] == "2022-11-28"


def test_update_edits_only_its_own_comment_and_leaves_the_same_text_alone(reports: list[str]) -> None:
    with running() as forge:
        other = forge.seed(THREAD, "LGTM")
        quoting = forge.seed(THREAD, f"> earlier:\n{MARKER}\nplease look")  # the marker, but not as the first line
        mine = forge.seed(THREAD, MARKER + "\nold estimate", user="kms-bot")
        code, out, _ = github(forge, "--path", reports[1])
        assert (code, out) == (0, f"kms-infracost: comment updated: {mine['html_url']}\n")
        assert writes(forge) == [("PATCH", f"/repos/acme/infra/issues/comments/{mine['id']}")]
        assert mine["body"].startswith(MARKER + "\n## KMS cost estimate")
        assert (other["body"], quoting["body"]) == ("LGTM", f"> earlier:\n{MARKER}\nplease look")
        code, out, _ = github(forge, "--path", reports[1])
        assert (code, out) == (0, f"kms-infracost: comment unchanged: {mine['html_url']}\n")
        assert len(writes(forge)) == 1
    assert len(forge.comments(THREAD)) == 3


def test_new_adds_a_comment_and_keeps_the_earlier_ones(reports: list[str]) -> None:
    with running() as forge:
        forge.seed(THREAD, MARKER + "\nold estimate", user="kms-bot")
        code, out, _ = github(forge, "--path", reports[1], "--behavior", "new")
    assert code == 0 and out.startswith("kms-infracost: comment created: ")
    assert writes(forge) == [("POST", "/repos/acme/infra/issues/7/comments")]
    assert [c["body"].split("\n", 2)[1] for c in forge.comments(THREAD)] == ["old estimate", "## KMS cost estimate (kms-infracost)"]


def test_delete_and_new_deletes_only_its_own_comments(reports: list[str]) -> None:
    with running() as forge:
        first = forge.seed(THREAD, MARKER + "\none", user="kms-bot")
        other = forge.seed(THREAD, "a reviewer's note")
        second = forge.seed(THREAD, MARKER + "\ntwo", user="kms-bot")
        tagged = forge.seed(THREAD, "<!-- kms-infracost-comment:prod -->\nthe prod estimate", user="kms-bot")
        code, _, _ = github(forge, "--path", reports[1], "--behavior", "delete-and-new")
    assert code == 0
    assert writes(forge) == [
        ("DELETE", f"/repos/acme/infra/issues/comments/{first['id']}"),
        ("DELETE", f"/repos/acme/infra/issues/comments/{second['id']}"),
        ("POST", "/repos/acme/infra/issues/7/comments"),
    ]
    assert [c["id"] for c in forge.comments(THREAD)][:2] == [other["id"], tagged["id"]]
    assert len(forge.comments(THREAD)) == 3


def test_a_tag_keeps_one_comment_per_tag(reports: list[str]) -> None:
    with running() as forge:
        untagged = forge.seed(THREAD, MARKER + "\nold", user="kms-bot")
        code, _, _ = github(forge, "--path", reports[1], "--tag", "prod")
        assert code == 0
        code, _, _ = github(forge, "--path", reports[0], "--tag", "prod")
        assert code == 0
    bodies = [c["body"] for c in forge.comments(THREAD)]
    assert bodies[0] == untagged["body"] == MARKER + "\nold"
    assert len(bodies) == 2 and bodies[1].startswith("<!-- kms-infracost-comment:prod -->\n")
    assert "module.tenant_a" in bodies[1]
    assert [m for m, _ in writes(forge)] == ["POST", "PATCH"]


def test_its_comment_is_found_past_the_first_pages(reports: list[str]) -> None:
    with running(Forge(max_per_page=100)) as forge:
        for i in range(230):
            forge.seed(THREAD, f"comment {i}")
        mine = forge.seed(THREAD, MARKER + "\nold", user="kms-bot")
        code, out, _ = github(forge, "--path", reports[1])
    assert (code, out) == (0, f"kms-infracost: comment updated: {mine['html_url']}\n")
    pages = [r.query.get("page", ["1"])[0] for r in forge.requests if r.method == "GET"]
    assert pages == ["1", "2", "3"]
    assert all(r.query["per_page"] == ["100"] for r in forge.requests if r.method == "GET")


def test_github_enterprise_serves_the_api_under_api_v3(reports: list[str]) -> None:
    with running(Forge(prefix="/api/v3")) as forge:
        result = run_cli(
            "comment", "github", "--path", reports[1], "--repo", "acme/infra", "--pull-request", "7",
            env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": forge.url + "/api/v3"},
        )
    assert result.code == 0, result.stderr
    assert [(r.method, r.path) for r in forge.requests] == [
        ("GET", "/api/v3/repos/acme/infra/issues/7/comments"),
        ("POST", "/api/v3/repos/acme/infra/issues/7/comments"),
    ]


def test_the_pull_request_and_repository_come_from_the_actions_environment(reports: list[str], tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "pull_request": {"number": 42}}))
    with running() as forge:
        result = run_cli(
            "comment", "github", "--path", reports[1],
            env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": forge.url, "GITHUB_REPOSITORY": "acme/infra", "GITHUB_EVENT_PATH": str(event)},
        )
    assert result.code == 0, result.stderr
    assert writes(forge) == [("POST", "/repos/acme/infra/issues/42/comments")]


def test_several_reports_become_one_comment_with_projects_merged(reports: list[str]) -> None:
    with running() as forge:
        code, _, _ = github(forge, "--path", reports[0], "--path", reports[1])
    (made,) = forge.comments(THREAD)
    body = made["body"]
    assert "**Monthly cost: 8.19 USD**" in body  # 7.20 + 0.99
    assert "| `fixtures/plans/module_twice_providers` | 7.20 USD |" in body
    assert "| `fixtures/plans/seed_hsm_basic_singapore` | 0.99 USD |" in body
    assert "Cost breakdown: 9 resources" in body
    assert code == 0


def test_merged_totals_are_exact_and_a_repeated_project_name_says_which_report(reports: list[str]) -> None:
    from kms_infracost.comment.reports import merge_reports

    merged = merge_reports([reports[1], reports[1]])
    assert merged["total_monthly_cost"] == Decimal("1.98")
    assert [p["name"] for p in merged["projects"]] == [
        "fixtures/plans/seed_hsm_basic_singapore", f"fixtures/plans/seed_hsm_basic_singapore ({reports[1]})",
    ]
    assert {r["project"] for r in merged["resources"]} == {p["name"] for p in merged["projects"]}


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (401, {}, {"message": "Bad credentials"},
         "kms-infracost: error: GitHub API: GET /repos/acme/infra/issues/7/comments: 401 the token was refused "
         "(missing, expired or revoked); set --github-token or GITHUB_TOKEN"),
        (403, {}, {"message": "Resource not accessible by integration"},
         "kms-infracost: error: GitHub API: GET /repos/acme/infra/issues/7/comments: 403 forbidden: the token may not "
         "do this (Resource not accessible by integration); give it write access to comments"),
        (404, {}, {"message": "Not Found"},
         "kms-infracost: error: GitHub API: GET /repos/acme/infra/issues/7/comments: 404 not found (Not Found): check "
         "the repository and the pull/merge request number (a token that cannot see a private repository gets 404 too)"),
        (403, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1893456000"}, {"message": "API rate limit exceeded"},
         "kms-infracost: error: GitHub API: GET /repos/acme/infra/issues/7/comments: 403 rate limit reached until "
         "00:00 UTC; try again later"),
        (429, {"Retry-After": "60"}, None,
         "kms-infracost: error: GitHub API: GET /repos/acme/infra/issues/7/comments: 429 rate limit reached "
         "(retry after 60 s); try again later"),
        (502, {}, None, "kms-infracost: error: GitHub API: GET /repos/acme/infra/issues/7/comments: 502 Bad Gateway"),
    ],
)
def test_api_errors_are_one_line_and_exit_2(reports: list[str], status: int, headers: dict[str, str], body: object, expected: str) -> None:
    with running() as forge:
        forge.fail_next(status, headers, body)
        code, out, err = github(forge, "--path", reports[1])
    assert (code, out, err) == (2, "", expected + "\n")
    assert writes(forge) == []


def test_a_refused_write_is_one_line_too(reports: list[str]) -> None:
    with running() as forge:
        forge.fail_next(200, {}, [])  # the listing
        forge.fail_next(403, {}, {"message": "Must have admin rights to Repository."})
        code, _, err = github(forge, "--path", reports[1])
    assert code == 2
    assert err == (
        "kms-infracost: error: GitHub API: POST /repos/acme/infra/issues/7/comments: 403 forbidden: the token may not "
        "do this (Must have admin rights to Repository.); give it write access to comments\n"
    )


def test_the_network_down_is_one_line_and_exit_2(reports: list[str]) -> None:
    with running() as forge:
        url = forge.url
    result = run_cli("comment", "github", "--path", reports[1], "--repo", "acme/infra", "--pull-request", "7",
                     "--github-api-url", url, "--github-token", TOKEN)
    assert result.code == 2
    assert result.stderr.startswith(f"kms-infracost: error: cannot reach the GitHub API at {url}: ")
    assert result.stderr.endswith("; check the network and the API URL\n")
    assert len(result.stderr.splitlines()) == 1
    assert TOKEN not in result.stderr


def test_a_pagination_link_to_another_host_is_not_followed_with_the_token(reports: list[str]) -> None:
    with running(Forge(next_link_host="http://127.0.0.2:9")) as forge:
        for i in range(101):
            forge.seed(THREAD, f"comment {i}")
        code, _, err = github(forge, "--path", reports[1])
    assert code == 2
    assert err == f"kms-infracost: error: GitHub API sent a link outside {forge.url}; not following it with the token\n"
    assert len(forge.requests) == 1


def test_missing_token_repository_or_report_are_one_line(reports: list[str], tmp_path: Path) -> None:
    base = ("comment", "github", "--repo", "acme/infra", "--pull-request", "7", "--github-api-url", "http://127.0.0.1:9")
    result = run_cli(*base, "--path", reports[1], env={"GITHUB_TOKEN": ""})
    assert (result.code, result.stderr) == (2, "kms-infracost: error: no token: pass --github-token or set GITHUB_TOKEN\n")
    result = run_cli(*base, "--path", str(tmp_path / "nope.json"), env={"GITHUB_TOKEN": TOKEN})
    assert (result.code, result.stderr) == (
        2, f"kms-infracost: error: {tmp_path / 'nope.json'}: no such report; write one with --format json --out-file\n"
    )
    (tmp_path / "plan.json").write_text('{"format_version": "1.2"}')
    result = run_cli(*base, "--path", str(tmp_path / "plan.json"), env={"GITHUB_TOKEN": TOKEN})
    assert result.stderr == f"kms-infracost: error: {tmp_path / 'plan.json'}: not a kms-infracost JSON report (written with --format json)\n"
    result = run_cli("comment", "github", "--path", reports[1], "--pull-request", "7", env={"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": ""})
    assert result.stderr == "kms-infracost: error: no repository: pass --repo owner/name or set GITHUB_REPOSITORY\n"


def test_dry_run_prints_the_comment_and_sends_nothing(reports: list[str]) -> None:
    result = run_cli("comment", "gitlab", "--path", reports[1], "--dry-run")
    assert result.code == 0
    assert result.stdout.startswith(MARKER + "\n## KMS cost estimate (kms-infracost)\n")


GITLAB = "gitlab:acme%2Finfra!3"


def gitlab(forge: Forge, *args: str) -> tuple[int, str, str]:
    result = run_cli(
        "comment", "gitlab", *args,
        env={"GITLAB_TOKEN": TOKEN, "CI_SERVER_URL": forge.url, "CI_PROJECT_ID": "acme/infra", "CI_MERGE_REQUEST_IID": "3"},
    )
    assert TOKEN not in result.stdout + result.stderr
    return result.code, result.stdout, result.stderr


def test_gitlab_posts_then_updates_one_note_and_leaves_others_alone(reports: list[str]) -> None:
    with running() as forge:
        system = forge.seed(GITLAB, MARKER + "\nlooks like ours but GitLab wrote it", system=True)
        reviewer = forge.seed(GITLAB, "please split this MR")
        code, out, _ = gitlab(forge, "--path", reports[1])
        (_, _, made) = forge.comments(GITLAB)
        assert (code, out) == (0, f"kms-infracost: comment created: {forge.url}/acme/infra/-/merge_requests/3#note_{made['id']}\n")
        code, out, _ = gitlab(forge, "--path", reports[0])
        assert (code, out) == (0, f"kms-infracost: comment updated: {forge.url}/acme/infra/-/merge_requests/3#note_{made['id']}\n")
        code, out, _ = gitlab(forge, "--path", reports[0], "--behavior", "delete-and-new")
        assert code == 0
    notes = forge.comments(GITLAB)
    assert [n["id"] for n in notes[:2]] == [system["id"], reviewer["id"]]
    assert len(notes) == 3 and notes[2]["id"] != made["id"] and "module.tenant_a" in notes[2]["body"]
    base = "/api/v4/projects/acme%2Finfra/merge_requests/3/notes"
    assert writes(forge) == [("POST", base), ("PUT", f"{base}/{made['id']}"), ("DELETE", f"{base}/{made['id']}"), ("POST", base)]
    assert all(r.headers["private-token"] == TOKEN for r in forge.requests)


def test_gitlab_errors_are_one_line(reports: list[str]) -> None:
    with running() as forge:
        forge.fail_next(404, {}, {"message": "404 Project Not Found"})
        code, _, err = gitlab(forge, "--path", reports[1])
    assert code == 2
    assert err == (
        "kms-infracost: error: GitLab API: GET /api/v4/projects/acme%2Finfra/merge_requests/3/notes: 404 not found "
        "(404 Project Not Found): check the repository and the pull/merge request number (a token that cannot see "
        "a private repository gets 404 too)\n"
    )


def test_as_its_own_process_it_reaches_only_the_local_server(reports: list[str]) -> None:
    with running() as forge:
        result = run_subprocess(
            "comment", "github", "--path", reports[1], "--repo", "acme/infra", "--pull-request", "7",
            env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": forge.url},
        )
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("kms-infracost: comment created: https://github.example/acme/infra/pull/7")
    assert len(forge.comments(THREAD)) == 1
