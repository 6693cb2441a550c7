#!/usr/bin/env bash
# The Helm chart on a real Kubernetes node (scripts/cluster-local.sh up), with the images
# scripts/container-test.sh built (todo-*:$IMAGE_TAG, default test):
#   - Pod Security "restricted" is enforced in the app's namespace;
#   - helm install --wait with the in-cluster PostgreSQL; helm test --logs (real requests);
#   - todo-chat scaled to 3: one conversation continued across all replicas through the Service;
#   - a todo-chat pod deleted under load: no acknowledged turn lost;
#   - helm upgrade (a config change and a new image tag) and helm rollback: the task count holds;
#   - helm template | kubectl apply, twice, with secrets.existingSecret: the Secret is unchanged,
#     and the render without it is refused;
#   - Kagent's Agent CRD and the todo-ops Agent, applied with server-side validation;
#   - the Neon value set against an external PostgreSQL (a private server on the node address);
#   - a deliberately broken values file (chart/ci/broken/) makes helm test fail.
# Environment: TODO_POSTGRES_IMAGE (the in-cluster database's image, default postgres:17; CI
# passes its stand-in), IMAGE_TAG. Writes artifacts/cluster/ (helm test output, timings).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

eval "$(scripts/cluster-local.sh env)"
kubectl get --raw /readyz >/dev/null 2>&1 || { echo "no cluster answers: scripts/cluster-local.sh up" >&2; exit 1; }
tag=${IMAGE_TAG:-test}
pg_image=${TODO_POSTGRES_IMAGE:-postgres:17}
ns=todo
release=todo
node_ip=$(kubectl get node -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
# `helm template` does not ask the cluster; tell it which Kubernetes it renders for.
kube_version=$(kubectl get node -o jsonpath='{.items[0].status.nodeInfo.kubeletVersion}')
state=$(dirname "$KUBECONFIG")
art=artifacts/cluster
mkdir -p "$art"
: >"$art/timings.txt"
t_all=$(now_ms)
work=$(mktemp -d)
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && scripts/pg-test-server.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

step_t0=0
step() {
  echo "==> [cluster] $*"
  step_t0=$(now_ms)
  step_name=$*
}
took() { printf '%-70s %6.1f s\n' "$step_name" "$(echo "$(($(now_ms) - step_t0)) / 1000" | bc -l)" | tee -a "$art/timings.txt"; }
diagnose() {
  echo "--- pods, events and logs in $1" >&2
  kubectl get pods -n "$1" -o wide >&2 || true
  kubectl get events -n "$1" --sort-by=.lastTimestamp 2>/dev/null | tail -25 >&2 || true
  for p in $(kubectl get pods -n "$1" -o name 2>/dev/null); do
    echo "--- $p" >&2
    kubectl logs -n "$1" "$p" --all-containers --tail=15 >&2 2>/dev/null || true
  done
}
fail() {
  echo "FAIL: $*" >&2
  diagnose "${2:-$ns}"
  exit 1
}
# The common flags: the images as loaded, the database on the node's local volumes. The checks
# drive one user from several clients, far past the per-user turn rate (60 a minute) a real user
# gets, so the release under test raises it: the pod kill must count served turns, not 429s.
flags=(--set "image.tag=$tag" --set "postgres.image=$pg_image" --set postgres.storageClassName=todo-local
  --set "web.publicUrl=http://$node_ip:30300" --set web.service.nodePort=30300
  --set-json 'chat.extraEnv=[{"name":"TODO_TURNS_PER_MINUTE","value":"100000"}]')
task_count() {
  kubectl exec -n "$ns" "$release-postgres-0" -c postgres -- psql -U todo -d todo -tAc 'SELECT count(*) FROM tasks'
}
secret_of() { kubectl get secret -n "$1" "$2" -o "jsonpath={.data.$3}" | base64 -d; }
chat_url() { echo "http://$(kubectl get svc -n "$1" "$2-chat" -o jsonpath='{.spec.clusterIP}'):8000"; }

step "images in the node's containerd"
loaded=$(ctr images ls -q)
have_image() { grep -qx -e "$1" -e "docker.io/library/$1" <<<"$loaded"; }
# The database image comes from the Docker engine too: pulled once where a registry answers,
# a local stand-in in CI (TODO_POSTGRES_IMAGE, .ci/stand-in-postgres.sh).
docker image inspect "$pg_image" >/dev/null 2>&1 || docker pull -q "$pg_image" >/dev/null ||
  { echo "no $pg_image in the Docker engine and none to pull: set TODO_POSTGRES_IMAGE" >&2; exit 1; }
for image in "todo-mcp:$tag" "todo-chat:$tag" "todo-web:$tag" "$pg_image"; do
  have_image "$image" || scripts/cluster-local.sh load "$image"
done
took

step "Pod Security: namespace $ns enforces 'restricted'"
kubectl create namespace "$ns" --dry-run=client -o yaml |
  kubectl label --local -f - pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest -o yaml |
  kubectl apply -f - >/dev/null
# A pod with the defaults (root allowed, capabilities kept, no seccomp profile) must be refused.
if kubectl run psa-probe -n "$ns" --image="todo-chat:$tag" --image-pull-policy=Never --dry-run=server \
  >"$work/psa.log" 2>&1; then
  fail "a pod without the restricted securityContext was admitted in $ns"
fi
grep -q 'violates PodSecurity "restricted' "$work/psa.log" || { cat "$work/psa.log"; fail "refused, but not by Pod Security"; }
echo "    refused: $(cut -c1-160 "$work/psa.log")..."
took

step "local volumes for PostgreSQL (a StorageClass without a provisioner, three hostPath PVs)"
kubectl apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: todo-local }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
EOF
for i in 1 2 3; do
  mkdir -p "$state/volumes/pv$i" && chown 999:999 "$state/volumes/pv$i" && chmod 700 "$state/volumes/pv$i"
  kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata: { name: todo-pv$i }
