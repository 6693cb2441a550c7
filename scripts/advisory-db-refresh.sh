#!/usr/bin/env bash
# Replaces security/advisory-db with the newest RustSec advisory database (on a machine that
# can reach GitHub), then checks Cargo.lock against it. Commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --depth 1 https://github.com/rustsec/advisory-db "$work/db"
commit=$(git -C "$work/db" rev-parse HEAD)
date=$(git -C "$work/db" log -1 --format=%cs)
rm -rf security/advisory-db
mkdir -p security/advisory-db
cp -r "$work/db/crates" "$work/db/LICENSE.txt" "$work/db/LICENSES" security/advisory-db/
cat >security/advisory-db/SNAPSHOT <<TEXT
The RustSec advisory database (https://github.com/rustsec/advisory-db; CC0-1.0, some advisories CC-BY-4.0 as each says: LICENSE.txt, LICENSES/),
its \`crates/\` collection as of commit $commit ($date).
Kept here because the machines that build and test this project reach package registries but not
GitHub. \`cargo run -p todo-audit\` checks Cargo.lock against it; scripts/advisory-db-refresh.sh
replaces it with a newer copy on a machine that can reach GitHub.
TEXT
cargo run --quiet --locked -p todo-audit
