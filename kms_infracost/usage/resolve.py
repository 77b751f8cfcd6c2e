"""Usage for one resource, highest precedence first: inline annotation, usage file by exact address,
by wildcard address, the file's per-type default, then the built-in default. Each value keeps its source."""

from __future__ import annotations

from decimal import Decimal

from kms_infracost import model
from kms_infracost.usage.annotations import Annotation
from kms_infracost.usage.usagefile import UsageFile


class UsageResolver:
    def __init__(self, usage_file: UsageFile | None, annotations: dict[tuple[str, str], Annotation]) -> None:
        self.usage_file = usage_file
        self.annotations = annotations

    def __call__(self, resource: model.Resource) -> model.Usage:
        usage = self.usage_file.usage_for(resource) if self.usage_file else model.Usage()
        annotation = self.annotations.get(resource.uid)
        if annotation is not None:
            for key, value in annotation.values.items():
                usage.values[key] = value
                usage.sources[key] = annotation.source(key)
            if annotation.service_key is not None:
                usage.values["service_key"] = Decimal(1 if annotation.service_key else 0)
                usage.sources["service_key"] = annotation.source("service_key")
        return usage
