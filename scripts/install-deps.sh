#!/usr/bin/env bash
# Installs the Debian bookworm packages Ferry needs to build, run and test.
#   scripts/install-deps.sh        what `make run` needs (build and run, embedded storage)
#   scripts/install-deps.sh test   also what `make test` needs (the PostgreSQL 15 server
#                                  the tests start their own throwaway cluster with;
#                                  chromium, and node with npm when npm is missing, for
#                                  the dashboard's browser test)
# Only what is missing is installed; needs root (or sudo) when something is missing.
set -euo pipefail
PACKAGES=(
  build-essential cmake pkg-config git ca-certificates curl
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libpqxx-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libjpeg62-turbo-dev libpng-dev libstb-dev
  libgtest-dev libgmock-dev
  libhnswlib-dev
  prometheus-cpp-dev
  python3 python3-jsonschema
  # `make fuzz`: libFuzzer comes with clang's runtime; llvm-14 has llvm-symbolizer.
  clang-14 libclang-rt-14-dev llvm-14
)
if [ "${1:-}" = test ]; then
  PACKAGES+=(postgresql-15 chromium python3-prometheus-client)
  command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
fi
# The CLI's tests run `ferry migrations watch` under a pseudo-terminal: a bare chroot (a
# debootstrap root, say) may have no devpts mounted, and then no terminal can be opened.
if [ "${1:-}" = test ] && [ ! -e /dev/pts/ptmx ] && [ "$(id -u)" -eq 0 ]; then
  mkdir -p /dev/pts
  mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts ||
    echo "warning: no devpts at /dev/pts (the CLI's terminal tests will fail)" >&2
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