spec:
  capacity: { storage: 2Gi }
  accessModes: [ReadWriteOnce]
  storageClassName: todo-local
  persistentVolumeReclaimPolicy: Retain
  hostPath: { path: $state/volumes/pv$i, type: Directory }
EOF
done
took

step "helm install --wait --wait-for-jobs (in-cluster PostgreSQL)"
helm install "$release" chart -n "$ns" "${flags[@]}" --wait --wait-for-jobs --timeout 5m >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "helm install"; }
head -6 "$work/install.log"
kubectl get deploy,sts,job -n "$ns"
took

step "helm test --logs"
helm test "$release" -n "$ns" --logs --timeout 3m >"$art/helm-test.txt" 2>&1 || { cat "$art/helm-test.txt"; fail "helm test"; }
cat "$art/helm-test.txt"
took

export BETTER_AUTH_SECRET
BETTER_AUTH_SECRET=$(secret_of "$ns" "$release-secrets" BETTER_AUTH_SECRET)
export TEST_USER="cluster-$$"
chat=$(chat_url "$ns" "$release")

step "todo-chat scaled to 3: one conversation across every replica through the Service ($chat)"
kubectl scale deploy -n "$ns" "$release-chat" --replicas=3 >/dev/null
kubectl rollout status deploy -n "$ns" "$release-chat" --timeout=3m >/dev/null || fail "scale to 3"
python3 scripts/cluster_check.py replicas "$chat" "$ns" "app.kubernetes.io/component=chat,app.kubernetes.io/instance=$release" ||
  fail "the conversation across replicas"
took

step "a todo-chat pod deleted under load: no acknowledged turn lost"
python3 scripts/cluster_check.py kill "$chat" "$ns" "app.kubernetes.io/component=chat,app.kubernetes.io/instance=$release" ||
  fail "the pod kill"
kubectl rollout status deploy -n "$ns" "$release-chat" --timeout=3m >/dev/null || fail "todo-chat did not recover"
took

step "helm upgrade (a config change and a new image tag), then helm rollback: every task kept"
before=$(task_count)
for image in todo-mcp todo-chat todo-web; do
  ctr images tag --force "docker.io/library/$image:$tag" "docker.io/library/$image:$tag-upgrade" >/dev/null
