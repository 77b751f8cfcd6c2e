#!/usr/bin/env bash
# Mutation testing of the modules that decide money and verdicts (pricing/, policy/, usage/resolve.py and the
# report totals in document.py and report/figures.py), with mutmut 3 ([tool.mutmut] in pyproject.toml).
# Not part of the default CI run: about 2,000 mutants, under 30 minutes on two free cores.
#
#   scripts/mutation.sh                      every mutant, then the score table (exit 1 under 90% in a file)
#   scripts/mutation.sh 'kms_infracost.policy.thresholds.*'   only these mutants (mutmut's names, globs allowed)
#   MUTATION_CHILDREN=1 scripts/mutation.sh  fewer parallel workers (default: 2)
#   MUTATION_FRESH=0 scripts/mutation.sh     keep mutants/ and earlier results (default: start clean)
#
# Needs the mutation extra: pip install -e '.[test,mutation]'. Survivors: python scripts/mutation_report.py
# --survivors; `python -m mutmut show NAME` shows one. Equivalent mutants are listed, each with its reason, in
# scripts/mutation-equivalent.toml and left out of the score.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[ -x "$python" ] || python=python
"$python" -c "import mutmut" 2>/dev/null || { echo "mutation.sh: mutmut is not installed: pip install -e '.[test,mutation]'" >&2; exit 2; }
if [ "${MUTATION_FRESH:-1}" = 1 ] && [ "$#" -eq 0 ]; then
    rm -rf mutants
fi
# mutmut exits non-zero when a mutant survives; the score below decides
nice -n 10 "$python" -m mutmut run --max-children "${MUTATION_CHILDREN:-2}" "$@" || true
"$python" scripts/mutation_report.py --min "${MUTATION_MIN:-90}"
