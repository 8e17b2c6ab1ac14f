#!/usr/bin/env bash
# Regenerates the coverage matrix of the whole catalogue (every detector
# on every scenario, live: scanlogd and psad run inside the test
# networks) into docs/matrix/ and splices its Markdown into the README
# between the matrix markers. Root only: the live catalogue builds test
# networks. Usage: scripts/matrix.sh [siglab binary]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-bin/siglab}
[ "$(id -u)" = 0 ] || { echo "scripts/matrix.sh: needs root (the catalogue runs live)" >&2; exit 2; }
out=docs/matrix
mkdir -p "$out"
set +e
"$bin" matrix --out "$out" >/dev/null
code=$?
set -e
# 0: every expectation met; 1: a miss, which the matrix explains. Any
# other code is an error of the run itself.
if [ "$code" -gt 1 ]; then
  echo "scripts/matrix.sh: siglab matrix failed with exit code $code" >&2
  exit "$code"
fi
tmp=$(mktemp README.md.XXXXXX)
trap 'rm -f "$tmp"' EXIT
{
  sed -n '1,/^<!-- matrix:begin -->$/p' README.md
  echo
  echo "Generated $(date -u +%Y-%m-%d) by \`make matrix\` (\`siglab matrix\`, live, as root) on $(nproc) cores; \`docs/matrix/\` has it as JSON and JUnit too."
  echo
  cat "$out/matrix.md"
  echo
  sed -n '/^<!-- matrix:end -->$/,$p' README.md
} >"$tmp"
grep -q '^<!-- matrix:begin -->$' "$tmp" && grep -q '^<!-- matrix:end -->$' "$tmp" || { echo "scripts/matrix.sh: README has no matrix markers" >&2; exit 2; }
chmod --reference=README.md "$tmp"
mv "$tmp" README.md
trap - EXIT
echo "matrix: exit $code, written to $out and README.md"
