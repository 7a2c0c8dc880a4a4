#!/usr/bin/env bash
# Runs the Python SDK's whole test suite with Debian's Python; works from any directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHONDONTWRITEBYTECODE=1 exec /usr/bin/python3 -m unittest discover -s sdk/python/tests -t sdk/python "$@"
