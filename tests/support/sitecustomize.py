"""Loaded by every Python process the tests start with this folder on PYTHONPATH: no network at all.

Any attempt to open an internet socket fails loudly, so a test run proves the tool never reaches out.
"""

import socket

_real_socket = socket.socket


class _NoNetworkSocket(_real_socket):
    def __init__(self, family: int = -1, *args: object, **kwargs: object) -> None:
        if family in (socket.AF_INET, socket.AF_INET6, -1):
            raise OSError("network access is disabled in kms-infracost's tests")
        super().__init__(family, *args, **kwargs)  # type: ignore[arg-type]


socket.socket = _NoNetworkSocket  # type: ignore[misc]
socket.create_connection = lambda *a, **k: (_ for _ in ()).throw(OSError("network access is disabled"))  # type: ignore[assignment]
