#!/usr/bin/env bash
# One Kubernetes run, from keys to merged report (docs/scaling.md walks through it step by step).
#   IMAGE=registry.example.com/mqtt-jwt-bench:0.1.0 deploy/kubernetes/run.sh
# Needs kubectl, envsubst (gettext) and bash; the volumes and the ConfigMap are applied first.
set -euo pipefail
: "${IMAGE:?set IMAGE to an image the cluster can pull, e.g. registry.example.com/mqtt-jwt-bench:0.1.0 (docs/scaling.md: build and push)}"
export IMAGE
export RUN_ID="${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)}"
here="$(cd "$(dirname "$0")" && pwd)"

render() { envsubst '${RUN_ID} ${IMAGE} ${START_AT}' < "$here/$1"; }

# Waits until a Job has ended, complete or failed (`kubectl wait --for=condition=complete` alone
# waits out its whole timeout on a failed Job); returns 0 only when it completed.
wait_job() {
  local job="$1" timeout="$2"
  kubectl wait --for=condition=complete "job/$job" --timeout="$timeout" >/dev/null 2>&1 &
  local complete=$!
  kubectl wait --for=condition=failed "job/$job" --timeout="$timeout" >/dev/null 2>&1 &
  local failed=$!
  wait -n "$complete" "$failed" || true
  kill "$complete" "$failed" 2>/dev/null || true
  [ "$(kubectl get job "$job" -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}')" = "True" ]
}

kubectl apply -f "$here/volumes.yaml" -f "$here/configmap.yaml"

echo "run $RUN_ID: keys"
render keygen-job.yaml | kubectl apply -f -
wait_job "mqtt-jwt-bench-keygen-$RUN_ID" 1h || { kubectl logs "job/mqtt-jwt-bench-keygen-$RUN_ID" --tail=20; exit 1; }

export START_AT="${START_AT:-$(date -u -d '+3 min' +%FT%TZ)}"
echo "run $RUN_ID: shards, first stage at $START_AT"
render job.yaml | kubectl apply -f -
shards=0
wait_job "mqtt-jwt-bench-$RUN_ID" 2h || shards=$?
[ "$shards" = 0 ] || echo "run $RUN_ID: the shards' Job failed; merging what they wrote (the merge says what is missing)"

echo "run $RUN_ID: merge"
render merge-job.yaml | kubectl apply -f -
wait_job "mqtt-jwt-bench-merge-$RUN_ID" 30m || true
kubectl logs "job/mqtt-jwt-bench-merge-$RUN_ID"
code="$(kubectl get pods -l "job-name=mqtt-jwt-bench-merge-$RUN_ID" -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}')"
echo "run $RUN_ID: merge exited $code; report /reports/$RUN_ID/$RUN_ID-merged.json on the mqtt-jwt-bench-reports volume"
exit "${code:-1}"
