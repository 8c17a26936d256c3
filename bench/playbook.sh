#!/usr/bin/env bash
# The seed's ClusterIP playbook, scripted the way a person runs it by hand: for every Cilium agent pod,
# read its logs, list the eBPF programs and dump the agent's service map; then list the Services and
# EndpointSlices to compare against. One kubectl process per step, sequentially, as typed at a prompt.
# This is the baseline that bench/run.js times against kdiag.
#
# usage: bench/playbook.sh KUBECONFIG OUTDIR [MAX_PODS]
#   OUTDIR receives every command's output (a person keeps it to compare by eye) and a fresh kubectl
#   --cache-dir, so API discovery is paid once per run, as on a first run on a workstation.
#   MAX_PODS (optional) stops after that many agent pods: the sample used at large node counts.
# Prints "phase NAME MS" timing lines on stderr for the harness (list pods / per-pod loop / services).
set -u -o pipefail

KUBECONFIG_FILE=${1:?usage: playbook.sh KUBECONFIG OUTDIR [MAX_PODS]}
OUT=${2:?usage: playbook.sh KUBECONFIG OUTDIR [MAX_PODS]}
MAX_PODS=${3:-0}
NS=${CILIUM_NAMESPACE:-kube-system}
KUBECTL=${KUBECTL:-kubectl}

mkdir -p "$OUT/cache" "$OUT/pods"
k() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" --cache-dir "$OUT/cache" "$@"; }
now_ms() { date +%s%3N; }

t0=$(now_ms)
# Step 0: which agent pods are there (kubectl -n kube-system get pods -l k8s-app=cilium).
pods=$(k -n "$NS" get pods -l k8s-app=cilium -o name) || exit 2
t1=$(now_ms)
echo "phase list-pods $((t1 - t0))" >&2

n=0
fails=0
for p in $pods; do
  if [ "$MAX_PODS" -gt 0 ] && [ "$n" -ge "$MAX_PODS" ]; then break; fi
  name=${p#pod/}
  # Step 1: the agent's logs.
  k -n "$NS" logs "$name" -c cilium-agent >"$OUT/pods/$name.log" 2>&1 || fails=$((fails + 1))
  # Step 2: are Cilium's eBPF programs loaded on this node?
  k -n "$NS" exec "$name" -c cilium-agent -- bpftool prog show >"$OUT/pods/$name.progs" 2>&1 || fails=$((fails + 1))
  # Step 3: the agent's service map.
  k -n "$NS" exec "$name" -c cilium-agent -- cilium-dbg service list >"$OUT/pods/$name.svc" 2>&1 || fails=$((fails + 1))
  n=$((n + 1))
done
t2=$(now_ms)
echo "phase per-pod $((t2 - t1))" >&2
echo "pods $n" >&2
echo "failed-steps $fails" >&2

# Step 4: the Services and their endpoints, to compare with the maps.
k get svc,endpointslices -A >"$OUT/services.txt" 2>&1 || fails=$((fails + 1))
t3=$(now_ms)
echo "phase services $((t3 - t2))" >&2
echo "failed-steps-total $fails" >&2
