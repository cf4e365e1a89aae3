#!/usr/bin/env bash
# Safety rule 1: product code never spawns a process. std::process / tokio::process may appear
# only in tests, benches and build scripts. (`std::process::ExitCode`, the binary's exit
# status type, starts nothing and is allowed.)
set -euo pipefail
cd "$(dirname "$0")/.."
hits=$(grep -rnE 'std::process|tokio::process|Command::new' --include='*.rs' crates \
  | grep -vE '^crates/[^/]+/(tests|benches)/|/build\.rs:|std::process::ExitCode|use std::process::ExitCode' \
  | grep -vE '^\S+:\s*//' || true)
# Unit-test modules inside src/ are allowed: drop hits that sit below a #[cfg(test)] line.
bad=""
while IFS= read -r hit; do
  [ -z "$hit" ] && continue
  file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}
  testline=$(grep -n '#\[cfg(test)\]' "$file" | head -n1 | cut -d: -f1 || true)
  if [ -n "$testline" ] && [ "$line" -gt "$testline" ]; then continue; fi
  case "$file" in */testutil.rs|*/tests.rs|*/tests/*) continue;; esac
  bad="$bad$hit"$'\n'
done <<< "$hits"
if [ -n "$bad" ]; then
  echo "Product code must never spawn a process. Found:" >&2
  printf '%s' "$bad" >&2
  exit 1
fi
echo "check-no-process: OK (no process spawning in product code)"
