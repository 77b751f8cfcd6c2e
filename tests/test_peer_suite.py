"""OpenTofu's own configuration test suites (../shared/peer/opentofu, MPL-2.0, read in place and never copied
into the project), each case with a probe HSM key added in a temporary copy: nothing crashes, and every case
whose name does not say invalid or error prices the probe exactly and parses in full.

`python tests/support/peer_survey.py` prints the same survey as a table with folders per second.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))
from peer_survey import PEER, Outcome, cases, survey

pytestmark = [
    pytest.mark.peer,
    pytest.mark.skipif(not PEER.is_dir(), reason="../shared/peer/opentofu is not here"),
]


@pytest.fixture(scope="module")
def surveyed() -> tuple[list[Outcome], float, float]:
    return survey()


def test_every_peer_case_prices_the_probe_or_is_rejected_only_where_the_suite_says_invalid(
    surveyed: tuple[list[Outcome], float, float],
) -> None:
    outcomes, cold, warm = surveyed
    assert len(outcomes) == len(cases()) > 700
    assert [(o.case, o.reason) for o in outcomes if o.kind == "crashed"] == []
    assert [(o.case, o.reason) for o in outcomes if o.kind != "priced" and not o.may_fail] == []
    assert cold > 0 and warm > 0
    # the suite's Unicode local (`π`), which python-hcl2's grammar alone rejects, parses
    assert any(o.case.endswith("valid-files/locals.tf") and o.kind == "priced" for o in outcomes)


def test_the_rejected_cases_are_the_suites_invalid_configurations(
    surveyed: tuple[list[Outcome], float, float],
) -> None:
    outcomes, _, _ = surveyed
    rejected = sorted(o.case for o in outcomes if o.kind == "rejected")
    assert rejected == [
        "internal/configs/testdata/invalid-files/json-as-native-syntax.tf",
        "internal/configs/testdata/invalid-files/provider-syntax.tf",
        "internal/configs/testdata/invalid-modules/multiple-required-providers-with-syntax-error",
    ]
