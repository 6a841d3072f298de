#!/usr/bin/env bash
# Install everything the test suite needs (idempotent), then run the linters, the node tests of the
# browser runtime and pytest.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '[test.sh] %s\n' "$*" >&2; }

# Install stamps: a step that installs writes the sha256 of what it was given (a label and its input files)
# after it succeeded; the next run skips the step while the stamp still matches.
inputs_hash() { { printf '%s\n' "$1"; shift; cat "$@"; } | sha256sum | cut -d' ' -f1; }
stamp_is_current() { local stamp=$1; shift; [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(inputs_hash "$@")" ]; }
write_stamp() { local stamp=$1; shift; inputs_hash "$@" > "$stamp"; }

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

# 2. The project's virtualenv with the test, xapi and docs extras (pytest, playwright, jsonschema, uvicorn
#    for the relay, tincan, mkdocs). Skipped when its inputs have not changed since the last install.
if [ ! -x .venv/bin/python ]; then
    log "creating .venv"
    python3 -m venv .venv
fi
PIP_SPEC='.[test,xapi,docs]'
PIP_INPUTS=(setup.cfg pyproject.toml scripts/clean_build.py)
if stamp_is_current .venv/.coursepack-stamp "$PIP_SPEC" "${PIP_INPUTS[@]}"; then
    log "pip install -e '$PIP_SPEC': up to date"
else
    log "pip install -e '$PIP_SPEC'"
    .venv/bin/pip install -q --disable-pip-version-check -e "$PIP_SPEC"
    write_stamp .venv/.coursepack-stamp "$PIP_SPEC" "${PIP_INPUTS[@]}"
fi

# 3. The LMS-side runtime (scorm-again, pinned in tests/e2e/package-lock.json). Skipped when the lockfile
#    has not changed (npm ci empties node_modules first, so an interrupted install leaves no stamp).
NPM_INPUTS=(tests/e2e/package.json tests/e2e/package-lock.json)
if stamp_is_current tests/e2e/node_modules/.coursepack-stamp npm "${NPM_INPUTS[@]}"; then
    log "npm ci (tests/e2e): up to date"
else
    log "npm ci (tests/e2e)"
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error >/dev/null
    write_stamp tests/e2e/node_modules/.coursepack-stamp npm "${NPM_INPUTS[@]}"
fi

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

# 4b. The docs site (mkdocs.yml): --strict fails on a broken link, anchor or nav entry. It builds into a
#     temporary folder, removed afterwards, so no site is ever left in the checkout.
log "mkdocs build --strict"
SITE_DIR=$(mktemp -d)
# (not --quiet: MkDocs 1.6 then drops the warnings before --strict counts them)
.venv/bin/mkdocs build --strict --site-dir "$SITE_DIR" || { rm -rf "$SITE_DIR"; exit 1; }
rm -rf "$SITE_DIR"

# 5. JavaScript: ESLint (pinned in package.json and package-lock.json) on the runtime, the preview's
#    static files and the node tests, then the node tests of the runtime's pure modules (tests/js).
JS_INPUTS=(package.json package-lock.json)
if stamp_is_current node_modules/.coursepack-stamp npm "${JS_INPUTS[@]}"; then
    log "npm ci (eslint): up to date"
else
    log "npm ci (eslint)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
    write_stamp node_modules/.coursepack-stamp npm "${JS_INPUTS[@]}"
fi
log "eslint"
node_modules/.bin/eslint templates/runtime builder/preview/static tests/js eslint.config.js
log "node --test tests/js"
node --test --test-reporter=dot tests/js/

# 6. The tests. Exit code 5 (no tests collected) counts as a failure.
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
