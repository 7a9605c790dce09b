#!/usr/bin/env bash
# A headless Chromium for tests/test_html_browser.py: Debian's package, driven by playwright-python
# through executable_path (no `playwright install`, which downloads a browser build).
# Idempotent and quiet: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: not root, skipping (browser tests will be skipped)" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
if ! { apt-get update -qq && apt-get install -y -qq chromium chromium-driver; } >"$log" 2>&1; then
    # a registry hiccup should not sink the whole run: the browser tests then skip, saying why
    echo "install-browser: WARNING apt-get failed, browser tests will be skipped:" >&2
    tail -n 20 "$log" >&2
    rm -f "$log"
    exit 0
fi
rm -f "$log"
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
