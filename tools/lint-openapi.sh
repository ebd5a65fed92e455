#!/usr/bin/env bash
# Lints the OpenAPI document with Redocly CLI and Spectral (spectral:oas + the OWASP ruleset),
# both pinned in package.json. Fails on any error; warnings are printed.
#
# Without an argument it lints what the service serves (tools/fetch-openapi.sh starts it on a
# free loopback port); with a path it lints that file.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules/@redocly/cli ] || npm ci --no-audit --no-fund
if [ $# -gt 0 ]; then
  document="$1"
else
  document="$(mktemp -d)/openapi.json"
  bash tools/fetch-openapi.sh "$document"
fi
# No usage reports or update checks from the linters.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false DO_NOT_TRACK=1

echo "== Redocly CLI: $document"
node_modules/.bin/redocly lint --config redocly.yaml --format stylish "$document"

echo "== Spectral (spectral:oas + OWASP): $document"
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity error --display-only-failures "$document"
