#!/usr/bin/env bash
# Release dry run (docs/adr/0020): computes a patch release of every group with nx release and
# packs every package as `npm publish` would, without writing a file, tagging, or reaching a
# registry (the publish registry is an unused loopback port). Fails on any error.
set -euo pipefail
cd "$(dirname "$0")/../.."
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
before="$(git status --porcelain)"
npx nx release version patch --dry-run
npx nx release publish --dry-run --registry http://127.0.0.1:9/
if [ "$(git status --porcelain)" != "$before" ]; then
  echo "release dry run modified the checkout:" >&2
  git status --porcelain >&2
  exit 1
fi
