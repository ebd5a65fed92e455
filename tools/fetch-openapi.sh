#!/usr/bin/env bash
# Writes the service's OpenAPI documents to files: $1 gets /openapi/v1.json (the merchant API) and,
# when given, $2 gets /openapi/pages.json (the hosted-page API). Builds the service, starts it on a
# free loopback port, fetches the documents over HTTP, and stops it.
# No storage is needed to serve the documents: the connection string points at a closed port,
# so no Azurite is started and nothing is written anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:?usage: tools/fetch-openapi.sh V1.json [PAGES.json]}"
pages="${2:-}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build PledgFunctions --nologo -v quiet >/dev/null
port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
log="$(mktemp)"
closed="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Zm9yLXRoZS1kb2N1bWVudC1vbmx5;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1"
dotnet PledgFunctions/bin/Debug/net10.0/PledgFunctions.dll --environment Testing --urls "http://127.0.0.1:$port" \
  --AzureWebJobsStorage "$closed" --Logging:LogLevel:Default None >"$log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/openapi/v1.json" -o "$out.tmp" 2>/dev/null; then
    mv "$out.tmp" "$out"
    echo "wrote $out"
    if [ -n "$pages" ]; then
      curl -fsS "http://127.0.0.1:$port/openapi/pages.json" -o "$pages"
      echo "wrote $pages"
    fi
    exit 0
  fi
  kill -0 "$service" 2>/dev/null || { echo "the service exited:"; cat "$log"; exit 1; }
  sleep 0.5
done
echo "the service did not serve /openapi/v1.json within 60 s:"; cat "$log"; exit 1
