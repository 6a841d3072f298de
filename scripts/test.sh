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

# 1b. Info-ZIP's zip and unzip: the zip tests have Info-ZIP read every package (unzip -t) and compare
#     the deflated sizes with its own (tests/unit/test_zip_output.py); bench/run.py times it too.
if ! command -v zip >/dev/null || ! command -v unzip >/dev/null; then
    log "installing zip and unzip (apt)"
    export DEBIAN_FRONTEND=noninteractive
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends zip unzip
fi

# 2. The project's virtualenv with the test and xapi extras (pytest, playwright, jsonschema, uvicorn for the
#    relay, tincan).
if [ ! -x .venv/bin/python ]; then
    log "creating .venv"
    python3 -m venv .venv
fi
log "pip install -e '.[test,xapi]'"
.venv/bin/pip install -q --disable-pip-version-check -e '.[test,xapi]'

# 3. The LMS-side runtime (scorm-again, pinned in tests/e2e/package-lock.json).
log "npm ci (tests/e2e)"
npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null

# 3b. A real LRS for the xAPI tests: Ralph, in a virtualenv of its own so that its dependencies
#     never meet the project's (tests/e2e/ralph_lrs.py starts and stops it). The marker file is
#     written only after a complete install, so an interrupted one is redone.
RALPH_SPEC='ralph-malph[lrs,cli]==5.1.0'
if [ ! -f .venv-ralph/.coursepack-installed ] || [ "$(cat .venv-ralph/.coursepack-installed)" != "$RALPH_SPEC" ]; then
    log "creating .venv-ralph ($RALPH_SPEC)"
    python3 -m venv .venv-ralph
    # the lrs extra forgets requests, which Ralph imports at start-up
    .venv-ralph/bin/pip install -q --disable-pip-version-check "$RALPH_SPEC" requests
    printf '%s' "$RALPH_SPEC" > .venv-ralph/.coursepack-installed
fi

# 4. Linters (pinned in setup.cfg): ruff's checks and its formatting, on the whole tree.
log "ruff check, ruff format --check"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .

# 5. The tests. Exit code 5 (no tests collected) counts as a failure.
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