done
job_before=$(kubectl get job -n "$ns" -l app.kubernetes.io/component=migrate -o name)
helm upgrade "$release" chart -n "$ns" "${flags[@]}" --set "image.tag=$tag-upgrade" --set openai.model=local \
  --set chat.replicaCount=3 --wait --wait-for-jobs --timeout 5m >"$work/upgrade.log" 2>&1 ||
  { cat "$work/upgrade.log"; fail "helm upgrade"; }
images=$(kubectl get deploy -n "$ns" -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image}{" "}{end}')
model=$(kubectl get cm -n "$ns" "$release-config" -o jsonpath='{.data.OPENAI_MODEL}')
job_after=$(kubectl get job -n "$ns" -l app.kubernetes.io/component=migrate -o name)
after_upgrade=$(task_count)
echo "    upgraded: images $images; OPENAI_MODEL=$model; migration $job_before -> $job_after; tasks $before -> $after_upgrade"
[ "$model" = local ] && [[ "$images" == *":$tag-upgrade "* ]] && [ "$job_before" != "$job_after" ] ||
  fail "the upgrade did not apply the new tag, the config change and a new migration Job"
[ "$after_upgrade" = "$before" ] || fail "tasks before the upgrade: $before, after: $after_upgrade"
helm test "$release" -n "$ns" --timeout 3m >"$work/test2.log" 2>&1 || { cat "$work/test2.log"; fail "helm test after the upgrade"; }
after_test=$(task_count)
[ "$after_test" = $((before + 1)) ] || fail "helm test adds one task: $before -> $after_test"
echo "    helm test passes on the upgrade (its sign-up adds one task: $after_test)"
helm rollback "$release" 1 -n "$ns" --wait --wait-for-jobs --timeout 5m >"$work/rollback.log" 2>&1 ||
  { cat "$work/rollback.log"; fail "helm rollback"; }
images=$(kubectl get deploy -n "$ns" -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].image}{" "}{end}')
after_rollback=$(task_count)
echo "    rolled back to revision 1: images $images; tasks $after_rollback"
[[ "$images" != *"-upgrade"* ]] || fail "the rollback kept the upgraded images"
[ "$after_rollback" = "$after_test" ] || fail "tasks before the rollback: $after_test, after: $after_rollback"
echo "    task count: before the upgrade $before = after it $after_upgrade; before the rollback $after_test = after it $after_rollback"
helm history "$release" -n "$ns" --max 5
took

step "GitOps: helm template | kubectl apply, twice, with secrets.existingSecret"
gns=todo-gitops
kubectl create namespace "$gns" >/dev/null
if helm template "$release" chart -n "$gns" --kube-version "$kube_version" "${flags[@]}" >/dev/null 2>"$work/refusal.log"; then
  fail "helm template without secrets.existingSecret rendered generated secrets"
fi
grep -q 'secrets.existingSecret is required when rendering without the cluster' "$work/refusal.log" ||
  { cat "$work/refusal.log"; fail "helm template was refused, but not for the secrets"; }
echo "    without existingSecret, refused: $(grep -o 'secrets.existingSecret is required[^:]*' "$work/refusal.log")"
pw=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
kubectl create secret generic -n "$gns" todo-secrets \
  --from-literal=BETTER_AUTH_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  --from-literal=POSTGRES_PASSWORD="$pw" \
  --from-literal=DATABASE_URL="postgres://todo:$pw@$release-postgres:5432/todo" >/dev/null
render() {
  helm template "$release" chart -n "$gns" --kube-version "$kube_version" "${flags[@]}" --set secrets.existingSecret=todo-secrets \
    --set tests.enabled=false --set web.service.nodePort=30301 --set "web.publicUrl=http://$node_ip:30301"
}
secrets_state() {
  kubectl get secret -n "$gns" -o json | python3 -c '
import hashlib, json, sys
for s in json.load(sys.stdin)["items"]:
    print(s["metadata"]["name"], s["metadata"]["resourceVersion"], hashlib.sha256(json.dumps(s["data"], sort_keys=True).encode()).hexdigest()[:16])'
}
render >"$work/render1.yaml"
kubectl apply -n "$gns" -f "$work/render1.yaml" >/dev/null
kubectl rollout status -n "$gns" deploy --timeout=4m >/dev/null || fail "the GitOps render did not roll out" "$gns"
kubectl wait -n "$gns" --for=condition=complete job -l app.kubernetes.io/component=migrate --timeout=3m >/dev/null ||
  fail "the GitOps render's migrations" "$gns"
