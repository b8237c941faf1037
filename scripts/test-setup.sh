#!/usr/bin/env bash
# Runs before `npm test` (pretest): installs the Debian packages the tests drive for real,
# when missing: Chromium for the web page's browser test, docker-compose to validate the
# compose file. Needs root and apt-get (as on this project's machines).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test setup: please install ${missing[*]} (Debian packages)" >&2
  exit 1
fi
echo "test setup: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
