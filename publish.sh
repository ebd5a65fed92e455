#!/usr/bin/env bash
# Builds the function app for Azure: <out>/publish/ is the app root the Functions host runs
# (the self-contained linux-x64 PledgFunctions executable, host.json, one folder per function)
# and <out>/pledg-functions.zip is that folder zipped for `az functionapp deployment source config-zip`.
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
# Self-contained: the custom-handler stack ships no .NET runtime. Intermediate files go to
# artifacts/build (kept between runs, so the next publish is incremental), away from the obj/ and
# bin/ that `dotnet build`, `dotnet run` and `dotnet test` use.
dotnet publish "$root/PledgFunctions/PledgFunctions.csproj" -c Release -r linux-x64 --self-contained \
  --artifacts-path "$root/artifacts/build" -o "$publish" -nologo -v quiet

# The host finds functions only in folders directly next to host.json; the folder name is the function name.
cp "$root/host.json" "$publish/"
for function in "$root"/functions/*/; do
  name="$(basename "$function")"
  if [ -e "$publish/$name" ]; then echo "publish.sh: the publish output already has '$name'" >&2; exit 1; fi
  cp -r "$function" "$publish/$name"
done
chmod +x "$publish/PledgFunctions"

# Zip here, on Linux, so the executable keeps its +x bit (the host chmods it only on Linux Consumption).
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
            z.write(path, os.path.relpath(path, "."))  # ZipInfo.from_file keeps the Unix mode
PY
  )
fi

echo "Published in $((SECONDS - started)) s: $publish ($(find "$publish" -type f | wc -l) files), $zip ($(du -h "$zip" | cut -f1))"
