#!/usr/bin/env bash
# What the test suite needs besides npm packages: Debian's Chromium (the dashboard tests drive it
# through playwright-core, no bundled browser) and a font resvg can find for PNG charts (DejaVu).
# Installed once, quietly, when missing; `npm test` runs this first, so a fresh machine needs no
# other step. Needs root or sudo the first time.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing chromium and fonts-dejavu-core for the tests (once)…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
