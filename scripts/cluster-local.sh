#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, offline, for CI and for anyone without Minikube.
#   scripts/cluster-local.sh build    build the pinned binaries (cached; `up` builds them when missing)
#   scripts/cluster-local.sh up       boot the node and load the project's images into its containerd
#   scripts/cluster-local.sh env      print `export KUBECONFIG=... PATH=...` for the running cluster
#   scripts/cluster-local.sh down     stop it and remove every trace (processes, mounts, network
#                                     namespaces, links, iptables chains, cgroups, state)
#
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl and
# CoreDNS are built from the Go module proxy at pinned versions into
# ${TODO_CLUSTER_CACHE:-~/.cache/todo-cluster}; containerd, runc and the CNI plugins come from
# Debian (apt-get install containerd runc containernetworking-plugins conntrack iptables).
#
# Networking: the node address lives on a bridge this script creates (todok8s0, 10.79.0.1/32), pods
# on a second one (todocni0, 10.79.1.0/24, routes to the node and the Services only, no default
# route, no masquerade, forwarding only between pods), Services on 10.79.16.0/20 routed to
# todok8s0. Every listener binds 127.0.0.1 or the node address. CoreDNS serves cluster.local only and forwards
# nothing, containerd's only registry is a closed loopback port: no lookup or packet leaves.
#
# Images: `up` imports $CLUSTER_IMAGES (default: todo-mcp, todo-chat and todo-web at $IMAGE_TAG, default
# test, as scripts/container-test.sh builds them) from the Docker engine with `docker save | ctr
# import`, plus a pause image compiled here from Kubernetes' own pause.c. More images can be
# loaded later: scripts/cluster-local.sh load IMAGE...
#
# Runs as root (kubelet, iptables, mounts). State lives in ${TODO_CLUSTER_DIR:-/tmp/todo-cluster}.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBE_VERSION=1.34.4
ETCD_VERSION=v3.6.16
COREDNS_VERSION=v1.15.0
PAUSE_IMAGE=localhost/todo-cluster/pause:3.10

cache=${TODO_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todo-cluster}
bin=$cache/k8s-v$KUBE_VERSION-etcd-$ETCD_VERSION-coredns-$COREDNS_VERSION
state=${TODO_CLUSTER_DIR:-/tmp/todo-cluster}
run=$state/run
pki=$state/pki
node_ip=10.79.0.1
node_link=todok8s0
pod_link=todocni0
pod_cidr=10.79.1.0/24
service_cidr=10.79.16.0/20
api_service_ip=10.79.16.1
etcd_port=2479
cni_net=todo-podnet
fw_chain=TODO-CLUSTER
cgroup_root=todo-cluster
node_name=todo-node

log() { echo "[$(date +%T)] cluster-local: $*" >&2; }
die() { log "$*"; exit 1; }
now() { date +%s; }

# --- build ---------------------------------------------------------------------------------------

k8s_commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)

