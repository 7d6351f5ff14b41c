#!/usr/bin/env bash
# Install what GD Station Cloud needs, reusing what is already there:
# Debian packages when missing, the Python virtual environment with the
# pinned dependencies, the Tryton web client (sao) and, for `test`, the
# browser test tools.
#   scripts/bootstrap.sh run    what `make demo` needs
#   scripts/bootstrap.sh test   that and what `make test` needs
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-run}
SAO_VERSION=8.0.11
PYTHON=${PYTHON:-python3}

say() { printf '==> %s\n' "$*"; }

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Run a long step showing its latest output line; all of it on failure
progress() { "$PYTHON" scripts/gdcloud/progress.py "$@"; }

# --- Debian packages -------------------------------------------------------
packages=(libpango-1.0-0 libpangoft2-1.0-0 libpq5 fonts-noto-cjk)
command -v npm >/dev/null || packages+=(nodejs npm)
if [ "$MODE" = test ]; then
    # LibreOffice renders the DOCX and XLSX outputs to PNG in the tests
    packages+=(chromium poppler-utils libreoffice-writer-nogui
        libreoffice-calc-nogui)
fi
missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null \
        || true)
    [ "$status" = installed ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
        --no-install-recommends "${missing[@]}"
fi

# --- Python ----------------------------------------------------------------
stamp=$(hash_of pyproject.toml requirements.lock)
if [ ! -x .venv/bin/python ] || \
        [ "$(cat .venv/.gdcloud-stamp 2>/dev/null)" != "$stamp" ]; then
    say "Installing the Python packages into .venv"
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
    progress pip .venv/bin/python -m pip install --upgrade 'pip>=24'
    progress pip .venv/bin/python -m pip install -c requirements.lock \
        -e '.[server,test]'
    echo "$stamp" > .venv/.gdcloud-stamp
fi

# --- The web client (sao) --------------------------------------------------
sao=var/sao
stamp="$SAO_VERSION $(hash_of scripts/sao-package-lock.json)"
if [ "$(cat $sao/.gdcloud-stamp 2>/dev/null)" != "$stamp" ]; then
    say "Installing the web client tryton-sao $SAO_VERSION into $sao"
    rm -rf "$sao"
    mkdir -p "$sao"
    npm pack --silent --pack-destination "$sao" "tryton-sao@$SAO_VERSION" \
        >/dev/null
    tar -xzf "$sao/tryton-sao-$SAO_VERSION.tgz" -C "$sao"
    rm "$sao/tryton-sao-$SAO_VERSION.tgz"
    cp scripts/sao-package-lock.json "$sao/package/package-lock.json"
    progress npm npm ci --prefix "$sao/package" --omit=dev \
        --legacy-peer-deps --no-audit --no-fund
    echo "$stamp" > "$sao/.gdcloud-stamp"
fi
cp web/custom.js web/custom.css "$sao/package/"

# --- Browser test tools ----------------------------------------------------
if [ "$MODE" = test ]; then
    stamp=$(hash_of package.json package-lock.json)
    if [ "$(cat node_modules/.gdcloud-stamp 2>/dev/null)" != "$stamp" ]; then
        say "Installing the browser test tools (playwright-core)"
        progress npm npm ci --no-audit --no-fund
        echo "$stamp" > node_modules/.gdcloud-stamp
    fi
fi
