"""Where the comment goes: GitHub issue comments on a pull request, or GitLab merge-request notes.

Both offer the same four operations to `post`; the tool's own comments are the ones whose body starts with its
hidden marker, so nobody else's comment is ever edited or deleted.
"""

from __future__ import annotations

from typing import Any, Protocol

from kms_infracost.comment.http import Api
from kms_infracost.errors import UserError
from kms_infracost.records import record


@record(frozen=True)
class Comment:
    id: int
    body: str
    url: str


class Platform(Protocol):
    def ours(self, marker: str) -> list[Comment]: ...
    def create(self, body: str) -> Comment: ...
    def update(self, comment: Comment, body: str) -> Comment: ...
    def delete(self, comment: Comment) -> None: ...


def _is_ours(body: Any, marker: str) -> bool:
    return isinstance(body, str) and body.split("\n", 1)[0].strip() == marker


class GitHub:
    """Issue comments of a pull request (REST v3; `api_url` is https://api.github.com or GHES's /api/v3)."""

    def __init__(self, api_url: str, token: str, repo: str, number: int) -> None:
        self.api = Api(
            api_url,
            {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
            "GitHub",
            "--github-token or GITHUB_TOKEN",
        )
        owner, _, name = repo.partition("/")
        if not owner or not name or "/" in name:
            raise UserError(f"--repo {repo!r} is not owner/name")
        self.comments = ("repos", owner, name, "issues", number, "comments")
        self.by_id = ("repos", owner, name, "issues", "comments")

    def _comment(self, item: Any) -> Comment:
        return Comment(int(item["id"]), str(item.get("body") or ""), str(item.get("html_url") or item.get("url") or ""))

    def ours(self, marker: str) -> list[Comment]:
        url = self.api.url(*self.comments, query={"per_page": "100"})
        return [self._comment(c) for c in self.api.pages(url) if _is_ours(c.get("body"), marker)]

    def create(self, body: str) -> Comment:
        return self._comment(self.api.request("POST", self.api.url(*self.comments), {"body": body}).body)

    def update(self, comment: Comment, body: str) -> Comment:
        return self._comment(self.api.request("PATCH", self.api.url(*self.by_id, comment.id), {"body": body}).body)

    def delete(self, comment: Comment) -> None:
        self.api.request("DELETE", self.api.url(*self.by_id, comment.id))


class GitLab:
    """Notes of a merge request (API v4 under `server_url`; `project` is an ID or a path like group/app)."""

    def __init__(self, server_url: str, token: str, project: str, iid: int) -> None:
        self.api = Api(server_url.rstrip("/") + "/api/v4", {"PRIVATE-TOKEN": token}, "GitLab", "--gitlab-token or GITLAB_TOKEN")
        self.project = project
        self.iid = iid
        self.web = server_url.rstrip("/")

    def _notes(self, *more: str | int, query: dict[str, str] | None = None) -> str:
        return self.api.url("projects", self.project, "merge_requests", self.iid, "notes", *more, query=query)

    def _comment(self, item: Any) -> Comment:
        return Comment(int(item["id"]), str(item.get("body") or ""), f"{self.web}/{self.project}/-/merge_requests/{self.iid}#note_{item['id']}")

    def ours(self, marker: str) -> list[Comment]:
        url = self._notes(query={"per_page": "100", "sort": "asc", "order_by": "created_at"})
        return [self._comment(n) for n in self.api.pages(url) if not n.get("system") and _is_ours(n.get("body"), marker)]

    def create(self, body: str) -> Comment:
        return self._comment(self.api.request("POST", self._notes(), {"body": body}).body)

    def update(self, comment: Comment, body: str) -> Comment:
        return self._comment(self.api.request("PUT", self._notes(comment.id), {"body": body}).body)

    def delete(self, comment: Comment) -> None:
        self.api.request("DELETE", self._notes(comment.id))