build() {
  [ -f "$bin/.complete" ] && return 0
  mkdir -p "$cache"
  # One build at a time (CI may start one early in the background): wait for it, then reuse it.
  exec 9>"$cache/.build.lock"
  flock 9
  [ -f "$bin/.complete" ] && return 0
  command -v go >/dev/null 2>&1 || die "go is not installed (the binaries are built from the Go module proxy)"
  command -v gcc >/dev/null 2>&1 || die "gcc is not installed (the pause image's binary is built from pause.c)"
  local t0 minor staging work ldflags c missing=0
  t0=$(now)
  mkdir -p "$bin" "$cache/src"
  export GOWORK=off CGO_ENABLED=0 GOTOOLCHAIN=local
  minor=$(echo "$KUBE_VERSION" | cut -d. -f2)
  staging=v0.${KUBE_VERSION#1.}

  for c in "${k8s_commands[@]}"; do [ -x "$bin/$c" ] || missing=1; done
  if [ "$missing" = 1 ]; then
    log "build: Kubernetes v$KUBE_VERSION (a wrapper module: k8s.io/kubernetes replaces its staging modules with local paths)"
    work=$cache/src/k8s-v$KUBE_VERSION
    mkdir -p "$work"
    (
      cd "$work"
      export GOFLAGS=-mod=mod
      go mod download "k8s.io/kubernetes@v$KUBE_VERSION"
      {
        printf 'module local/todo-k8s\n\ngo 1.24\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$KUBE_VERSION"
        grep '=> ./staging/src/' "$(go env GOMODCACHE)/k8s.io/kubernetes@v$KUBE_VERSION/go.mod" |
          awk -v v="$staging" '{print "\t" $1 " => " $1 " " v}'
        printf ')\n'
      } >go.mod
      {
        printf '//go:build tools\n\npackage tools\n\nimport (\n'
        for c in "${k8s_commands[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$c"; done
        printf ')\n'
      } >tools.go
      go mod tidy
      ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION"
      ldflags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
      ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
      # shellcheck disable=SC2046 # one package path per command
      nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$bin/" \
        $(for c in "${k8s_commands[@]}"; do echo "k8s.io/kubernetes/cmd/$c"; done)
    )
  fi
  if [ ! -x "$bin/etcd" ]; then
    log "build: etcd $ETCD_VERSION (a wrapper module, for the same reason)"
    work=$cache/src/etcd-$ETCD_VERSION
    mkdir -p "$work"
    (
      cd "$work"
      export GOFLAGS=-mod=mod
      printf 'module local/todo-etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >go.mod
      printf '//go:build tools\n\npackage tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >tools.go
      go mod tidy
      nice -n 10 go build -trimpath -ldflags "-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3
    )
  fi
  if [ ! -x "$bin/coredns" ]; then
    log "build: CoreDNS $COREDNS_VERSION"
    GOFLAGS= GOBIN=$bin nice -n 10 go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
  fi
  log "build: the pause image, from Kubernetes' own build/pause/linux/pause.c (no registry)"
  mkdir -p "$bin/pause"
  gcc -Os -static -DVERSION=3.10 -o "$bin/pause/pause" \
    "$(go env GOMODCACHE)/k8s.io/kubernetes@v$KUBE_VERSION/build/pause/linux/pause.c"
  strip "$bin/pause/pause"
  image_archive "$bin/pause/pause" "$PAUSE_IMAGE" "$bin/pause/image.tar"
  touch "$bin/.complete"
  log "build: done in $(($(now) - t0)) s ($(du -sh "$bin" | cut -f1) in $bin)"
}

# image_archive BINARY NAME OUT: a `docker save` archive of a one-file image (FROM scratch,
# ENTRYPOINT the binary, user 65535), for `ctr images import`.
image_archive() {
  python3 - "$@" <<'PY'
import hashlib, io, json, sys, tarfile
binary, name, out = sys.argv[1:4]
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.USTAR_FORMAT) as t:
    info = t.gettarinfo(binary, arcname="pause")
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    info.mode = 0o755
    with open(binary, "rb") as f:
        t.addfile(info, f)
layer = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
                     "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
manifest = json.dumps([{"Config": config_name, "RepoTags": [name], "Layers": ["layer.tar"]}]).encode()
with tarfile.open(out, "w") as t:
    for arcname, data in ((config_name, config), ("layer.tar", layer), ("manifest.json", manifest)):
        info = tarfile.TarInfo(arcname)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
}

# --- up ------------------------------------------------------------------------------------------

pid_alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

# start NAME COMMAND...: a background process in its own session, log and pid file in $run.
start() {
  local name=$1
  shift
  setsid "$@" >"$run/$name.log" 2>&1 </dev/null &
  echo $! >"$run/$name.pid"
}

