#!/usr/bin/env bash
# Fails when generated files (deep copies, OpenAPI documents) are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -d hack/tools/deepcopy-gen ]; then
  dirs=$(grep -l --include='*.go' -r 'TypeMeta' staging/src/keel.dev/api staging/src/keel.dev/apimachinery/pkg/apis | grep -v _test.go | xargs -n1 dirname | sort -u)
  go run ./hack/tools/deepcopy-gen -verify $dirs
fi
if [ -d hack/tools/openapi-gen ]; then
  go run ./hack/tools/openapi-gen -verify
fi
echo "generated files are up to date"
