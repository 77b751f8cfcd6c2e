"""A small JSON-over-HTTPS client on urllib: one API base URL, a token header, errors as one line.

The token goes only to the API base URL the command was given: a pagination link that leads anywhere else is
refused. Neither the token nor a request body ever appears in a message.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from typing import Any

from kms_infracost import __version__
from kms_infracost.errors import UserError
from kms_infracost.records import record

TIMEOUT_SECONDS = 30
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@record(frozen=True)
class Response:
    status: int
    body: Any
    headers: dict[str, str]


class Api:
    """Requests under one base URL with fixed headers; `what` names the service in errors (GitHub, GitLab)."""

    def __init__(self, base_url: str, headers: dict[str, str], what: str, token_hint: str) -> None:
        parsed = urllib.parse.urlsplit(base_url)
        if parsed.scheme not in ("https", "http") or not parsed.netloc:
            raise UserError(f"{what} API URL {base_url!r} is not an http(s) URL")
        self.base = base_url.rstrip("/")
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        self.headers = {"User-Agent": f"kms-infracost/{__version__}", "Accept": "application/json", **headers}
        self.what = what
        self.token_hint = token_hint

    def url(self, *segments: str | int, query: dict[str, str] | None = None) -> str:
        """base/segment/…, each segment one path segment whatever it holds (GitLab's group/app is group%2Fapp)."""
        quoted = "/".join(urllib.parse.quote(str(part), safe="") for part in segments)
        return f"{self.base}/{quoted}" + (f"?{urllib.parse.urlencode(query)}" if query else "")

    def request(self, method: str, url: str, body: dict[str, Any] | None = None) -> Response:
        if not (url == self.base or url.startswith((self.base + "/", self.base + "?"))):
            raise UserError(f"{self.what} API sent a link outside {self.base}; not following it with the token")
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as reply:
                raw = reply.read()
                status = reply.status
                reply_headers = {k.lower(): v for k, v in reply.headers.items()}
        except urllib.error.HTTPError as exc:
            raise UserError(self._refused(method, url, exc)) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise UserError(f"cannot reach the {self.what} API at {self.origin}: {reason}; check the network and the API URL") from None
        if not raw.strip():
            return Response(status, None, reply_headers)
        try:
            return Response(status, json.loads(raw), reply_headers)
        except ValueError:
            raise UserError(f"{self.what} API answered {method} {self._shown(url)} with something that is not JSON") from None

    def pages(self, url: str) -> list[Any]:
        """Every item of a paginated list, following `Link: <…>; rel="next"` (GitHub and GitLab both send it)."""
        items: list[Any] = []
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            reply = self.request("GET", url)
            if not isinstance(reply.body, list):
                raise UserError(f"{self.what} API answered GET {self._shown(url)} with something that is not a list")
            items.extend(reply.body)
            found = _NEXT.search(reply.headers.get("link", ""))
            url = found.group(1) if found else ""
        return items

    def _shown(self, url: str) -> str:
        return urllib.parse.urlsplit(url).path

    def _refused(self, method: str, url: str, exc: urllib.error.HTTPError) -> str:
        status = exc.code
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        where = f"{self.what} API: {method} {self._shown(url)}: {status}"
        detail = _message(exc)
        if status == 429 or (status == 403 and (headers.get("x-ratelimit-remaining") == "0" or "rate limit" in detail.lower())):
            return f"{where} rate limit reached{_reset(headers)}; try again later"
        if status == 401:
            return f"{where} the token was refused (missing, expired or revoked); set {self.token_hint}"
        if status == 403:
            return f"{where} forbidden: the token may not do this{_said(detail)}; give it write access to comments"
        if status == 404:
            return (
                f"{where} not found{_said(detail)}: check the repository and the pull/merge request number "
                f"(a token that cannot see a private repository gets 404 too)"
            )
        return f"{where} {exc.reason}{_said(detail)}"


def _message(exc: urllib.error.HTTPError) -> str:
    """The API's own `message` (GitHub) or `message`/`error` (GitLab), if the error body has one."""
    try:
        body = json.loads(exc.read() or b"null")
    except (ValueError, OSError):
        return ""
    if isinstance(body, dict):
        value = body.get("message") or body.get("error") or ""
        return " ".join(str(value).split())[:200]
    return ""


def _said(detail: str) -> str:
    return f" ({detail})" if detail else ""


def _reset(headers: dict[str, str]) -> str:
    reset = headers.get("x-ratelimit-reset") or ""
    if reset.isdigit():
        return f" until {datetime.fromtimestamp(int(reset), UTC):%H:%M} UTC"
    after = headers.get("retry-after") or ""
    return f" (retry after {after} s)" if after.isdigit() else ""