secrets_state >"$work/secrets1"
gen1=$(kubectl get deploy -n "$gns" -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.generation} {end}')
render >"$work/render2.yaml"
kubectl diff -n "$gns" -f "$work/render2.yaml" >"$work/gitops.diff" 2>&1 || true
echo "    kubectl diff before the second apply: $(grep -c '^[-+] ' "$work/gitops.diff" || true) changed lines"
grep '^[-+] ' "$work/gitops.diff" | head -10 | sed 's/^/      /' || true
kubectl apply -n "$gns" -f "$work/render2.yaml" >"$work/apply2.log"
echo "    apply 2: $(grep -c ' unchanged$' "$work/apply2.log" || true) objects unchanged, $(grep -vc ' unchanged$' "$work/apply2.log" || true) re-patched by kubectl with what the server already has"
secrets_state >"$work/secrets2"
gen2=$(kubectl get deploy -n "$gns" -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.generation} {end}')
cmp -s "$work/render1.yaml" "$work/render2.yaml" || fail "two renders differ" "$gns"
sed 's/^/    secret (name, resourceVersion, data hash) after apply 1: /' "$work/secrets1"
sed 's/^/    secret (name, resourceVersion, data hash) after apply 2: /' "$work/secrets2"
cmp -s "$work/secrets1" "$work/secrets2" || fail "the Secrets changed between two applies" "$gns"
[ "$gen1" = "$gen2" ] || fail "the Deployments changed between two applies: $gen1 / $gen2" "$gns"
echo "    identical renders, Secrets unchanged, no rollout (Deployment generations $gen2)"
kubectl delete namespace "$gns" --wait=false >/dev/null
took

step "Kagent: the Agent CRD and the todo-ops Agent, server-side validation"
kubectl apply --server-side -f chart/ci/kagent-crds/kagent.dev_agents.yaml >/dev/null
for _ in $(seq 1 120); do
  [ "$(kubectl get crd agents.kagent.dev -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null)" = True ] && break
  sleep 0.5
done
kubectl create namespace kagent --dry-run=client -o yaml | kubectl apply -f - >/dev/null
helm template "$release" chart -n "$ns" --kube-version "$kube_version" -f chart/ci/kagent.yaml --api-versions kagent.dev/v1alpha2/Agent \
  --set secrets.existingSecret=todo-secrets --show-only templates/kagent-agent.yaml >"$work/agent.yaml"
kubectl apply --server-side --validate=strict -f "$work/agent.yaml"
kubectl get agents.kagent.dev -n kagent todo-ops -o jsonpath='    accepted: {.kind} {.metadata.namespace}/{.metadata.name}, {.spec.type}, tools {.spec.declarative.tools[0].mcpServer.toolNames}{"\n"}'
sed 's/    systemMessage:/    systemMesage:/' "$work/agent.yaml" >"$work/agent-broken.yaml"
if kubectl apply --server-side --validate=strict --dry-run=server -f "$work/agent-broken.yaml" >"$work/agent-broken.log" 2>&1; then
  fail "the API server accepted an Agent with a misspelt field"
fi
grep -q 'systemMesage: field not declared in schema' "$work/agent-broken.log" ||
  { cat "$work/agent-broken.log"; fail "the misspelt Agent was refused, but not for the field"; }
echo "    a misspelt field is refused, as it should be: $(grep -o '[^ ]*systemMesage: field not declared in schema' "$work/agent-broken.log")"
took

