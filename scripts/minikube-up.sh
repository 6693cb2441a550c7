#!/usr/bin/env bash
# The product on Minikube: starts Minikube if needed, builds the images inside it, installs or
# upgrades the Helm chart (its secrets are generated at install and kept on upgrade), waits for
# the rollout and prints the URL. Safe to run again: it upgrades in place.
#   scripts/minikube-up.sh [extra helm flags, e.g. -f my-values.yaml]
# Environment: RELEASE (todo), NAMESPACE (todo), MINIKUBE_PROFILE (minikube),
#   MINIKUBE_START_FLAGS (--cpus=2 --memory=4g), PUBLIC_URL (http://<minikube ip>:30300),
#   CA_BUNDLE (a proxy's CA for the image builds), KAGENT=1 (create the todo-ops agent).
set -euo pipefail
cd "$(dirname "$0")/.."

release=${RELEASE:-todo}
namespace=${NAMESPACE:-todo}
profile=${MINIKUBE_PROFILE:-minikube}
node_port=30300
say() { echo "==> $*"; }
die() { echo "minikube-up: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed; see docs/deploy.md ($2)"; }
need minikube "https://minikube.sigs.k8s.io/docs/start/"
need helm "https://helm.sh/docs/intro/install/"
need kubectl "https://kubernetes.io/docs/tasks/tools/"
need docker "the images are built with Minikube's Docker engine through the docker CLI"

if minikube -p "$profile" status >/dev/null 2>&1; then
  say "Minikube ($profile) is running"
else
  say "starting Minikube ($profile)"
  # shellcheck disable=SC2086
  minikube -p "$profile" start ${MINIKUBE_START_FLAGS:---cpus=2 --memory=4g} || die "minikube start failed"
fi
kubectl config use-context "$profile" >/dev/null

say "building the images inside Minikube's Docker engine"
eval "$(minikube -p "$profile" docker-env)"
tag=$(sed -n 's/^appVersion: *"*\([^"]*\)"*$/\1/p' chart/Chart.yaml)
IMAGE_TAG=$tag scripts/images.sh || die "an image build failed (see above)"

url=${PUBLIC_URL:-http://$(minikube -p "$profile" ip):$node_port}
flags=(--namespace "$namespace" --create-namespace --set-string "web.publicUrl=$url"
  --set "web.service.nodePort=$node_port" --wait --wait-for-jobs --timeout 10m)
[ "${KAGENT:-}" = 1 ] && flags+=(--set kagent.enabled=true)
say "helm upgrade --install $release chart/ (namespace $namespace)"
helm upgrade --install "$release" chart "${flags[@]}" "$@" ||
  die "the release did not become ready: kubectl get pods -n $namespace; kubectl describe pod -n $namespace <pod>"

for d in web chat mcp; do
  kubectl -n "$namespace" rollout status "deployment/$release-$d" --timeout=5m >/dev/null ||
    die "deployment $release-$d did not roll out"
done
say "Todo Chatbot is up: $url"
echo "    check it:   helm test $release -n $namespace"
echo "    or open:    minikube service $release-web -n $namespace"
