#!/usr/bin/env bash
# README command 1: set up, build, and run the main job on the built-in default.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tools/setup.sh --target motlab
build/motlab run experiment=paper_tables "$@"
