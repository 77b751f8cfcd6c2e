from __future__ import annotations

from decimal import Decimal

from kms_infracost.records import record


@record
class Violation:
    rule: str
    message: str
    address: str | None = None
    actual: Decimal | None = None
    limit: Decimal | None = None
    severity: str = "error"
    skipped: bool = False
    skip_reason: str | None = None
    file: str | None = None
    line: int | None = None
    #: the project (root module) whose limits or resources it concerns
    project: str | None = None

    @property
    def fails(self) -> bool:
        return self.severity == "error" and not self.skipped