# wait_for NAME SECONDS COMMAND...: until COMMAND succeeds; else NAME's log and failure.
wait_for() {
  local name=$1 seconds=$2 i
  shift 2
  for ((i = 0; i < seconds * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  log "$name is not ready after ${seconds} s; the last lines of its log:"
  tail -n 20 "$run/$name.log" >&2 2>/dev/null || true
  return 1
}

kc() { "$bin/kubectl" --kubeconfig "$state/kubeconfig" "$@"; }
ctr_() { ctr --address "$run/containerd/containerd.sock" --namespace k8s.io "$@"; }

make_pki() {
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=todo-cluster-ca" 2>/dev/null
    printf '[ext]\nsubjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:%s,IP:%s\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
      "$api_service_ip" "$node_ip" >server.cnf
    printf '[ext]\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.cnf
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 \
      -extfile server.cnf -extensions ext 2>/dev/null
    # One client identity for the control plane, the node and the admin: a throwaway CI cluster.
    openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=todo-cluster-admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 2 \
      -extfile client.cnf -extensions ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  cat >"$state/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: todo-cluster
    cluster: { server: "https://$node_ip:6443", certificate-authority: "$pki/ca.crt" }
users:
  - name: admin
    user: { client-certificate: "$pki/admin.crt", client-key: "$pki/admin.key" }
contexts:
  - name: todo-cluster
    context: { cluster: todo-cluster, user: admin }
current-context: todo-cluster
EOF
}

# Kernel settings the kubelet (setupKernelTunables) and this script change; `down` restores them.
sysctls=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops net.bridge.bridge-nf-call-iptables)

network_up() {
  local s
  for s in "${sysctls[@]}"; do echo "$s=$(sysctl -n "$s" 2>/dev/null || true)"; done >"$state/sysctl.before"
  sysctl -qw net.bridge.bridge-nf-call-iptables=1 || die "net.bridge.bridge-nf-call-iptables=1 failed (modprobe br_netfilter)"
  [ "$(sysctl -n net.ipv4.ip_forward)" = 1 ] || die "net.ipv4.ip_forward is 0: the node routes Service traffic between pods"
  ip link add "$node_link" type bridge
  ip addr add "$node_ip/32" dev "$node_link"
  ip link set "$node_link" up
  ip route add "$service_cidr" dev "$node_link" src "$node_ip"
  # Pods may talk to pods (directly or through a Service) and to the node address; nothing they
  # send is forwarded anywhere else.
  iptables -N "$fw_chain"
  iptables -A "$fw_chain" -i "$pod_link" -o "$pod_link" -j ACCEPT
  iptables -A "$fw_chain" -i "$pod_link" -j DROP
  iptables -A "$fw_chain" -o "$pod_link" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  iptables -I FORWARD 1 -j "$fw_chain"
}

containerd_config() {
  local runc_binary=/usr/sbin/runc
  # Without CAP_SYS_RESOURCE runc cannot give the sandbox the negative oom_score_adj the kubelet
  # asks for ("can't get final child's PID from pipe"): clamp it to 0.
  if ! sh -c 'echo -998 >/proc/self/oom_score_adj' 2>/dev/null; then
    runc_binary=$state/runc
    cat >"$runc_binary" <<'EOF'
#!/bin/sh
prev=""
for a in "$@"; do
  if [ "$prev" = "--bundle" ] || [ "$prev" = "-b" ]; then
    sed -i -E 's/"oomScoreAdj":-[0-9]+/"oomScoreAdj":0/' "$a/config.json"
  fi
  prev=$a
done
exec /usr/sbin/runc "$@"
EOF
    chmod +x "$runc_binary"
  fi
  mkdir -p "$state/certs.d/_default" "$state/cni/net.d" "$run/containerd"
  # No registry: every pull goes to a closed port on loopback and fails at once.
  printf 'server = "http://127.0.0.1:9"\n\n[host."http://127.0.0.1:9"]\n  capabilities = ["pull", "resolve"]\n' \
    >"$state/certs.d/_default/hosts.toml"
  cat >"$state/containerd.toml" <<EOF
version = 2
root = "$run/containerd/root"
state = "$run/containerd/state"
[grpc]
  address = "$run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$runc_binary"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$state/certs.d"
EOF
  cat >"$state/cni/net.d/10-todo.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "$cni_net",
  "plugins": [
    {"type": "bridge", "bridge": "$pod_link", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "dataDir": "$state/cni/ipam", "ranges": [[{"subnet": "$pod_cidr"}]],
              "routes": [{"dst": "$service_cidr"}, {"dst": "$node_ip/32"}]}}
  ]
}
EOF
}

