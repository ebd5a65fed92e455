#!/usr/bin/env bash
# Builds the function app for Azure: <out>/publish/ is the app root the Functions host runs (the
# isolated worker PledgFunctions.dll, host.json, functions.metadata listing every function,
# worker.config.json telling the host how to start the worker, extensions.json and the .azurefunctions
# folder with the host-side extensions the triggers need), and <out>/pledg-functions.zip is that folder
# zipped for `az functionapp deployment source config-zip`.
# Usage: bash publish.sh [out]     (default out: artifacts/ in the repository)
# See docs/azure-functions.md, "Publish".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$root/artifacts}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
publish="$out/publish"
zip="$out/pledg-functions.zip"
started=$SECONDS

rm -rf "$publish" "$zip"
# Framework-dependent: the dotnet-isolated stack (linuxFxVersion DOTNET-ISOLATED|10.0) brings the
# runtime. Intermediate files go to artifacts/build (kept between runs, so the next publish is
# incremental), away from the obj/ and bin/ that `dotnet build`, `dotnet run` and `dotnet test` use.
dotnet publish "$root/PledgFunctions/PledgFunctions.csproj" -c Release -r linux-x64 --self-contained false \
  --artifacts-path "$root/artifacts/build" -o "$publish" -nologo -v quiet

for required in host.json functions.metadata worker.config.json extensions.json PledgFunctions.dll; do
  if [ ! -e "$publish/$required" ]; then echo "publish.sh: the publish output has no $required" >&2; exit 1; fi
done

if command -v zip >/dev/null; then
  (cd "$publish" && zip -qr -X "$zip" .)
else
  (cd "$publish" && python3 - "$zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for folder, dirs, files in os.walk("."):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            z.write(path, os.path.relpath(path, "."))
PY
  )
fi

echo "Published in $((SECONDS - started)) s: $publish ($(find "$publish" -type f | wc -l) files), $zip ($(du -h "$zip" | cut -f1))"
