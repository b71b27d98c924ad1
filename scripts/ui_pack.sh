#!/usr/bin/env bash
# Writes the web console's built files (ui/dist by default) as one blob on stdout, the format
# src/api/ui_pack.h reads: for each file "PATH\nSIZE\n" then its bytes. The binary embeds it.
set -euo pipefail
dir=${1:-ui/dist}
cd "$dir"
find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
  case $f in *..*|*$'\n'*) echo "ui_pack: refusing file name '$f'" >&2; exit 1 ;; esac
  printf '%s\n%s\n' "$f" "$(stat -c %s "$f")"
  cat "$f"
done
