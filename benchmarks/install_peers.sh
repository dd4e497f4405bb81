#!/usr/bin/env bash
# Install the peer tools that benchmarks/run.py compares doclint with, outside the repository.
#   PEERS=/some/folder bash benchmarks/install_peers.sh      (default: ~/.cache/doclint-peers)
# run.py looks in the same folder (PEERS, else the default) and skips, with a note, any peer
# that is missing. Versions are those of shared/corpus/PEER_TIMINGS.md.
set -u
PEERS="${PEERS:-$HOME/.cache/doclint-peers}"
mkdir -p "$PEERS"
cd "$PEERS" || exit 1
status=0

if command -v npm >/dev/null 2>&1; then
  [ -f package.json ] || npm init -y >/dev/null
  if ! npm install --no-audit --no-fund \
      @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0 markdownlint-cli2@0.22.1; then
    echo "install_peers: npm install failed; the npm peers will be skipped" >&2
    status=1
  fi
  printf 'extends: ["spectral:oas"]\n' > "$PEERS/.spectral.yaml"
else
  echo "install_peers: npm not found; spectral, redocly and markdownlint-cli2 will be skipped" >&2
  status=1
fi

if [ ! -x "$PEERS/venv/bin/python" ]; then
  python3 -m venv "$PEERS/venv" || status=1
fi
if ! "$PEERS/venv/bin/pip" install --quiet \
    openapi-spec-validator==0.9.0 PyYAML==6.0.4 sqlfluff==4.5.0; then
  echo "install_peers: pip install failed; openapi-spec-validator and sqlfluff will be skipped" >&2
  status=1
fi

echo "install_peers: peers in $PEERS"
exit $status
