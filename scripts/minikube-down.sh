#!/usr/bin/env bash
# Removes what minikube-up made: the release, its kept Secret, its database volume and the
# namespace. Minikube itself keeps running unless --stop (stop it) or --delete (delete the
# cluster) is given. Safe to run again.
#   scripts/minikube-down.sh [--stop | --delete]
set -euo pipefail

release=${RELEASE:-todo}
namespace=${NAMESPACE:-todo}
profile=${MINIKUBE_PROFILE:-minikube}
say() { echo "==> $*"; }
die() { echo "minikube-down: $*" >&2; exit 1; }
case "${1:-}" in "" | --stop | --delete) ;; *) die "unknown option $1 (use --stop or --delete)" ;; esac
command -v minikube >/dev/null 2>&1 || die "minikube is not installed"

if ! minikube -p "$profile" status >/dev/null 2>&1; then
  say "Minikube ($profile) is not running: nothing to remove"
else
  kubectl config use-context "$profile" >/dev/null
  if helm status "$release" -n "$namespace" >/dev/null 2>&1; then
    say "helm uninstall $release"
    helm uninstall "$release" -n "$namespace" --wait || die "helm uninstall failed"
  else
    say "release $release is not installed"
  fi
  say "deleting the kept Secret, the database volume and namespace $namespace"
  kubectl -n "$namespace" delete secret "$release-secrets" --ignore-not-found
  kubectl -n "$namespace" delete pvc -l "app.kubernetes.io/instance=$release" --ignore-not-found
  kubectl delete namespace "$namespace" --ignore-not-found --wait=true
fi

case "${1:-}" in
  --stop) say "stopping Minikube"; minikube -p "$profile" stop ;;
  --delete) say "deleting the Minikube cluster"; minikube -p "$profile" delete ;;
esac
say "done"
