#!/usr/bin/env bash
# Builds the archive plugins/kdiag.yaml points at: the npm package (as `npm pack` makes it) with its
# production dependencies from package-lock.json, under kdiag/. Prints the file and its sha256.
# Usage: scripts/krew-package.sh [OUT_DIR]   (default: ./release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/release}" && cd "${1:-$root/release}" && pwd)
version=$(node -p "require('$root/package.json').version")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$root" && npm pack --pack-destination "$work" --silent >/dev/null) # prepack builds dist/
mkdir "$work/kdiag"
tar -xzf "$work"/kdiag-*.tgz -C "$work/kdiag" --strip-components=1
cp "$root/package-lock.json" "$work/kdiag/"
(cd "$work/kdiag" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --silent)
rm "$work/kdiag/package-lock.json"

archive="$out/kdiag-v$version.tar.gz"
tar -czf "$archive" -C "$work" kdiag
echo "$archive"
sha256sum "$archive" | cut -d' ' -f1
