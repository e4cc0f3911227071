#!/usr/bin/env bash
# Mutation testing of the statistical core with mutmut (run by hand; CPU heavy).
#
#   scripts/mutation.sh [module ...]       # default: estimates gaps progress suppression scheme
#
# Each module is mutated in its own copy of the repository under ${MUTATION_DIR:-/tmp/evidence-mutation},
# against its fast tests only, at the lowest CPU priority and within ${BUDGET:-1800} seconds per module,
# with ${JOBS:-1} worker(s). It prints one JSON line per module with mutmut's counts and the score
# (killed + timeout) / (total - skipped). Survivors: `cd $MUTATION_DIR/<module> && mutmut results`,
# then `mutmut show NAME`. The copies are left for that; delete them when done. Run it with the
# project's virtual environment active (mutmut is in the test extra).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
base="${MUTATION_DIR:-/tmp/evidence-mutation}"
modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(estimates gaps progress suppression scheme)

tests_for() {  # the fast tests that exercise each module
  case "$1" in
    estimates)   echo "tests/test_estimates.py tests/test_gaps.py" ;;
    gaps)        echo "tests/test_gaps.py tests/test_progress.py" ;;
    progress)    echo "tests/test_progress.py tests/test_narrative.py" ;;
    suppression) echo "tests/test_suppression.py tests/test_gaps.py" ;;
    scheme)      echo "tests/test_scheme.py" ;;
    *)           echo "tests/test_$1.py" ;;
  esac
}

for m in "${modules[@]}"; do
  dir="$base/$m"
  rm -rf "$dir" && mkdir -p "$dir"
  cp -r "$repo/src" "$repo/tests" "$repo/pyproject.toml" "$dir/"
  python3 - "$dir/pyproject.toml" "$m" $(tests_for "$m") <<'PY'
import sys
path, module, *tests = sys.argv[1:]
with open(path, "a", encoding="utf-8") as f:
    f.write("\n[tool.mutmut]\n")
    f.write('source_paths = ["src/evidence"]\n')
    f.write(f'only_mutate = ["src/evidence/{module}.py"]\n')
    f.write(f"pytest_add_cli_args_test_selection = {tests!r}\n".replace("'", '"'))
    f.write('pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]\n')
PY
  (cd "$dir" && nice -n 19 timeout "${BUDGET:-1800}" python3 -m mutmut run --max-children "${JOBS:-1}" >run.log 2>&1) || true
  (cd "$dir" && python3 -m mutmut export-cicd-stats >/dev/null 2>&1) || true
  python3 - "$dir" "$m" <<'PY'
import json, sys
from pathlib import Path
d, m = sys.argv[1:]
f = Path(d) / "mutants" / "mutmut-cicd-stats.json"
s = json.loads(f.read_text()) if f.exists() else {}
tested = s.get("total", 0) - s.get("skipped", 0)
s["score"] = round(100 * (s.get("killed", 0) + s.get("timeout", 0)) / tested, 1) if tested else None
print(json.dumps({"module": m, **s}))
PY
done
