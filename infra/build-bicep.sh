#!/usr/bin/env bash
# Compiles and lints the Bicep templates offline, failing on any warning or error.
# The Bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored by
# infra/BicepBuild/BicepBuild.csproj), because `az bicep install` downloads from a host this
# machine cannot reach. Usage: bash infra/build-bicep.sh   (from anywhere)
set -euo pipefail

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

cd "$(dirname "${BASH_SOURCE[0]}")/.."
project=infra/BicepBuild/BicepBuild.csproj

dotnet restore "$project" --verbosity quiet
package_dir=$(dotnet msbuild "$project" -nologo -getProperty:PkgAzure_Bicep_CommandLine_linux-x64)
bicep="$package_dir/tools/bicep"
[[ -f "$bicep" ]] || { echo "build-bicep: no bicep binary at '$bicep'" >&2; exit 1; }
chmod +x "$bicep" # NuGet extracts without the executable bit
echo "build-bicep: $("$bicep" --version)"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs one bicep command; fails when it exits non-zero or prints any Warning/Error diagnostic
# (bicep exits 0 on warnings). Compiled JSON goes to /dev/null, which also keeps the parameter
# values (secrets) of build-params off the terminal.
check() {
  local step=$1; shift
  local rc=0
  "$@" >"$log" 2>&1 || rc=$?
  if (( rc != 0 )) || grep -qiE '\b(warning|error)\b' "$log"; then
    echo "build-bicep: $step FAILED (exit $rc)" >&2
    cat "$log" >&2
    exit 1
  fi
  echo "build-bicep: $step ok"
}

check "build main.bicep" "$bicep" build infra/main.bicep --outfile /dev/null

# build-params evaluates readEnvironmentVariable() and the @minLength of the secure params:
# give it placeholders when the deployer's real values are not set.
PLEDG_DEV_MERCHANT_API_KEY=${PLEDG_DEV_MERCHANT_API_KEY:-offline-build-placeholder-api-key} \
PLEDG_DEV_MERCHANT_WEBHOOK_SECRET=${PLEDG_DEV_MERCHANT_WEBHOOK_SECRET:-offline-build-placeholder-webhook-secret} \
  check "build-params main.bicepparam" "$bicep" build-params infra/main.bicepparam --outfile /dev/null

check "lint main.bicep" "$bicep" lint infra/main.bicep
echo "build-bicep: all checks passed"