kubelet_config() {
  echo "nameserver $node_ip" >"$state/resolv.conf"
  cat >"$state/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
readOnlyPort: 0
healthzBindAddress: $node_ip
authentication: {anonymous: {enabled: false}, webhook: {enabled: false}, x509: {clientCAFile: "$pki/ca.crt"}}
authorization: {mode: AlwaysAllow}
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
failCgroupV1: false
containerRuntimeEndpoint: unix://$run/containerd/containerd.sock
clusterDNS: [$node_ip]
clusterDomain: cluster.local
resolvConf: $state/resolv.conf
podLogsDir: $run/pod-logs
failSwapOn: false
enforceNodeAllocatable: []
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
maxPods: 60
EOF
  # The pods live under one cgroup of ours in every v1 hierarchy (`down` removes it).
  local h
  for h in /sys/fs/cgroup/*/; do
    if [ "$(stat -fc %T "$h")" = cgroupfs ]; then mkdir -p "$h$cgroup_root"; fi
  done
}

# The PodSecurity admission default for every namespace but kube-system: "restricted", enforced.
admission_config() {
  cat >"$state/admission.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults: {enforce: restricted, enforce-version: latest, audit: restricted, audit-version: latest, warn: restricted, warn-version: latest}
      exemptions: {usernames: [], runtimeClasses: [], namespaces: [kube-system]}
EOF
}

load_images() {
  [ $# -gt 0 ] || return 0
  local t0
  t0=$(now)
  command -v docker >/dev/null 2>&1 || die "docker is needed to load images (docker save | ctr images import)"
  docker image inspect "$@" >/dev/null || die "missing in the Docker engine: $* (build them: scripts/images.sh)"
  docker save "$@" | ctr_ images import - >/dev/null
  log "loaded into containerd in $(($(now) - t0)) s: $*"
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root (the kubelet, iptables, mounts)"
  local tool
  for tool in containerd runc ctr iptables ip openssl python3 setsid curl; do
    command -v "$tool" >/dev/null 2>&1 ||
      die "$tool is missing (Debian: apt-get install containerd runc iptables iproute2 openssl python3 curl)"
  done
  [ -x /usr/lib/cni/bridge ] || die "the CNI plugins are missing (Debian: apt-get install containernetworking-plugins)"
  if ip link show "$node_link" >/dev/null 2>&1 || [ -d "$state" ]; then
    die "a cluster is already up (or was not torn down): scripts/cluster-local.sh down"
  fi
  build
  local t0 images loader
  t0=$(now)
  mkdir -p "$run"
  ip netns list 2>/dev/null | awk '{print $1}' >"$state/netns.before"
  if [ -d /var/lib/cni ]; then touch "$state/var-lib-cni.existed"; fi
  if [ -d /var/log/containers ]; then touch "$state/var-log-containers.existed"; fi
  make_pki
  network_up
  containerd_config
  kubelet_config
  admission_config

  start etcd "$bin/etcd" --name todo --data-dir "$run/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
    --initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
    --initial-cluster "todo=http://127.0.0.1:$((etcd_port + 1))" --unsafe-no-fsync
  start containerd containerd --config "$state/containerd.toml"
  wait_for etcd 30 curl -fsS "http://127.0.0.1:$etcd_port/health"
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address "$node_ip" --advertise-address "$node_ip" --secure-port 6443 \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-cluster-ip-range "$service_cidr" --authorization-mode Node,RBAC \
    --admission-control-config-file "$state/admission.yaml" --profiling=false
  wait_for containerd 30 ctr_ version
  ctr_ images import "$bin/pause/image.tar" >/dev/null
  images=${CLUSTER_IMAGES-todo-mcp:${IMAGE_TAG:-test} todo-chat:${IMAGE_TAG:-test} todo-web:${IMAGE_TAG:-test}}
  # shellcheck disable=SC2086 # a list of image names
  load_images $images &
  loader=$!
  wait_for kube-apiserver 60 sh -c "'$bin/kubectl' --kubeconfig '$state/kubeconfig' get --raw /readyz | grep -qx ok"
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$state/kubeconfig" \
    --authentication-kubeconfig "$state/kubeconfig" --authorization-kubeconfig "$state/kubeconfig" \
    --bind-address "$node_ip" --leader-elect=false --use-service-account-credentials=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --controllers '*,-nodeipam,-cloud-node-lifecycle' --profiling=false
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$state/kubeconfig" \
    --authentication-kubeconfig "$state/kubeconfig" --authorization-kubeconfig "$state/kubeconfig" \
    --bind-address "$node_ip" --leader-elect=false --profiling=false
  start kubelet "$bin/kubelet" --config "$state/kubelet.yaml" --kubeconfig "$state/kubeconfig" \
    --root-dir "$run/kubelet" --cert-dir "$run/kubelet/pki" --hostname-override "$node_name" --node-ip "$node_ip"
  start kube-proxy "$bin/kube-proxy" --kubeconfig "$state/kubeconfig" --hostname-override "$node_name" \
    --proxy-mode iptables --cluster-cidr "$pod_cidr" --bind-address "$node_ip" \
    --metrics-bind-address "$node_ip:10249" --healthz-bind-address "$node_ip:10256" \
    --nodeport-addresses "$node_ip/32" --conntrack-max-per-core 0 \
    --conntrack-tcp-timeout-established 0 --conntrack-tcp-timeout-close-wait 0 --profiling=false
  # CoreDNS as a host process on the node address: cluster.local only, no forwarding anywhere.
  cat >"$state/Corefile" <<EOF
.:53 {
    bind $node_ip
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $state/kubeconfig todo-cluster
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
}
EOF
  start coredns "$bin/coredns" -conf "$state/Corefile"
  wait_for kubelet 90 kc wait --for=condition=Ready "node/$node_name" --timeout=1s
  wait_for kube-controller-manager 60 kc get serviceaccount default -n default
  wait "$loader" || die "loading the images failed"
  log "up in $(($(now) - t0)) s: node $node_name ($node_ip), Kubernetes v$KUBE_VERSION, Pod Security 'restricted' by default"
  env_
}

env_() {
  echo "export KUBECONFIG=$state/kubeconfig PATH=$bin:\$PATH CONTAINERD_ADDRESS=$run/containerd/containerd.sock CONTAINERD_NAMESPACE=k8s.io"
}

# --- down ----------------------------------------------------------------------------------------

# stop NAME...: SIGTERM to each started process, SIGKILL to what is left after 3 s.
stop() {
  local name pids=() i
  for name in "$@"; do
    [ -f "$run/$name.pid" ] || continue
    pids+=("$(cat "$run/$name.pid")")
    rm -f "$run/$name.pid"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  kill "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    kill -0 "${pids[@]}" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
}

# The pids in our cgroups (the pods' processes), and containerd's shims for our socket.
our_pids() {
  local h
  for h in /sys/fs/cgroup/*/"$cgroup_root"; do
    if [ -d "$h" ]; then find "$h" -name cgroup.procs -exec cat {} + 2>/dev/null || true; fi
  done
  local f c
  for f in /proc/[0-9]*/cmdline; do
    c=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    case $c in
      *containerd-shim*"-address $run/containerd/containerd.sock"*) f=${f#/proc/} && echo "${f%/cmdline}" ;;
    esac
  done
}

