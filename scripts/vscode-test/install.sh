#!/usr/bin/env bash
# Installs the VS Code that the integration and end-to-end tests run in: the VS Code server bundled in the npm
# package `code-server`, into .vscode-test/ (outside the project's node_modules, out of git, the .vsix and linters).
#
# Idempotent: does nothing when that version is already installed. Non-interactive: safe for CI (root, no stdin).
# The registry can't be asked for binaries from elsewhere, so every download that an install step would make is
# answered locally (the ripgrep cache) or avoided (Node headers from the machine's Node, not from the internet).
#
# Usage: scripts/vscode-test/install.sh            (prints the path of server-main.js on its last line)
# Env:   LOSS_LENS_CODE_SERVER_VERSION             (default below; must run on the machine's Node major version)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=scripts/vscode-test/version.sh
source "$root/scripts/vscode-test/version.sh"
version="${LOSS_LENS_CODE_SERVER_VERSION:-$CODE_SERVER_VERSION}"
dest="$root/.vscode-test/code-server-$version"
server_main="$dest/node_modules/code-server/lib/vscode/out/server-main.js"
marker="$dest/.installed"

if [[ -f "$marker" && -f "$server_main" ]]; then
  echo "code-server $version already installed in .vscode-test/code-server-$version"
  echo "$server_main"
  exit 0
fi

# The system packages the build needs (gssapi.h for `kerberos`, rg for the ripgrep cache below).
bash "$root/scripts/vscode-test/install-system-deps.sh"

node_major="$(node -p 'process.versions.node.split(".")[0]')"
wanted_major="$(npm view "code-server@$version" engines.node 2>/dev/null | tr -dc '0-9' | head -c 2 || true)"
if [[ -n "$wanted_major" && "$wanted_major" != "$node_major" ]]; then
  echo "code-server $version wants Node $wanted_major, this is Node $node_major" >&2
  exit 1
fi

staging="$dest.partial"
rm -rf "$staging"
mkdir -p "$staging/tmp"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the archive: give it
# Debian's rg (13.0.0, the same release) in the archive layout it expects (rg at the top level).
rg_cache="$staging/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$rg_cache/root"
cp "$(command -v rg)" "$rg_cache/root/rg"
tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rg_cache/root" rg
rm -rf "$rg_cache/root"

# Native modules build with node-gyp against the running Node's own headers, never downloaded ones.
node_prefix="$(dirname "$(dirname "$(command -v node)")")"
nodedir="$(npm config get nodedir 2>/dev/null || true)"
if [[ ! -f "$nodedir/include/node/node.h" ]]; then
  nodedir="$node_prefix"
fi
if [[ ! -f "$nodedir/include/node/node.h" ]]; then
  echo "No Node headers found (looked in the npm nodedir setting and $node_prefix/include/node)." >&2
  exit 1
fi

echo '{ "private": true, "description": "VS Code server for Loss Lens tests (not part of the extension)" }' \
  >"$staging/package.json"

echo "Installing code-server $version into .vscode-test/ (a few minutes on a cold cache)..."
(
  cd "$staging"
  # yes=true: node-pty's postinstall runs `npx node-gyp`, which would otherwise prompt (this machine's npmrc says
  # yes=false) and fail with no stdin. unsafe_perm: postinstall scripts run as root in CI.
  TMPDIR="$staging/tmp" \
    npm_config_yes=true \
    npm_config_unsafe_perm=true \
    npm_config_nodedir="$nodedir" \
    npm_config_update_notifier=false \
    npm install --no-audit --no-fund --no-save --package-lock=false --loglevel=error "code-server@$version" \
    </dev/null
)

if [[ ! -f "$staging/node_modules/code-server/lib/vscode/out/server-main.js" ]]; then
  echo "code-server installed, but server-main.js is missing" >&2
  exit 1
fi
rm -rf "$staging/tmp" "$dest"
mv "$staging" "$dest"
date -u +%FT%TZ >"$marker"
echo "code-server $version installed in .vscode-test/code-server-$version"
echo "$server_main"