step "Neon value set: an external PostgreSQL (a private server on the node address $node_ip)"
nns=todo-neon
pg_dir=$(mktemp -d -u /tmp/todo-cluster-pg.XXXXXX)
local_url=$(scripts/pg-test-server.sh start "$pg_dir")
pg_port=${local_url##*:}
pg_port=${pg_port%%/*}
pg_ctl=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n1)
pg_pw=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
runuser -u postgres -- psql -q -h 127.0.0.1 -p "$pg_port" -U todo -d todo \
  -c "ALTER ROLE todo PASSWORD '$pg_pw'" -c "CREATE DATABASE neon" -c "CREATE DATABASE broken"
# Listen on the node address too, with passwords required from the pods' network.
echo "host all all 10.79.0.0/16 scram-sha-256" | runuser -u postgres -- tee -a "$pg_dir/data/pg_hba.conf" >/dev/null
runuser -u postgres -- "$pg_ctl" -D "$pg_dir/data" -w -o "-c listen_addresses=127.0.0.1,$node_ip -p $pg_port -k $pg_dir -c fsync=off" restart >/dev/null
kubectl create namespace "$nns" >/dev/null
kubectl create secret generic -n "$nns" todo-neon \
  --from-literal=DATABASE_URL="postgres://todo:$pg_pw@$node_ip:$pg_port/neon?sslmode=disable" >/dev/null
nflags=(--set "image.tag=$tag" --set "web.publicUrl=http://$node_ip:30302" --set web.service.nodePort=30302)
helm install todo-neon chart -n "$nns" -f chart/ci/neon.yaml "${nflags[@]}" --wait --wait-for-jobs --timeout 5m \
  >"$work/neon.log" 2>&1 || { cat "$work/neon.log"; fail "helm install -f chart/ci/neon.yaml" "$nns"; }
echo "    no in-cluster database: $(kubectl get sts,pvc -n "$nns" -o name | wc -l) StatefulSets or PVCs in $nns"
helm test todo-neon -n "$nns" --logs --timeout 3m >"$work/neon-test.log" 2>&1 || { cat "$work/neon-test.log"; fail "helm test (Neon)" "$nns"; }
grep -E 'helm-test: (chat turn|PASS)|Phase' "$work/neon-test.log" | sed 's/^/    /'
tables=$(runuser -u postgres -- psql -h 127.0.0.1 -p "$pg_port" -U todo -d neon -tAc \
  "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('tasks','messages','user','session')")
echo "    the external server holds the schema ($tables of tasks, messages, user, session) and the test's task:" \
  "$(runuser -u postgres -- psql -h 127.0.0.1 -p "$pg_port" -U todo -d neon -tAc 'SELECT count(*) FROM tasks') task(s)"
took

step "a deliberately broken values file (chart/ci/broken/wrong-chat-port.yaml): helm test must fail"
bns=todo-broken
kubectl create namespace "$bns" >/dev/null
kubectl create secret generic -n "$bns" todo-neon \
  --from-literal=DATABASE_URL="postgres://todo:$pg_pw@$node_ip:$pg_port/broken?sslmode=disable" >/dev/null
helm install todo-broken chart -n "$bns" -f chart/ci/neon.yaml -f chart/ci/broken/wrong-chat-port.yaml \
  --set "image.tag=$tag" --set web.service.nodePort=30303 --wait --wait-for-jobs --timeout 5m >"$work/broken.log" 2>&1 ||
  { cat "$work/broken.log"; fail "the broken release should still install and report ready" "$bns"; }
if helm test todo-broken -n "$bns" --logs --timeout 2m >"$work/broken-test.log" 2>&1; then
  cat "$work/broken-test.log"
  fail "helm test passed against a wrong todo-chat Service port" "$bns"
fi
echo "    helm test failed, as it must: $(grep -m1 'helm-test: FAIL' "$work/broken-test.log" || tail -n1 "$work/broken-test.log")"
helm uninstall todo-broken -n "$bns" >/dev/null
helm uninstall todo-neon -n "$nns" >/dev/null
took

{
  echo "total cluster checks: $((($(now_ms) - t_all) / 1000)) s"
} | tee -a "$art/timings.txt"
echo "==> [cluster] all checks passed on $(kubectl get node -o jsonpath='{.items[0].metadata.name} (Kubernetes {.items[0].status.nodeInfo.kubeletVersion}, {.items[0].status.nodeInfo.containerRuntimeVersion})')"
