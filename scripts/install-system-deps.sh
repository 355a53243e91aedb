#!/usr/bin/env bash
# Debian packages the test suite and the notebook need beyond Node, Java and Maven: Chromium for the explorer's
# browser test, and Python with Jupyter, pandas, networkx and matplotlib for the notebook and the GraphML round
# trip. Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail
packages=(chromium python3-nbconvert python3-nbclient python3-nbformat python3-ipykernel python3-pandas
  python3-networkx python3-requests python3-matplotlib fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
sudo_if_needed apt-get update -qq
DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
