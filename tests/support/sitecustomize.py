"""Loaded by every Python process the tests start with this folder on PYTHONPATH: no network at all.

Any attempt to open an internet socket fails loudly, so a test run proves the tool never reaches out. With
KMS_INFRACOST_TEST_LOOPBACK=1 (the `comment` tests, which talk to a server of their own), sockets may connect
to 127.0.0.1 / ::1 and nowhere else.
"""

import os
import socket

_real_socket = socket.socket
_LOOPBACK = os.environ.get("KMS_INFRACOST_TEST_LOOPBACK") == "1"


def _loopback_only(address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise OSError(f"network access is disabled in kms-infracost's tests (only loopback is allowed, not {host!r})")


class _NoNetworkSocket(_real_socket):
    def __init__(self, family: int = -1, *args: object, **kwargs: object) -> None:
        if family in (socket.AF_INET, socket.AF_INET6, -1) and not _LOOPBACK:
            raise OSError("network access is disabled in kms-infracost's tests")
        super().__init__(family, *args, **kwargs)  # type: ignore[arg-type]

    def connect(self, address: object) -> None:  # type: ignore[override]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _loopback_only(address)
        super().connect(address)  # type: ignore[arg-type]


socket.socket = _NoNetworkSocket  # type: ignore[misc]
if not _LOOPBACK:
    socket.create_connection = lambda *a, **k: (_ for _ in ()).throw(OSError("network access is disabled"))  # type: ignore[assignment]
