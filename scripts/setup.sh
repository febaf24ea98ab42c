#!/usr/bin/env bash
# Installs the Debian packages Parley builds and tests with, but only those that are missing,
# so a second run is silent and quick. Safe to run as often as you like.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libboost-dev libsqlite3-dev libsodium-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libcli11-dev libtomlplusplus-dev libsqlitecpp-dev libgtest-dev libgmock-dev
  nodejs npm
  chromium fonts-noto-color-emoji
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

# node and npm may come from outside Debian's packages (a newer Node.js); accept those.
if command -v node > /dev/null && command -v npm > /dev/null; then
  filtered=()
  for package in "${missing[@]}"; do
    [[ "$package" == nodejs || "$package" == npm ]] || filtered+=("$package")
  done
  missing=("${filtered[@]}")
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
