"""JSONPath rules over the JSON report (jsonpath-ng's extended parser): a rule fails where its path matches.

Filters follow RFC 9535, which jsonpath-ng implements from 1.13 on (the lowest version we allow): a comparison
with a member the object lacks is false, except `!=`, which is true (`@.tags.env != 'prod'` matches an untagged
key); `&&`, `||` and `!` combine tests. Older jsonpath-ng treated a missing member as never matching, so the same
rule meant something else; pyproject.toml therefore requires 1.13 or newer and CI runs the lowest and the newest.
"""

from __future__ import annotations

from typing import Any

from kms_infracost.document import plain_numbers
from kms_infracost.errors import UserError
from kms_infracost.policy.violation import Violation

#: bounds that keep a rule's evaluation proportional to the report, whatever a config says
MAX_PATH_LENGTH = 2_000
MAX_DESCENTS = 2


def normalise_path(path: str) -> str:
    """The rule's path with a lone `&` written as `&&`, outside quoted strings.

    jsonpath-ng 1.13 to 1.16 accept both, deprecate `&` and will drop it in 2.0; configs written with `&` keep
    meaning the same thing without a deprecation warning.
    """
    out: list[str] = []
    quote = ""
    i = 0
    while i < len(path):
        char = path[i]
        if quote:
            out.append(char)
            if char == "\\" and i + 1 < len(path):
                out.append(path[i + 1])
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "&":
            run = 1
            while i + run < len(path) and path[i + run] == "&":
                run += 1
            out.append("&&" if run == 1 else "&" * run)
            i += run - 1
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _resource_of(match: Any, document: dict[str, Any]) -> dict[str, Any] | None:
    """The report resource a match lies in, so the violation can point at its file and line."""
    context = match
    while context is not None:
        value = context.value
        if isinstance(value, dict) and "address" in value and "cost_components" in value:
            return value
        context = context.context
    return None


def evaluate_rules(rules: list[dict[str, str]], document: dict[str, Any]) -> list[Violation]:
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext.parser import parse

    # jsonpath-ng never matches Decimal values in filters: evaluate over plain numbers
    view = plain_numbers(document)
    found: list[Violation] = []
    for rule in rules:
        path = rule["path"]
        if len(path) > MAX_PATH_LENGTH:
            raise UserError(f"rule {rule['id']}: path is {len(path):,} characters long; the limit is {MAX_PATH_LENGTH:,}")
        if path.count("..") > MAX_DESCENTS:
            raise UserError(
                f"rule {rule['id']}: path uses recursive descent (..) {path.count('..')} times; at most "
                f"{MAX_DESCENTS} are allowed so a rule cannot make evaluation explode"
            )
        try:
            expression = parse(normalise_path(path))
        except (JsonPathParserError, JsonPathLexerError) as exc:
            raise UserError(f"rule {rule['id']}: path {rule['path']!r} does not parse: {exc}") from None
        except RecursionError:
            raise UserError(f"rule {rule['id']}: path nests too deeply to parse") from None
        except Exception as exc:  # noqa: BLE001 - jsonpath-ng's lexer and parser raise plain Exception
            raise UserError(f"rule {rule['id']}: path {rule['path']!r} does not parse: {exc}") from None
        try:
            matches = expression.find(view)
        except RecursionError:  # a path under the length limit can still nest deeper than the stack
            raise UserError(f"rule {rule['id']}: path nests too deeply to evaluate; shorten it") from None
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            raise UserError(f"rule {rule['id']}: path cannot be evaluated: {exc}") from None
        for match in matches:
            resource = _resource_of(match, view)
            address = resource["address"] if resource else None
            if address is None and isinstance(match.value, dict) and "keys" in match.value:
                where = match.value.get("address") or "the root module"
                message = f"{where}: {rule['message']}"
            else:
                message = rule["message"] if not address else f"{address}: {rule['message']}"
            found.append(
                Violation(
                    rule=rule["id"],
                    message=message,
                    address=address,
                    severity=rule.get("severity", "error"),
                    file=resource.get("file") if resource else None,
                    line=resource.get("line") if resource else None,
                )
            )
    return found
