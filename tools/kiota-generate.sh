#!/usr/bin/env bash
# Runs the pinned Kiota on PledgFunctions.Client/openapi.json into the folder given as $1. The one
# place the generation options live: tools/generate-client.sh and the test that checks the
# checked-in code against the document (ClientGenerationTests) both call it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:?usage: tools/kiota-generate.sh OUTPUT_FOLDER}"
dotnet tool run kiota generate --language CSharp \
  --openapi PledgFunctions.Client/openapi.json --output "$out" \
  --class-name PledgApiClient --namespace-name PledgFunctions.Client.Generated \
  --exclude-backward-compatible --clean-output --log-level Error
rm -f "$out/.kiota.log"
