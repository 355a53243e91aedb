#!/usr/bin/env bash
# `npm run notebook`: executes notebooks/analyst.ipynb headless against the running service (GRAPHQL_URL, or
# what `npm start` serves) and writes the executed notebook, with its tables and plot, to
# test-results/analyst.executed.ipynb and the plot to test-results/dated-relations.png. Installs what it needs
# first (scripts/install-system-deps.sh). A failing cell fails the command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
mkdir -p test-results
export PLOT_PATH="${PLOT_PATH:-$PWD/test-results/dated-relations.png}"
echo "notebook: executing notebooks/analyst.ipynb against ${GRAPHQL_URL:-http://127.0.0.1:4000/graphql (GRAPHQL_URL unset)}"
status=0
/usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=120 notebooks/analyst.ipynb \
  --output-dir test-results --output analyst.executed >test-results/notebook.log 2>&1 || status=$?
# The kernel's debugger warnings say nothing about the notebook.
grep -v -i "debugger\|frozen.modules\|PYDEVD\|^0.00s" test-results/notebook.log || true
if [ "$status" -ne 0 ]; then
  echo "notebook: a cell failed (see above)" >&2
  exit "$status"
fi
# The plot must be in the notebook itself, not only in the file.
/usr/bin/python3 - <<'PY'
import json
nb = json.load(open("test-results/analyst.executed.ipynb"))
images = [o for c in nb["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
assert images, "the executed notebook shows no plot"
print(f"notebook: ran; {len(images)} plot(s) inline, saved to test-results/analyst.executed.ipynb")
PY
