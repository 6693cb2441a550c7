#!/usr/bin/env bash
# A local stand-in for the official `postgres` image, for the chart's in-cluster database on a
# machine that reaches Debian's mirror but no image registry: Debian bookworm's PostgreSQL 15 on
# the bookworm rootfs that .ci/stand-in-images.sh debootstraps (run that first), laid out like the
# official image: user postgres = uid 999, PGDATA, POSTGRES_USER / POSTGRES_DB / POSTGRES_PASSWORD
# (required: no default), initdb on first start, then `postgres` listening on all addresses.
# Prints the image name. Idempotent: an existing image is kept.
set -euo pipefail

image=${STANDIN_POSTGRES_IMAGE:-localhost/todo-standin/postgres:15-bookworm}
base=localhost/todo-standin/bookworm-base:minbase
rootfs=${STANDIN_DIR:-/var/tmp/todo-standin}/bookworm

have() { docker image inspect "$1" >/dev/null 2>&1; }
if have "$image"; then echo "$image"; exit 0; fi
[ -d "$rootfs/etc/apt" ] || { echo "no bookworm rootfs in $rootfs: run .ci/stand-in-images.sh first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! have "$base"; then
  echo "==> bookworm base (the debootstrap rootfs without the builder's toolchains and compilers)" >&2
  tar -C "$rootfs" --exclude='./proc/*' --exclude='./sys/*' --exclude='./usr/local/*' \
    --exclude=./usr/lib/gcc --exclude=./usr/libexec/gcc --exclude=./usr/include \
    --exclude=./usr/share/doc --exclude=./usr/share/man -c . |
    docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$base" >/dev/null
fi

cat >"$work/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# Like the official image's entrypoint: initialise PGDATA on first start, then run postgres.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD is required (it has no default)" >&2; exit 1; }
  mkdir -p "$PGDATA" && chmod 700 "$PGDATA"
  pwfile=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "initialised $PGDATA" >&2
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
EOF
# Two stages: Debian's packages, then only what the server needs (its binaries and libraries
# without the LLVM JIT, its share files, the time zones, a shell and six tools), so that the
# image loads into a cluster's containerd in seconds.
cat >"$work/collect.sh" <<'EOF'
#!/bin/sh
set -eu
out=/out
mkdir -p $out/usr/lib/postgresql/15 $out/usr/share/postgresql $out/usr/share/zoneinfo $out/bin $out/usr/bin \
  $out/etc $out/tmp $out/var/run/postgresql $out/var/lib/postgresql/data
cp -a /usr/lib/postgresql/15/bin /usr/lib/postgresql/15/lib $out/usr/lib/postgresql/15/
rm -rf $out/usr/lib/postgresql/15/lib/llvmjit* $out/usr/lib/postgresql/15/lib/bitcode
cp -a /usr/share/postgresql/15 $out/usr/share/postgresql/
cp -a /usr/share/zoneinfo/. $out/usr/share/zoneinfo/
cp -L /bin/dash $out/bin/sh
for tool in mkdir chmod mktemp rm sleep cat; do cp -L "$(command -v $tool)" $out/usr/bin/; done
for f in $out/usr/lib/postgresql/15/bin/* $out/usr/lib/postgresql/15/lib/*.so $out/bin/sh $out/usr/bin/*; do
  ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^[[:space:]]*\/lib64\// {print $1}'
done | sort -u | while read -r lib; do cp -L --parents "$lib" $out; done
cp /etc/ld.so.cache $out/etc/
printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/sh\n' >$out/etc/passwd
printf 'root:x:0:\npostgres:x:999:\n' >$out/etc/group
chmod 1777 $out/tmp
chown -R 999:999 $out/var/lib/postgresql $out/var/run/postgresql
EOF
cat >"$work/Dockerfile" <<EOF
FROM $base AS packages
RUN groupadd -r -g 999 postgres && useradd -r -u 999 -g 999 -d /var/lib/postgresql -s /bin/sh postgres \\
 && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
COPY collect.sh /collect.sh
RUN sh /collect.sh

FROM scratch
COPY --from=packages /out/ /
COPY --chmod=755 docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin PGDATA=/var/lib/postgresql/data
USER 999:999
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
EOF
echo "==> $image (Debian's postgresql-15)" >&2
DOCKER_BUILDKIT=1 docker build -q --network host -t "$image" "$work" >/dev/null
echo "$image"
