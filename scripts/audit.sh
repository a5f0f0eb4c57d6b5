#!/usr/bin/env bash
# The main job: set up, build, and audit pages headlessly with the TrackLens extension.
# With no URL, audits the bundled demo news site (served locally, tracker hosts mapped to loopback).
#   scripts/audit.sh [URL ...] [tracklens audit options: --consent reject, --json FILE, --html FILE, ...]
# Exit status: 0 pass, 1 a policy was violated, 2 usage or runtime error.
set -euo pipefail
cd "$(dirname "$0")/.."
# Setup and build talk on stderr, so stdout holds only the audit.
scripts/setup.sh >&2
scripts/build.sh >&2
exec target/release/tracklens audit "$@"
