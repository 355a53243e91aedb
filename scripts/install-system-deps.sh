#!/usr/bin/env bash
# What the test suite and the notebook need beyond Node, Java and Maven, from Debian's packages: Chromium for the
# explorer's browser test, Python with networkx for the GraphML round trip, and Jupyter (nbconvert), pandas,
# matplotlib and requests for the notebook. `npm test` (test/support/global-setup.ts) and `npm run notebook` run
# this first, so the README's commands need nothing else on a fresh machine.
#
# Idempotent and quick when all is there (one dpkg query). Installs only what is missing, with apt-get (as root,
# or through sudo when it needs no password); when it may not, it says what is missing and how to install it,
# and exits 1.
set -euo pipefail
packages=(chromium python3-nbconvert python3-nbclient python3-nbformat python3-ipykernel python3-pandas
  python3-networkx python3-requests python3-matplotlib fonts-dejavu-core)

if ! command -v dpkg-query >/dev/null 2>&1; then
  # Not Debian: check by what the tests run rather than by package.
  if [ -x /usr/bin/chromium ] && /usr/bin/python3 -c "import networkx, nbconvert, pandas, matplotlib, requests" 2>/dev/null; then
    echo "system packages: Chromium and the Python packages are present"
    exit 0
  fi
  echo "system packages: this is not a Debian system; install Chromium at /usr/bin/chromium and Python 3 (at" \
    "/usr/bin/python3) with networkx, nbconvert, ipykernel, pandas, matplotlib and requests, then run again." >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "system packages: all ${#packages[@]} present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo)
else
  echo "system packages: missing ${missing[*]}." >&2
  echo "Installing them needs root, and apt-get is not permitted here (not root, no password-less sudo)." >&2
  echo "Run once, as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  echo "or:                 sudo bash scripts/install-system-deps.sh" >&2
  exit 1
fi
echo "system packages: installing ${#missing[@]} missing (${missing[*]}) with apt-get; the first time takes a few minutes"
echo "system packages: apt-get update"
"${as_root[@]}" apt-get update -q
echo "system packages: apt-get install"
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "system packages: installed ${missing[*]}"
