#!/usr/bin/env bash
# Starts the Development mail sink (smtp4dev, pinned in tools/mail-sink/.config/dotnet-tools.json) in the foreground,
# as `dotnet run` does by itself (PledgFunctions/Hosting/DevelopmentMailLauncher.cs): for the
# Functions host path (`func start`), whose worker sends to the same 127.0.0.1:2525 in Development
# but does not start the sink. Mail: http://127.0.0.1:5005. Ctrl+C stops it. Keep the ports and
# arguments in step with DevelopmentMailSink (PledgFunctions/Email/EmailOptions.cs) and the launcher.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
data="$PWD/.smtp4dev"
cd tools/mail-sink # smtp4dev's own tool manifest
dotnet tool restore >/dev/null
echo "SMTP sink on 127.0.0.1:2525; read the mail at http://127.0.0.1:5005"
XDG_CONFIG_HOME="$data" exec dotnet tool run smtp4dev -- \
  "--baseappdatapath=$data" --nousersettings "--db=$data/database.db" \
  --bindaddress=127.0.0.1 --smtpport=2525 --tlsmode=None --imapport= --pop3port= \
  --urls=http://127.0.0.1:5005
