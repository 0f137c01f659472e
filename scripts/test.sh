#!/bin/bash
# test.sh - the whole test suite on a Debian 12 machine, as root: installs what the tests need
# (Debian packages, npm packages), then runs every test. Disk images are built from a cached
# debootstrap tarball in /var/cache/firstaid-test (rebuilt when absent, about 2 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec npm test --silent
