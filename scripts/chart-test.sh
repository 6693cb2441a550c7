#!/usr/bin/env bash
# The Helm chart, offline: for each value set in chart/ci/, `helm lint --strict`, `helm template`,
# strict validation of every manifest against the Kubernetes (and Kagent, ServiceMonitor)
# schemas with kubeconform, and the policy checks of scripts/chart_check.py. Every file in
# chart/ci/invalid/ must be refused, and so must a render that would generate secrets without
# the cluster. (scripts/cluster-test.sh installs the chart on a real node.) Needs helm, kubeconform and the kubernetes-validate wheel (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

kube_version=1.34.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/chart_check.py schemas "$work/schemas" >/dev/null
# `helm template` cannot read the cluster, so the chart refuses to generate secrets there (see
# below): these renders name an existing Secret, as GitOps does.
gitops=(--set secrets.existingSecret=todo-secrets)
render() { helm template todo chart --namespace todo --kube-version "$kube_version" "$@"; }

for values in chart/ci/*.yaml; do
  set_name=$(basename "$values" .yaml)
  extra=()
  [ "$set_name" = kagent ] && extra=(--api-versions kagent.dev/v1alpha2/Agent)
  echo "==> [$set_name] helm lint --strict, helm template, kubeconform -strict, policy"
  helm lint --strict chart --namespace todo --kube-version "$kube_version" -f "$values" "${gitops[@]}" >"$work/lint.log" ||
    { cat "$work/lint.log"; exit 1; }
  render -f "$values" "${gitops[@]}" "${extra[@]}" >"$work/$set_name.yaml"
  kubeconform -strict -summary -schema-location "$work/schemas/{{.ResourceKind}}{{.KindSuffix}}.json" \
    "$work/$set_name.yaml"
  python3 scripts/chart_check.py policy "$work/$set_name.yaml" "$set_name"
done

echo "==> [kagent-without-api] kagent.enabled renders no Agent where the cluster lacks kagent.dev/v1alpha2"
render -f chart/ci/kagent.yaml "${gitops[@]}" >"$work/kagent-without-api.yaml"
python3 scripts/chart_check.py policy "$work/kagent-without-api.yaml" kagent-without-api

echo "==> GitOps-safe secrets: a render without the cluster and without secrets.existingSecret is refused"
for set_name in minikube neon; do
  if render -f "chart/ci/$set_name.yaml" >/dev/null 2>"$work/refusal.log"; then
    echo "FAIL: [$set_name] helm template generated secrets it cannot keep (no lookup)" >&2
    exit 1
  fi
  grep -q 'secrets.existingSecret is required when rendering without the cluster' "$work/refusal.log" ||
    { cat "$work/refusal.log" >&2; echo "FAIL: [$set_name] refused, but not for the secrets" >&2; exit 1; }
done
echo "    refused: $(grep -o 'secrets.existingSecret is required[^:]*' "$work/refusal.log")"
echo "==> the same render twice is byte-identical (no random value, no timestamp)"
render -f chart/ci/minikube.yaml "${gitops[@]}" >"$work/again.yaml"
cmp -s "$work/minikube.yaml" "$work/again.yaml" || { diff "$work/minikube.yaml" "$work/again.yaml" | head; exit 1; }

for values in chart/ci/invalid/*.yaml; do
  if render -f "$values" "${gitops[@]}" >/dev/null 2>"$work/refusal.log"; then
    echo "FAIL: chart/ci/invalid/$(basename "$values") was accepted" >&2
    exit 1
  fi
  echo "==> refused as it should be: $(basename "$values"): $(grep -v -e '^$' -e '--debug' "$work/refusal.log" | tail -n1)"
done

echo "==> the checks themselves can fail: a writable root filesystem, a misspelt field"
sed 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' "$work/minikube.yaml" >"$work/writable.yaml"
if python3 scripts/chart_check.py policy "$work/writable.yaml" minikube >/dev/null 2>&1; then
  echo "FAIL: the policy check accepted containers with a writable root filesystem" >&2
  exit 1
fi
for broken in "s/revisionHistoryLimit:/revisionHistoryLimits:/" "s/    systemMessage:/    systemMesage:/"; do
  sed "$broken" "$work/kagent.yaml" >"$work/broken.yaml"
  if kubeconform -strict -schema-location "$work/schemas/{{.ResourceKind}}{{.KindSuffix}}.json" \
    "$work/broken.yaml" >/dev/null 2>&1; then
    echo "FAIL: kubeconform accepted a manifest edited with $broken" >&2
    exit 1
  fi
done
