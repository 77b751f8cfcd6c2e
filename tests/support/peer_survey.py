"""Run the HCL source over OpenTofu's configuration test suites (../shared/peer/opentofu, MPL-2.0), each case
in a temporary copy with a probe HSM key added, and say what happened to each.

    python tests/support/peer_survey.py [PEER_DIR]     # the table of rejections, and folders per second

A case is a folder holding configuration files; in the suites' `*-files` folders every file is a case of
its own (OpenTofu's tests load those files one by one). Outcomes: "priced" (the probe priced exactly, and
every native-syntax file of the case parses in full, not only the blocks a run reads), "rejected" (a one-line
error, exit 2, with its reason) or "crashed" (anything else: a bug). Cases whose path says invalid or error
may be rejected; every other case must price the probe.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
PEER = REPO.parent / "shared" / "peer" / "opentofu"
CONFIG_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
PROBE_ADDRESS = "alicloud_kms_key.kms_infracost_probe"
PROBE = """
resource "alicloud_kms_key" "kms_infracost_probe" {
  protection_level = "HSM"
  key_spec         = "Aliyun_AES_256"
}
"""
#: kms1-intl, HSM basic key in cn-beijing (the provider's default region): 0.033 USD x 30 days
PROBE_COST = Decimal("0.99")


@dataclass
class Outcome:
    case: str
    kind: str  # priced | rejected | crashed
    reason: str = ""

    @property
    def may_fail(self) -> bool:
        return any(word in self.case.lower() for word in ("invalid", "error"))


def cases(peer: Path = PEER) -> list[tuple[str, Path, Path | None]]:
    """(name, folder, single file or None) of every case, in a stable order."""
    found: list[tuple[str, Path, Path | None]] = []
    for folder in sorted({p.parent for p in peer.rglob("*") if p.is_file() and p.name.endswith(CONFIG_SUFFIXES)}):
        name = folder.relative_to(peer).as_posix()
        if folder.name.endswith("-files"):
            for file in sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(CONFIG_SUFFIXES)):
                found.append((f"{name}/{file.name}", folder, file))
        else:
            found.append((name, folder, None))
    return found


def _copy(folder: Path, single: Path | None, into: Path) -> Path:
    work = into / "case"
    if single is not None:
        work.mkdir()
        shutil.copy2(single, work / single.name)
    else:
        shutil.copytree(folder, work, symlinks=True)
    (work / "kms_infracost_probe.tf").write_text(PROBE, encoding="utf-8")
    return work


def price_probe(directory: Path, cache: str) -> Outcome:
    """Price one copied case the way `kms-infracost breakdown DIR` does (sources, usage, pricing)."""
    from kms_infracost.errors import UserError
    from kms_infracost.model import Inventory
    from kms_infracost.pricing.book import select_books
    from kms_infracost.pricing.engine import estimate
    from kms_infracost.sources.hcl import load_hcl
    from kms_infracost.usage.resolve import UsageResolver

    env = {"KMS_INFRACOST_CACHE_DIR": cache}
    try:
        inventory = load_hcl([str(directory)], env=env)
        probes = [r for r in inventory.resources if r.address == PROBE_ADDRESS]
        books = select_books("kms1-intl")
        result = estimate(Inventory(resources=probes), books[0], instance_book=books[1], days_per_month=30,
                          usage=UsageResolver(None, {}), horizon_months=12)
    except UserError as exc:
        return Outcome("", "rejected", exc.one_line().replace(str(directory) + os.sep, ""))
    except Exception as exc:  # noqa: BLE001 - the survey's point is to catch every crash
        return Outcome("", "crashed", f"{type(exc).__name__}: {exc}")
    costs = [priced.monthly_cost for priced in result.resources if priced.resource.address == PROBE_ADDRESS]
    if costs != [PROBE_COST]:
        return Outcome("", "rejected", f"probe priced {costs} instead of [{PROBE_COST}]")
    return Outcome("", "priced")


def parse_every_file(directory: Path) -> Outcome:
    """Beyond what a run reads: every native-syntax file of the case parses as terraform would parse it."""
    from kms_infracost.errors import UserError
    from kms_infracost.sources.hcl.syntax import parse_file

    for path in sorted(directory.iterdir()):
        if path.is_file() and path.name.endswith((".tf", ".tofu")):
            try:
                parse_file(path.read_text(encoding="utf-8"), path.name)
            except UserError as exc:
                return Outcome("", "rejected", f"parsing every block: {exc.one_line()}")
            except Exception as exc:  # noqa: BLE001
                return Outcome("", "crashed", f"parsing every block: {type(exc).__name__}: {exc}")
    return Outcome("", "priced")


def survey(peer: Path = PEER) -> tuple[list[Outcome], float, float]:
    """Every case's outcome, and folders per second cold (empty parse cache) and warm (second pass)."""
    outcomes: list[Outcome] = []
    all_cases = cases(peer)
    with tempfile.TemporaryDirectory(prefix="kms-infracost-peer-") as tmp:
        root = Path(tmp)
        copies = []
        for n, (name, folder, single) in enumerate(all_cases):
            slot = root / f"c{n}"
            slot.mkdir()
            copies.append((name, _copy(folder, single, slot)))
        cache = str(root / "cache")
        timings = []
        for run in ("cold", "warm"):
            start = time.perf_counter()
            results = [(name, price_probe(work, cache)) for name, work in copies]
            timings.append(len(copies) / (time.perf_counter() - start))
            if run == "cold":
                for (name, outcome), (_, work) in zip(results, copies):
                    if outcome.kind == "priced":
                        outcome = parse_every_file(work)
                    outcome.case = name
                    outcomes.append(outcome)
    return outcomes, timings[0], timings[1]


def table(outcomes: list[Outcome]) -> str:
    rows = [o for o in outcomes if o.kind != "priced"]
    lines = ["| case | outcome | reason |", "|---|---|---|"]
    lines += [f"| `{o.case}` | {o.kind} | {o.reason.replace('|', '/')} |" for o in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    peer = Path(argv[0]) if argv else PEER
    outcomes, cold, warm = survey(peer)
    counts = Counter(o.kind for o in outcomes)
    print(table(outcomes))
    print(f"\n{len(outcomes)} cases: {dict(counts)}; {cold:.0f} folders/s cold, {warm:.0f} folders/s warm")
    return 1 if counts["crashed"] or any(o.kind != "priced" and not o.may_fail for o in outcomes) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main(sys.argv[1:]))
