#!/usr/bin/env bash
# Mutation testing of the statistical core with mutmut (run by hand; CPU heavy).
#
#   scripts/mutation.sh [module ...]       # default: estimates gaps progress suppression scheme verdicts
#   ONLY='x_estimate*' scripts/mutation.sh estimates   # only the mutants whose names match (fnmatch globs,
#                                                      # space-separated), e.g. one function of a big module
#
# Each module is mutated in its own copy of the repository under ${MUTATION_DIR:-/tmp/evidence-mutation},
# against its fast tests only, at the lowest CPU priority and within ${BUDGET:-1800} seconds per module,
# with ${JOBS:-1} worker(s). It prints one JSON line per module with mutmut's counts and the score
# (killed + timeout) / mutants checked, with the number not checked within the budget. Survivors: `cd $MUTATION_DIR/<module> && mutmut results`,
# then `mutmut show NAME`. The copies are left for that; delete them when done. Run it with the
# project's virtual environment active (mutmut is in the test extra).
set -euo pipefail -o noglob
repo="$(cd "$(dirname "$0")/.." && pwd)"
# the reference cases live in ../shared: tests in the copy would not find them and would skip, not fail
export EVIDENCE_SHARED="${EVIDENCE_SHARED:-$(cd "$repo/../shared" 2>/dev/null && pwd || echo "$repo/../shared")}"
base="${MUTATION_DIR:-/tmp/evidence-mutation}"
modules=("$@")
[ ${#modules[@]} -eq 0 ] && modules=(estimates gaps progress suppression scheme verdicts)

tests_for() {  # the fast tests that exercise each module
  case "$1" in
    estimates)   echo "tests/test_estimates.py" ;;
    # the hypothesis sweeps (35 s and 23 s) are left out: a surviving mutant would pay for them every time
    # (and the README example on the real Fingertips file, 3 s of 14: fast tests of what it covers are kept)
    gaps)        echo "tests/test_gaps.py tests/test_gaps_branches.py --deselect tests/test_gaps.py::test_swapping_polarity_flips_gap" \
                      "--deselect tests/test_gaps.py::test_readme_example_on_real_fingertips_file" ;;
    # the row-by-row check is the only test of _status_rowwise/_one_status (the specification of _status)
    progress)    echo "tests/test_progress.py tests/test_narrative.py" \
                      "tests/test_sentences.py::test_progress_wording_and_status_equal_row_by_row_on_the_demo" \
                      "--deselect tests/test_progress.py::test_never_narrowed_when_all_fell_significantly" ;;
    suppression) echo "tests/test_suppression.py" ;;
    # the rules called directly (tests/test_scheme_rules.py, 5 s) and the scheme-file tests, without the four that
    # evaluate the whole demo scheme (14 of the file's 26 s; a surviving mutant would pay for them every time)
    scheme)      echo "tests/test_scheme_rules.py tests/test_scheme.py" \
                      "--deselect tests/test_scheme.py::test_improve_where_gap_on_the_demo" \
                      "--deselect tests/test_scheme.py::test_maintain_level_and_representation" \
                      "--deselect tests/test_scheme.py::test_demo_scheme_loads_and_ships_in_package" \
                      "--deselect tests/test_scheme.py::test_evaluate_demo_planted_cases" ;;
    verdicts)    echo "tests/test_verdicts.py" ;;
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
  (cd "$dir" && nice -n 19 timeout "${BUDGET:-1800}" python3 -m mutmut run --max-children "${JOBS:-1}" \
    $(for g in ${ONLY:-}; do echo "evidence.$m.$g"; done) >run.log 2>&1) || true
  (cd "$dir" && python3 -m mutmut export-cicd-stats >/dev/null 2>&1) || true
  python3 - "$dir" "$m" <<'PY'
import json, sys
from pathlib import Path
d, m = sys.argv[1:]
f = Path(d) / "mutants" / "mutmut-cicd-stats.json"
s = json.loads(f.read_text()) if f.exists() else {}
# mutants checked before the time budget ran out; the rest are reported as not checked, not as survivors
checked = sum(s.get(k, 0) for k in ("killed", "survived", "timeout", "suspicious", "segfault", "no_tests"))
s["not_checked"] = s.get("total", 0) - s.get("skipped", 0) - checked
s["score"] = round(100 * (s.get("killed", 0) + s.get("timeout", 0)) / checked, 1) if checked else None
print(json.dumps({"module": m, **s}))
PY
done
