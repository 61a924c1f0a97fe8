#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# Renders one manifest of deploy/kubernetes for a run, as run.sh applies it: envsubst of the run's
# RUN_ID, IMAGE and START_AT and of fleet.env's SHARDS, DEVICES, ALG, ID_PATTERN and BROKER_URL.
# Only these names: any other ${...} stays as written.
#   RUN_ID=20261202-120000 IMAGE=registry.example.com/mqtt-jwt-bench:0.1.0 deploy/kubernetes/render.sh keygen-job.yaml
#   START_AT=2026-12-02T12:03:00Z RUN_ID=... IMAGE=... deploy/kubernetes/render.sh job.yaml | kubectl apply -f -
# FILE is a name in this folder, or a path. A variable the file uses must be set. POSIX sh; needs
# envsubst (gettext).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
  echo "usage: render.sh FILE   (a manifest of deploy/kubernetes)" >&2
  exit 2
fi
case $1 in
  */*) file=$1 ;;
  *) file=$here/$1 ;;
esac
if [ ! -f "$file" ]; then
  echo "render.sh: no such manifest: $file" >&2
  exit 2
fi
set -a
# shellcheck source=fleet.env
. "$here/fleet.env"
set +a

positive() {
  case $2 in
    '' | *[!0-9]* | 0*)
      echo "render.sh: $1 must be a positive whole number (deploy/kubernetes/fleet.env), not '$2'" >&2
      exit 2
      ;;
  esac
}
positive SHARDS "$SHARDS"
positive DEVICES "$DEVICES"

needs() {
  if [ -z "$2" ] && grep -qF "\${$1}" "$file"; then
    echo "render.sh: $(basename "$file") needs $1 in the environment" >&2
    exit 2
  fi
}
needs RUN_ID "${RUN_ID:-}"
needs IMAGE "${IMAGE:-}"
needs START_AT "${START_AT:-}"
export RUN_ID IMAGE START_AT

# shellcheck disable=SC2016 # the names are for envsubst, not for this shell
exec envsubst '${RUN_ID} ${IMAGE} ${START_AT} ${SHARDS} ${DEVICES} ${ALG} ${ID_PATTERN} ${BROKER_URL}' <"$file"
