#!/usr/bin/env bash
# Installs code-server (a real VS Code served over HTTP) and headless Chromium for the e2e tests,
# following /work/shared/notes/code-server.md. Idempotent: a second run only checks what is there.
# The install lives outside the repository, in ~/.cache/reposage/code-server (override with
# REPOSAGE_CODE_SERVER_DIR), so it is neither packaged nor committed.
set -euo pipefail

VERSION=4.100.3
DIR="${REPOSAGE_CODE_SERVER_DIR:-$HOME/.cache/reposage/code-server}"
BIN="$DIR/node_modules/.bin/code-server"

need_apt=()
for cmd in chromium rg; do command -v "$cmd" >/dev/null || need_apt+=("$cmd"); done
if [ ! -e /usr/include/krb5.h ] || [ ! -e /usr/include/libsecret-1/libsecret/secret.h ]; then need_apt+=(headers); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "Run as root to install Debian packages (missing: ${need_apt[*]})." >&2; exit 1; fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev ripgrep chromium
fi

if [ -x "$BIN" ] && [ "$(node -p "require('$DIR/node_modules/code-server/package.json').version")" = "$VERSION" ]; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi

# @vscode/ripgrep downloads its binary at install time; the internet is not reachable, so seed the
# cache it checks first with Debian's rg.
tmp=$(node -p 'require("os").tmpdir()')
cache="$tmp/vscode-ripgrep-cache-1.15.11"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$archive" ]; then
  seed=$(mktemp -d)
  cp "$(command -v rg)" "$seed/rg"
  mkdir -p "$cache"
  tar czf "$archive" -C "$seed" rg
  rm -rf "$seed"
fi

# Native modules without a prebuilt binary here (argon2's comes from GitHub) build with node-gyp, which
# would download Node's headers from nodejs.org; Debian's nodejs package ships them under its prefix.
node_prefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
if [ -f "$node_prefix/include/node/common.gypi" ]; then export npm_config_nodedir="$node_prefix"; fi

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{ "name": "reposage-code-server", "private": true }' > package.json
# The postinstall refuses root without unsafe-perm and runs `npx node-gyp`, which needs npx's yes.
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund "code-server@$VERSION"
"$BIN" --version
