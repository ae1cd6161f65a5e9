#!/usr/bin/env bash
# Builds a real MinIO server from its Go module source, for tests and benchmarks against a real S3-compatible store
# on machines that cannot download MinIO's release binaries.
#   usage: build.sh [PREFIX]   -> PREFIX/bin/minio (default PREFIX: ~/.cache/reposage-minio)
# Needs Go >= 1.24. About 5 minutes on 2 busy cores the first time; an existing binary is kept. Idempotent.
set -euo pipefail
VERSION=${MINIO_MODULE_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
PREFIX=${1:-$HOME/.cache/reposage-minio}
mkdir -p "$PREFIX/bin"
# The stamp names the module version: a different pinned version rebuilds.
if [ -x "$PREFIX/bin/minio" ] && [ "$(cat "$PREFIX/bin/minio.version" 2>/dev/null)" = "$VERSION" ]; then
  echo "minio $VERSION already at $PREFIX/bin/minio"; exit 0
fi
CGO_ENABLED=0 GOBIN="$PREFIX/bin" go install -trimpath -ldflags "-s -w" "github.com/minio/minio@$VERSION"
echo "$VERSION" > "$PREFIX/bin/minio.version"
"$PREFIX/bin/minio" --version
