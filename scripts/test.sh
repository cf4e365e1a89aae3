#!/usr/bin/env bash
# The project's test command (README Quick start). Installs what the tests need on a fresh
# Debian 12 machine (OpenSSH client tools), makes sure the local PostgreSQL is up when one is
# installed, and runs the whole workspace's tests.
#
# PostgreSQL store tests run when MIRAGEPOT_TEST_POSTGRES_URL is set (.ci/run sets it to the
# local server); without it they print a notice and skip.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in ssh sftp scp ssh-keygen script; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "test.sh: installing openssh-client and bsdutils (missing: ${need[*]})"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq openssh-client bsdutils >/dev/null
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq openssh-client bsdutils >/dev/null
  fi
fi

# Debian's chromium and tests/browser's playwright-core, for the dashboard's browser tests.
scripts/browser-setup.sh

if [ -n "${MIRAGEPOT_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "test.sh: starting the local PostgreSQL cluster"
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi

status=0
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast "$@" || status=$?
else
  cargo test --workspace --no-fail-fast "$@" || status=$?
fi

# The real-model test (scripts/test-real-llm.sh) builds llama-cpp-python (10-20 min on two
# cores the first time) and runs a small model on CPU: opt-in with MIRAGEPOT_TEST_REAL_LLM=1.
if [ "${MIRAGEPOT_TEST_REAL_LLM:-0}" = 1 ]; then
  scripts/test-real-llm.sh || status=$?
else
  echo "test.sh: real-model LLM test skipped (set MIRAGEPOT_TEST_REAL_LLM=1 to run scripts/test-real-llm.sh)"
fi
exit "$status"

