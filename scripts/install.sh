#!/bin/bash
# install.sh - make `firstaid` runnable on a Debian 12 machine (as root):
# the system tools it drives, its npm packages, the bundle, and /usr/local/bin/firstaid.
set -euo pipefail
cd "$(dirname "$0")/.."
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "install.sh: firstaid needs Node.js 20 or newer (found $(node --version))" >&2; exit 1; }
bash scripts/deps.sh runtime
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
if [ "$(id -u)" = 0 ]; then
  ln -sfn "$PWD/bin/firstaid" /usr/local/bin/firstaid
else
  echo "install.sh: not root, so firstaid was not linked into /usr/local/bin; run $PWD/bin/firstaid" >&2
fi
echo "install.sh: firstaid $(./bin/firstaid --version | cut -d' ' -f2) is installed" >&2
