#!/usr/bin/env bash
# Installs the Debian packages the VS Code tests need, only those missing: chromium (the browser Playwright drives),
# libkrb5-dev (gssapi.h, for code-server's `kerberos` native module), ripgrep (VS Code's search; also seeds the
# ripgrep download cache), python3/make/g++ for node-gyp, python3-torch and
# python3-debugpy for the debugger test. Non-interactive; needs root (CI runs as root) or
# passwordless sudo. Quiet: apt-get runs with -qq and its log is printed only if it fails.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[[ -f /usr/include/gssapi/gssapi.h ]] || missing+=(libkrb5-dev)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
# PyTorch and debugpy for Debian's own interpreter: the debugger integration test runs a training script under
# debugpy (the first python3 on PATH may be another one).
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || missing+=(python3-torch)
/usr/bin/python3 -c 'import debugpy' >/dev/null 2>&1 || missing+=(python3-debugpy)
# Fonts so that screenshots show text in Latin and Chinese scripts.
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
[[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]] || missing+=(fonts-wqy-microhei)

if ((${#missing[@]} == 0)); then
  echo "System packages for the VS Code tests already installed."
  exit 0
fi

echo "Installing system packages: ${missing[*]} (apt-get, a minute or so)"
sudo=()
if [[ "$(id -u)" != 0 ]]; then sudo=(sudo -n); fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# dpkg's own progress lines ignore -qq; keep them in the log, and show the log only when something fails.
if ! {
  "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
} </dev/null >"$log" 2>&1; then
  cat "$log" >&2
  echo "apt-get failed installing: ${missing[*]}" >&2
  exit 1
fi
echo "Installed: ${missing[*]}"
