#!/usr/bin/env bash
# Regenerates the .NET SDK's generated code from the service: writes the served OpenAPI document
# to PledgFunctions.Client/openapi.json (tools/fetch-openapi.sh), then runs the pinned Kiota
# (.config/dotnet-tools.json) into PledgFunctions.Client/Generated. Commit both.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet tool restore >/dev/null
bash tools/fetch-openapi.sh PledgFunctions.Client/openapi.json
bash tools/kiota-generate.sh PledgFunctions.Client/Generated
