#!/usr/bin/env bash
# The Helm chart, offline: for each value set in chart/ci/, `helm lint --strict`, `helm template`,
# strict validation of every manifest against the Kubernetes (and Kagent) schemas with
# kubeconform, and the policy checks of scripts/chart_check.py. Every file in chart/ci/invalid/
# must be refused. Needs helm, kubeconform and the kubernetes-validate wheel (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."

kube_version=1.34.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/chart_check.py schemas "$work/schemas" >/dev/null
render() { helm template todo chart --namespace todo --kube-version "$kube_version" "$@"; }

for values in chart/ci/*.yaml; do
  set_name=$(basename "$values" .yaml)
  extra=()
  [ "$set_name" = kagent ] && extra=(--api-versions kagent.dev/v1alpha2/Agent)
  echo "==> [$set_name] helm lint --strict, helm template, kubeconform -strict, policy"
  helm lint --strict chart --namespace todo --kube-version "$kube_version" -f "$values" >"$work/lint.log" ||
    { cat "$work/lint.log"; exit 1; }
  render -f "$values" "${extra[@]}" >"$work/$set_name.yaml"
  kubeconform -strict -summary -schema-location "$work/schemas/{{.ResourceKind}}{{.KindSuffix}}.json" \
    "$work/$set_name.yaml"
  python3 scripts/chart_check.py policy "$work/$set_name.yaml" "$set_name"
done

echo "==> [kagent-without-api] kagent.enabled renders no Agent where the cluster lacks kagent.dev/v1alpha2"
render -f chart/ci/kagent.yaml >"$work/kagent-without-api.yaml"
python3 scripts/chart_check.py policy "$work/kagent-without-api.yaml" kagent-without-api

for values in chart/ci/invalid/*.yaml; do
  if render -f "$values" >/dev/null 2>"$work/refusal.log"; then
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
