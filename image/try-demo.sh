#!/bin/sh
# The README's first command: installs what echowall needs, builds it, and
# starts it on the embedded demo town (a fresh database in a temp folder).
# Until the kiosk program exists this runs `echowallctl demo` and prints the
# town's figures.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh image/install-deps.sh
cmake --preset release
cmake --build --preset release
db="$(mktemp -d)/echowall-demo.db"
./build/release/echowallctl --db "$db" demo
echo
echo "demo database: $db"
echo "try: ./build/release/echowallctl --db $db appeal list --overdue"
