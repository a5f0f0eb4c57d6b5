#!/usr/bin/env bash
# The main job: set up, build, and audit a page headlessly with the TrackLens extension.
# With no URL, audits the bundled demo news site (served locally, tracker hosts mapped to loopback).
#   scripts/audit.sh [URL]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node scripts/audit.mjs "$@"
