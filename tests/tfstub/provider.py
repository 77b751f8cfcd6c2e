"""Entry point of the fake ``aliyun/alicloud`` Terraform provider used to make the plan fixtures.

Terraform starts this through the ``terraform-provider-alicloud`` launcher that ``regenerate.py`` writes into
a temporary ``dev_overrides`` directory. The ``tf`` package (PyPI ``tf``) does the go-plugin handshake, the
TLS certificate and the gRPC server; every provider RPC is answered by ``AlicloudServicer``, which replaces
the package's own servicer (see ``alicloud_servicer.py`` for why).

Run by hand with ``--dev`` to get a ``TF_REATTACH_PROVIDERS`` line for debugging.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

FULL_NAME = "registry.terraform.io/aliyun/alicloud"
#: the other provider the launcher can start (TFSTUB_FLAVOUR=aws): only its KMS key and alias
AWS_FULL_NAME = "registry.terraform.io/hashicorp/aws"


class _ProviderName:
    """The little of ``tf.iface.Provider`` that ``tf.runner.run_provider`` itself uses."""

    def __init__(self, name: str) -> None:
        self.name = name

    def full_name(self) -> str:
        return self.name


def _use_aws_schema() -> str:
    """Serve the fake hashicorp/aws instead: the servicer reads the schema module's tables at call time."""
    import alicloud_schema
    import aws_schema

    alicloud_schema.PROVIDER = aws_schema.PROVIDER
    alicloud_schema.RESOURCES = aws_schema.RESOURCES
    alicloud_schema.DATA_SOURCES = aws_schema.DATA_SOURCES
    return AWS_FULL_NAME


def main(argv: list[str] | None = None) -> None:
    import tf.provider
    from alicloud_servicer import AlicloudServicer
    from tf.runner import run_provider

    # run_provider looks ProviderServicer up in tf.provider when it starts, so this swaps in ours.
    tf.provider.ProviderServicer = AlicloudServicer  # type: ignore[misc,assignment]
    name = _use_aws_schema() if os.environ.get("TFSTUB_FLAVOUR") == "aws" else FULL_NAME
    run_provider(_ProviderName(name), argv or sys.argv)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
