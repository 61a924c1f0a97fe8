#!/bin/sh
# shellcheck source-path=SCRIPTDIR
# One Kubernetes run, from keys to merged report (docs/scaling.md walks through it step by step):
#   IMAGE=registry.example.com/mqtt-jwt-bench:0.1.0 REGISTER='./register-keys.sh "$1"' deploy/kubernetes/run.sh
# Sizes and names come from fleet.env; each manifest is rendered by render.sh into WORK_DIR, then
# applied. Between the keys and the shards, the fleet's public keys are exported (KEYS_FORMAT:
# jwks, the default, rabbitmq, csv or json) into WORK_DIR and REGISTER, a shell command, runs
# with that file as its $1 to register them with the broker; REGISTER=none skips the step, for a
# broker that does not check tokens or already holds this keystore's keys.
# POSIX sh (dash, bash, zsh, macOS /bin/sh); needs kubectl and envsubst (gettext).
set -eu
: "${IMAGE:?set IMAGE to an image the cluster can pull, e.g. registry.example.com/mqtt-jwt-bench:0.1.0 (docs/scaling.md: build and push)}"
: "${REGISTER:?set REGISTER to a command that registers the public keys of the fleet with the broker (the exported file is its \$1), or REGISTER=none for a broker that does not check tokens (docs/scaling.md, Registering the keys)}"
here=$(cd "$(dirname "$0")" && pwd)
set -a
# shellcheck source=fleet.env
. "$here/fleet.env"
set +a
KEYS_FORMAT=${KEYS_FORMAT:-jwks}
POLL_SECONDS=${POLL_SECONDS:-10}
RUN_ID=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)}
export IMAGE RUN_ID
work=${WORK_DIR:-${TMPDIR:-/tmp}/mqtt-jwt-bench-$RUN_ID}
mkdir -p "$work"

case $KEYS_FORMAT in
  jwks) keys_file=$work/fleet.jwks.json ;;
  rabbitmq) keys_file=$work/advanced.config ;;
  csv | json) keys_file=$work/registry.$KEYS_FORMAT ;;
  *)
    echo "run.sh: KEYS_FORMAT must be jwks, rabbitmq, csv or json, not '$KEYS_FORMAT'" >&2
    exit 2
    ;;
esac

# Renders a manifest (kept in WORK_DIR: what was applied) and applies it.
apply() {
  "$here/render.sh" "$1" >"$work/$1"
  kubectl apply -f "$work/$1"
}

# Waits until a Job has ended, complete or failed, asking every POLL_SECONDS for at most $2
# seconds; returns 0 only when it completed. (`kubectl wait --for=condition=complete` alone waits
# out its whole timeout on a failed Job, and racing two waits needs bash 5.1's `wait -n`.)
wait_job() {
  waited=0
  while :; do
    ended=$(kubectl get job "$1" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null || true)
    case " $ended " in
      *" Complete "*) return 0 ;;
      *" Failed "*) return 1 ;;
    esac
    if [ "$waited" -ge "$2" ]; then
      echo "run $RUN_ID: job/$1 has not ended after ${2}s; no longer waiting" >&2
      return 1
    fi
    sleep "$POLL_SECONDS"
    waited=$((waited + POLL_SECONDS))
  done
}

# Streams the keystore's public keys out of a pod that mounts it, then runs REGISTER on the file.
register_keys() {
  if [ "$REGISTER" = none ]; then
    echo "run $RUN_ID: REGISTER=none: no keys registered with the broker"
    return 0
  fi
  pod=mqtt-jwt-bench-keys-$RUN_ID
  echo "run $RUN_ID: the fleet's public keys ($KEYS_FORMAT) for the broker"
  apply keys-pod.yaml
  if ! kubectl wait --for=condition=Ready "pod/$pod" --timeout=10m ||
    ! kubectl exec "$pod" -- node dist/src/cli/main.js keys export --keys "/keys/fleet/$ALG.json" --format "$KEYS_FORMAT" >"$keys_file"; then
    kubectl delete pod "$pod" --wait=false || true
    echo "run $RUN_ID: could not export the keys; no shard started" >&2
    return 1
  fi
  kubectl delete pod "$pod" --wait=false
  echo "run $RUN_ID: registering $keys_file: $REGISTER"
  if ! sh -c "$REGISTER" register "$keys_file"; then
    echo "run $RUN_ID: REGISTER failed; no shard started (the keys are in $keys_file)" >&2
    return 1
  fi
}

apply volumes.yaml
apply configmap.yaml

echo "run $RUN_ID: keys ($DEVICES $ALG devices, in $SHARDS shards)"
apply keygen-job.yaml
if ! wait_job "mqtt-jwt-bench-keygen-$RUN_ID" 3600; then
  kubectl logs "job/mqtt-jwt-bench-keygen-$RUN_ID" --tail=20 || true
  exit 1
fi

register_keys

START_AT=${START_AT:-$("$here/start-at.sh" 180)}
export START_AT
echo "run $RUN_ID: shards, first stage at $START_AT"
apply job.yaml
if ! wait_job "mqtt-jwt-bench-$RUN_ID" 7200; then
  echo "run $RUN_ID: the shards' Job failed; merging what they wrote (the merge says what is missing)"
fi

echo "run $RUN_ID: merge"
apply merge-job.yaml
wait_job "mqtt-jwt-bench-merge-$RUN_ID" 1800 || true
kubectl logs "job/mqtt-jwt-bench-merge-$RUN_ID" || true
code=$(kubectl get pods -l "job-name=mqtt-jwt-bench-merge-$RUN_ID" -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' || true)
echo "run $RUN_ID: merge exited ${code:-?}; report /reports/$RUN_ID/$RUN_ID-merged.json on the mqtt-jwt-bench-reports volume"
exit "${code:-1}"
