#!/usr/bin/env bash
# Lints the OpenAPI documents with Redocly CLI (recommended-strict, redocly.yaml) and Spectral
# (spectral:oas + the OWASP ruleset, .spectral.yaml), both pinned in package.json. Fails on any
# Redocly problem, any spectral:oas problem and any OWASP error; OWASP warnings are printed.
#
# Without an argument it lints what the service serves, /openapi/v1.json and /openapi/pages.json
# (tools/fetch-openapi.sh starts it on a free loopback port); with paths it lints those files, the
# first as the merchant document and the second, if given, as the hosted-page one. Each is linted
# as artifacts/openapi/{v1,pages}.json: the per-path exceptions name those files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules/@redocly/cli ] || npm ci --no-audit --no-fund
mkdir -p artifacts/openapi
if [ $# -gt 0 ]; then
  cp "$1" artifacts/openapi/v1.json
  documents=(artifacts/openapi/v1.json)
  if [ $# -gt 1 ]; then cp "$2" artifacts/openapi/pages.json; documents+=(artifacts/openapi/pages.json); fi
else
  bash tools/fetch-openapi.sh artifacts/openapi/v1.json artifacts/openapi/pages.json
  documents=(artifacts/openapi/v1.json artifacts/openapi/pages.json)
fi
# No usage reports or update checks from the linters.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false DO_NOT_TRACK=1

echo "== Redocly CLI (recommended-strict): ${documents[*]}"
node_modules/.bin/redocly lint --config redocly.yaml --format stylish "${documents[@]}"

echo "== Spectral (spectral:oas + OWASP): ${documents[*]}"
node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity error --display-only-failures "${documents[@]}"
# spectral:oas: not even a warning. (Its rules are the ones without the owasp: prefix.)
oas="$(node_modules/.bin/spectral lint --ruleset .spectral.yaml --format text "${documents[@]}" | grep -v 'owasp:' | grep -E ' (error|warning|information|hint) ' || true)"
if [ -n "$oas" ]; then echo "spectral:oas problems:"; echo "$oas"; exit 1; fi
echo "spectral:oas: 0 problems"
