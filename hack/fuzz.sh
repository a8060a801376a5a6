#!/usr/bin/env bash
# Runs every Go fuzz target of the repository for a short time (default 5s each).
# Usage: hack/fuzz.sh [FUZZTIME]
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5s}
found=0
while IFS= read -r file; do
  dir=$(dirname "$file")
  mod=$dir
  while [ ! -f "$mod/go.mod" ]; do mod=$(dirname "$mod"); done
  if [ "$dir" = "$mod" ]; then pkg=.; else pkg="./${dir#"$mod"/}"; fi
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    found=$((found+1))
    echo "== fuzz $target in $dir for $fuzztime"
    (cd "$mod" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg")
  done
done < <(git ls-files -co --exclude-standard '*_test.go' | xargs -r grep -l '^func Fuzz' | sort)
echo "fuzz: $found targets ran"
