#!/usr/bin/env bash
# Install everything the test suite needs (idempotent), then run pytest.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*" >&2; }

# 1. Debian's Chromium (the e2e tests drive /usr/bin/chromium; never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
    log "installing chromium (apt)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends chromium
fi

# 2. The project's virtualenv with the test extra (pytest, playwright).
if [ ! -x .venv/bin/python ]; then
    log "creating .venv"
    python3 -m venv .venv
fi
log "pip install -e '.[test]'"
.venv/bin/pip install -q --disable-pip-version-check -e '.[test]'

# 3. The LMS-side runtime (scorm-again, pinned in tests/e2e/package-lock.json).
log "npm ci (tests/e2e)"
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null

# 4. The tests. Exit code 5 (no tests collected) counts as a failure.
log "pytest $*"
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    log "pytest collected no tests: failing"
    exit 1
fi
exit "$rc"