down() {
  [ "$(id -u)" = 0 ] || die "run as root"
  local t0 i pids t link ipt table chain depth key value
  t0=$(now)
  # A throwaway cluster: nothing to drain. The kubelet goes first (so it restarts nothing),
  # then every container, then the rest; what the pods leave behind is removed below.
  stop kubelet
  stop coredns kube-proxy kube-scheduler kube-controller-manager kube-apiserver etcd
  if pid_alive containerd; then
    for t in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  for ((i = 0; i < 6; i++)); do
    pids=$(our_pids | sort -u | grep -v -x -e "$$" -e "$BASHPID" || true)
    [ -n "$pids" ] || break
    # shellcheck disable=SC2086 # a list of pids
    kill -9 $pids 2>/dev/null || true
    sleep 0.5
  done

  log "down: processes stopped ($(($(now) - t0)) s)"
  # Mounts under the state directory (overlays, shm, tmpfs volumes), deepest first.
  # (set -e does not stop `down` half way: every step below tolerates having nothing to do.)
  awk -v p="$state/" 'index($2, p) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done || true
  # The pods' network namespaces: those that appeared since `up`.
  if [ -f "$state/netns.before" ]; then
    { ip netns list 2>/dev/null | awk '{print $1}' | grep -v -x -F -f "$state/netns.before" |
      while read -r ns; do ip netns delete "$ns" 2>/dev/null || true; done; } || true
  fi
  for link in $(ip -o link show master "$pod_link" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 || true); do
    ip link delete "$link" 2>/dev/null || true
  done
  ip link delete "$pod_link" 2>/dev/null || true
  ip link delete "$node_link" 2>/dev/null || true

  log "down: mounts, network namespaces and links removed ($(($(now) - t0)) s)"
  # iptables: kube-proxy's rules, then the kubelet's KUBE-* chains, then ours.
  if [ -x "$bin/kube-proxy" ]; then "$bin/kube-proxy" --cleanup >/dev/null 2>&1 || true; fi
  for ipt in iptables ip6tables; do
    command -v "$ipt" >/dev/null 2>&1 || continue
    for table in filter nat mangle; do
      { "$ipt" -t "$table" -S 2>/dev/null | grep -E '^-A .*-j KUBE-' | sed 's/^-A /-D /' |
        while read -r rule; do eval "$ipt -t $table $rule" 2>/dev/null || true; done; } || true
      for chain in $("$ipt" -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}' || true); do
        "$ipt" -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$ipt" -t "$table" -S 2>/dev/null | awk '/^-N KUBE-/ {print $2}' || true); do
        "$ipt" -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
  while iptables -D FORWARD -j "$fw_chain" 2>/dev/null; do :; done
  iptables -F "$fw_chain" 2>/dev/null || true
  iptables -X "$fw_chain" 2>/dev/null || true
  if command -v conntrack >/dev/null 2>&1; then
    conntrack -D -s 10.79.0.0/16 >/dev/null 2>&1 || true
    conntrack -D -d 10.79.0.0/16 >/dev/null 2>&1 || true
  fi

  log "down: iptables and conntrack cleaned ($(($(now) - t0)) s)"
  # The pods' cgroups, deepest first; many at once, as each rmdir waits for the kernel.
  for depth in 5 4 3 2 1 0; do
    { find /sys/fs/cgroup/*/"$cgroup_root" -mindepth "$depth" -maxdepth "$depth" -type d 2>/dev/null |
      xargs -r -P 32 -n 2 rmdir 2>/dev/null; } || true
  done
  # What the kubelet and the CNI plugins write outside the state directory.
  rm -f /var/lib/cni/results/"$cni_net"-* 2>/dev/null || true
  if [ -d "$state" ] && [ ! -f "$state/var-lib-cni.existed" ]; then rm -rf /var/lib/cni; fi
  if [ -d /var/log/containers ]; then
    find /var/log/containers -maxdepth 1 -type l -lname "$run/*" -delete 2>/dev/null || true
    if [ -d "$state" ] && [ ! -f "$state/var-log-containers.existed" ]; then rmdir /var/log/containers 2>/dev/null || true; fi
  fi
  if [ -f "$state/sysctl.before" ]; then
    while IFS='=' read -r key value; do
      if [ -n "$value" ] && [ "$(sysctl -n "$key" 2>/dev/null)" != "$value" ]; then
        sysctl -qw "$key=$value" 2>/dev/null || true
      fi
    done <"$state/sysctl.before"
  fi
  rm -rf "$state"
  log "down in $(($(now) - t0)) s: no process, mount, network namespace, link, iptables chain or cgroup of the cluster is left"
}

case "${1:-}" in
  build) build ;;
  up) up ;;
  env) env_ ;;
  load)
    shift
    load_images "$@"
    ;;
  down) down ;;
  *)
    echo "usage: $0 build|up|env|load IMAGE...|down" >&2
    exit 2
    ;;
esac
