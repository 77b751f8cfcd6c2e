#!/usr/bin/env bash
# The logic of the kms-infracost GitHub Action (action.yml runs this; tests run it with GITHUB_* variables,
# an event file and a local API server). Inputs arrive as INPUT_* environment variables.
#
#   1. install kms-infracost from the action's own checkout into a venv of its own (KMS_INFRACOST_BIN, a
#      command line, uses an already installed tool instead: the tests do)
#   2. `kms-infracost diff` of INPUT_PATH against the pull request's base (HCL mode by default: no plan and
#      no cloud credentials), writing JSON, markdown and GitHub annotations
#   3. annotations to the log (GitHub shows them on the diff), markdown to $GITHUB_STEP_SUMMARY
#   4. `kms-infracost comment github` on the pull request (when INPUT_COMMENT is true and there is one)
#   5. the job fails on violations (exit 1) unless INPUT_FAIL_ON_VIOLATIONS is false; on an error (exit 2),
#      always, and nothing is posted
set -uo pipefail

path=${INPUT_PATH:-.}
base_ref=${INPUT_BASE_REF:-}
config=${INPUT_CONFIG:-}
usage_file=${INPUT_USAGE_FILE:-}
behavior=${INPUT_BEHAVIOR:-update}
fail_on_violations=${INPUT_FAIL_ON_VIOLATIONS:-true}
post_comment=${INPUT_COMMENT:-true}
python_bin=${INPUT_PYTHON:-python3}
out=${RUNNER_TEMP:-$(mktemp -d)}/kms-infracost
mkdir -p "$out"

if [ -n "${KMS_INFRACOST_BIN:-}" ]; then
  read -r -a tool <<<"$KMS_INFRACOST_BIN"
else
  action_path=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this from action.yml}
  echo "::group::install kms-infracost from $action_path"
  "$python_bin" -m venv "$out/venv" && "$out/venv/bin/python" -m pip install -q "$action_path" || {
    echo "::error::kms-infracost could not be installed from $action_path"
    exit 2
  }
  echo "::endgroup::"
  tool=("$out/venv/bin/kms-infracost")
fi

event_value() {
  # $1: a dotted path into the event JSON (pull_request.base.sha); empty when absent
  [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
  "$python_bin" - "$GITHUB_EVENT_PATH" "$1" <<'PY'
import json, sys
value = json.load(open(sys.argv[1], encoding="utf-8"))
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)
PY
}

if [ -z "$base_ref" ]; then
  base_ref=$(event_value pull_request.base.sha)
fi
if [ -n "$base_ref" ] && ! git rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null; then
  # a shallow checkout lacks the base commit: fetch just that one
  git fetch --quiet --no-tags --depth=1 origin "$base_ref" || true
fi

args=(diff "$path")
[ -n "$base_ref" ] && args+=(--base-ref "$base_ref")
[ -n "$config" ] && args+=(--config "$config")
[ -n "$usage_file" ] && args+=(--usage-file "$usage_file")
args+=(--format json --out-file "$out/report.json" --format markdown --out-file "$out/report.md"
       --format github --out-file "$out/annotations.txt")

"${tool[@]}" "${args[@]}"
code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
  echo "::error::kms-infracost diff failed (exit $code); see the line above"
  exit "$code"
fi

cat "$out/annotations.txt"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$out/report.md" >>"$GITHUB_STEP_SUMMARY"
fi
echo "report=$out/report.json" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"

number=$(event_value pull_request.number)
if [ "$post_comment" = "true" ] && [ -n "$number" ]; then
  "${tool[@]}" comment github --path "$out/report.json" --pull-request "$number" --behavior "$behavior" || exit 2
elif [ "$post_comment" = "true" ]; then
  echo "kms-infracost: not a pull request event: no comment posted"
fi

if [ "$code" -eq 1 ] && [ "$fail_on_violations" = "true" ]; then
  echo "::error::kms-infracost: a KMS cost threshold or rule failed (set fail-on-violations: false to report only)"
  exit 1
fi
exit 0
