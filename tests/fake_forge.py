"""A small GitHub / GitLab comment API of our own on 127.0.0.1, for `kms-infracost comment` and the action.

Real HTTP on a real socket: the tool's urllib client talks to it as it would to api.github.com or a GitLab
server. It keeps comments in memory, paginates like the real APIs (per_page, page, a `Link: rel="next"`
header), checks the token header, records every request, and can be told to answer the next request with an
error (401, 403, 404, a rate limit).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GITHUB_LIST = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)/issues/(?P<number>\d+)/comments$")
GITHUB_ONE = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)/issues/comments/(?P<id>\d+)$")
GITLAB_LIST = re.compile(r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)/notes$")
GITLAB_ONE = re.compile(r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)/notes/(?P<id>\d+)$")


@dataclass
class Recorded:
    method: str
    path: str  # as sent, percent-encoding kept
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Forge:
    token: str = "t0ken-s3cret"
    prefix: str = ""  # GitHub Enterprise Server serves the API under /api/v3
    max_per_page: int = 100
    threads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    failures: list[tuple[int, dict[str, str], Any]] = field(default_factory=list)
    next_link_host: str | None = None  # send pagination links to another host (the tool must not follow)
    url: str = ""
    _next_id: int = 1000

    def seed(self, thread: str, body: str, user: str = "someone", system: bool = False) -> dict[str, Any]:
        """A comment already there; thread is `github:owner/name#7` or `gitlab:<project as sent>!3`."""
        item = self._new(thread, body, user)
        item["system"] = system
        return item

    def comments(self, thread: str) -> list[dict[str, Any]]:
        return self.threads.get(thread, [])

    def fail_next(self, status: int, headers: dict[str, str] | None = None, body: Any = None) -> None:
        self.failures.append((status, headers or {}, body))

    def _new(self, thread: str, body: str, user: str) -> dict[str, Any]:
        self._next_id += 1
        item = {"id": self._next_id, "body": body, "user": {"login": user}, "author": {"username": user}}
        if thread.startswith("github:"):
            repo, number = thread[len("github:"):].split("#")
            item["html_url"] = f"https://github.example/{repo}/pull/{number}#issuecomment-{self._next_id}"
        self.threads.setdefault(thread, []).append(item)
        return item

    # --- one request ---------------------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        split = urlsplit(raw_path)
        path, query = split.path, parse_qs(split.query)
        self.requests.append(Recorded(method, path, query, headers, body))
        if self.failures:
            return self.failures.pop(0)
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return 404, {}, {"message": "Not Found"}
            path = path[len(self.prefix):]
        if path.startswith("/api/v4/"):
            return self._gitlab(method, path, query, headers, body)
        return self._github(method, path, query, headers, body)

    def _github(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {}, {"message": "Bad credentials"}
        if found := GITHUB_LIST.match(path):
            return self._list(f"github:{found['owner']}/{found['name']}#{found['number']}", method, path, query, body)
        if found := GITHUB_ONE.match(path):
            prefix = f"github:{found['owner']}/{found['name']}#"
            threads = [items for thread, items in self.threads.items() if thread.startswith(prefix)]
            return self._one(threads, int(found["id"]), method, "PATCH", body)
        return 404, {}, {"message": "Not Found"}

    def _gitlab(self, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        if headers.get("private-token") != self.token:
            return 401, {}, {"message": "401 Unauthorized"}
        if found := GITLAB_LIST.match(path):
            return self._list(f"gitlab:{found['project']}!{found['iid']}", method, path, query, body)
        if found := GITLAB_ONE.match(path):
            threads = [self.threads.get(f"gitlab:{found['project']}!{found['iid']}", [])]
            return self._one(threads, int(found["id"]), method, "PUT", body)
        return 404, {}, {"message": "404 Not found"}

    def _list(self, thread: str, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, dict[str, str], Any]:
        if method == "GET":
            return self._page(thread, path, query)
        if method == "POST":
            return 201, {}, self._new(thread, body["body"], "kms-bot")
        return 405, {}, {"message": "Method Not Allowed"}

    def _one(self, threads: list[list[dict[str, Any]]], wanted: int, method: str, edit: str, body: Any) -> tuple[int, dict[str, str], Any]:
        for items in threads:
            for item in items:
                if item["id"] != wanted:
                    continue
                if method == edit:
                    item["body"] = body["body"]
                    return 200, {}, item
                if method == "DELETE":
                    items.remove(item)
                    return 204, {}, None
        return 404, {}, {"message": "Not Found"}

    def _page(self, thread: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", ["30"])[0]), self.max_per_page)
        page = int(query.get("page", ["1"])[0])
        items = self.threads.get(thread, [])
        chunk = items[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(items):
            host = self.next_link_host or self.url
            headers["Link"] = f'<{host}{self.prefix}{path}?per_page={per_page}&page={page + 1}>; rel="next"'
        return 200, headers, chunk


class _Handler(BaseHTTPRequestHandler):
    forge: Forge

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, reply_headers, reply = self.forge.handle(self.command, self.path, headers, body)
        data = b"" if reply is None else json.dumps(reply).encode()
        self.send_response(status)
        for key, value in reply_headers.items():
            self.send_header(key, value)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return


@contextmanager
def running(forge: Forge | None = None) -> Iterator[Forge]:
    """The forge served on 127.0.0.1 on a free port for the duration of the block."""
    forge = forge or Forge()
    handler = type("Handler", (_Handler,), {"forge": forge})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    forge.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield forge
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
