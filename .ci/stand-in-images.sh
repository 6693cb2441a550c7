#!/usr/bin/env bash
# Local stand-ins for the official images the Dockerfiles build FROM, for a machine that reaches
# Debian's mirror and the package registries but no image registry. Each one mirrors the layout
# of the image it replaces, so the Dockerfiles build unchanged, only with other --build-args:
#   builder          rust:1.95-bookworm and node:20-bookworm (compilers, cargo, node, npm)
#   static           gcr.io/distroless/static-debian12:nonroot
#   nodejs           gcr.io/distroless/nodejs20-debian12:nonroot
# Prints the --build-arg flags that select them. Idempotent: existing images are kept.
set -euo pipefail

prefix=localhost/todo-standin
builder=$prefix/builder:bookworm
static=$prefix/distroless-static:nonroot
nodejs=$prefix/distroless-nodejs20:nonroot
work=${STANDIN_DIR:-/var/tmp/todo-standin}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

have() { docker image inspect "$1" >/dev/null 2>&1; }
log() { echo "==> $*" >&2; }

rootfs=$work/bookworm
if ! have "$builder" || ! have "$static" || ! have "$nodejs"; then
  if [ ! -x "$rootfs/usr/bin/gcc" ]; then
    log "debootstrap bookworm into $rootfs"
    rm -rf "$rootfs" && mkdir -p "$rootfs"
    debootstrap --variant=minbase \
      --include=ca-certificates,gcc,g++,libc6-dev,make,python3,pkg-config \
      bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
      { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  fi
fi

if ! have "$builder"; then
  log "builder: this machine's Rust toolchain and Node.js on the bookworm rootfs"
  sysroot=$(rustc --print sysroot)
  toolchain=/usr/local/rustup/toolchains/$(basename "$sysroot")
  mkdir -p "$rootfs$toolchain" "$rootfs/usr/local/cargo/bin"
  cp -a "$sysroot/bin" "$sysroot/lib" "$rootfs$toolchain/"
  for tool in cargo rustc rustdoc; do
    ln -sf "$toolchain/bin/$tool" "$rootfs/usr/local/cargo/bin/$tool"
  done
  node=$(command -v node)
  node_prefix=$(dirname "$(dirname "$(readlink -f "$node")")")
  mkdir -p "$rootfs/usr/local/bin" "$rootfs/usr/local/lib" "$rootfs/usr/local/include"
  cp -a "$node" "$rootfs/usr/local/bin/node"
  cp -a "$node_prefix/lib/node_modules" "$rootfs/usr/local/lib/"
  cp -a "$node_prefix/include/node" "$rootfs/usr/local/include/"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # npm_config_nodedir: node-gyp would download Node's headers; the stand-in carries them.
  tar -C "$rootfs" --exclude=./proc/* --exclude=./sys/* -c . | docker import \
    -c 'ENV PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV CARGO_HOME=/usr/local/cargo' -c 'ENV RUSTUP_HOME=/usr/local/rustup' \
    -c 'ENV npm_config_nodedir=/usr/local' - "$builder" >/dev/null
fi

# distroless: no shell, no package manager; passwd with nonroot (65532), CA certificates.
distroless_rootfs() {
  local dir=$1
  rm -rf "$dir" && mkdir -p "$dir"/{etc/ssl/certs,home/nonroot,root,tmp,usr/bin,usr/sbin,usr/lib64,usr/lib/x86_64-linux-gnu}
  for d in bin lib lib64 sbin; do ln -s "usr/$d" "$dir/$d"; done
  chmod 1777 "$dir/tmp"
  chown 65532:65532 "$dir/home/nonroot"
  cp "$rootfs/etc/ssl/certs/ca-certificates.crt" "$dir/etc/ssl/certs/"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$dir/etc/group"
  printf 'hosts: files dns\n' >"$dir/etc/nsswitch.conf"
}
import_distroless() {
  local dir=$1 tag=$2
  shift 2
  tar -C "$dir" -c . | docker import -c 'USER 65532:65532' -c 'WORKDIR /home/nonroot' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' "$@" - "$tag" >/dev/null
}

if ! have "$static"; then
  log "distroless static"
  distroless_rootfs "$work/static"
  import_distroless "$work/static" "$static"
fi

if ! have "$nodejs"; then
  log "distroless nodejs20: glibc, libstdc++ and node at /nodejs/bin/node"
  dir=$work/nodejs
  distroless_rootfs "$dir"
  chroot "$rootfs" dpkg -L libc6 libgcc-s1 libstdc++6 |
    grep -E '\.so(\.[0-9]+)*$|ld-linux' | while read -r f; do
      [ -e "$rootfs$f" ] || continue
      target=/usr${f#/usr}
      mkdir -p "$dir$(dirname "$target")"
      cp -a "$rootfs$f" "$dir$target"
    done
  mkdir -p "$dir/nodejs/bin"
  cp -a "$(readlink -f "$(command -v node)")" "$dir/nodejs/bin/node"
  import_distroless "$dir" "$nodejs" -c 'ENTRYPOINT ["/nodejs/bin/node"]'
fi

echo "--build-arg RUST_IMAGE=$builder --build-arg NODE_IMAGE=$builder" \
  "--build-arg RUNTIME_IMAGE=$static --build-arg NODE_RUNTIME_IMAGE=$nodejs"
