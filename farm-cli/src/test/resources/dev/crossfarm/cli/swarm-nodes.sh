#!/bin/bash
# Test fixture: two Docker engines on this machine, each in a network namespace of its own joined by
# veth (node A 10.250.9.1, the manager; node B 10.250.9.2, a worker), with no route out, made a
# two-node swarm. Each engine has its own data root, exec root, socket and host name, and trusts a
# plain-HTTP registry on the nodes' subnet (the farm's private registry on the manager).
#   swarm-nodes.sh up DIR TAG     -> prints "SOCKET_A SOCKET_B"; state and logs in DIR
#   swarm-nodes.sh down DIR TAG
set -euo pipefail
cmd=$1 dir=$2 tag=$3
nsa=cfsa$tag nsb=cfsb$tag va=sa$tag vb=sb$tag
unmount_under() { awk -v d="$1/" 'index($5 "/", d) == 1 {print $5}' /proc/self/mountinfo | sort -r \
  | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done; }
if [ "$cmd" = down ]; then
  for n in a b; do
    docker -H "unix://$dir/$n.sock" swarm leave --force >/dev/null 2>&1 || true
  done
  for n in a b; do
    [ -s "$dir/$n.pid" ] || continue
    p=$(cat "$dir/$n.pid"); kill "$p" 2>/dev/null || true
    for i in $(seq 200); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
  for n in "$nsa" "$nsb"; do [ -e "/run/netns/$n" ] && ip netns del "$n"; done
  for d in "$dir"/*-exec "$dir"/*-data; do [ -d "$d" ] && unmount_under "$d"; done
  rm -rf "$dir"/*-exec "$dir"/*-data
  exit 0
fi
mkdir -p "$dir"
ip netns add "$nsa"; ip netns add "$nsb"
ip link add "$va" netns "$nsa" type veth peer name "$vb" netns "$nsb"
ip -n "$nsa" addr add 10.250.9.1/24 dev "$va"; ip -n "$nsb" addr add 10.250.9.2/24 dev "$vb"
for x in "$nsa $va" "$nsb $vb"; do set -- $x; ip -n "$1" link set lo up; ip -n "$1" link set "$2" up; done
engine() {  # name netns host-name
  # nsenter keeps the cgroup mounts (ip netns exec hides them); a UTS namespace names the node
  nsenter --net="/run/netns/$2" unshare --uts sh -c "hostname $3 && exec dockerd -H unix://$dir/$1.sock \
    --data-root $dir/$1-data --exec-root $dir/$1-exec --pidfile $dir/$1.pid \
    --containerd-namespace cf-$3 --containerd-plugins-namespace cf-$3-plugins \
    --insecure-registry 10.250.9.0/24" > "$dir/$1.log" 2>&1 &
}
engine a "$nsa" "swarm-a$tag"; engine b "$nsb" "swarm-b$tag"
for i in $(seq 300); do
  docker -H "unix://$dir/a.sock" version >/dev/null 2>&1 && docker -H "unix://$dir/b.sock" version >/dev/null 2>&1 && break
  sleep 0.2
done
docker -H "unix://$dir/a.sock" swarm init --advertise-addr 10.250.9.1 >/dev/null
docker -H "unix://$dir/b.sock" swarm join --advertise-addr 10.250.9.2 \
  --token "$(docker -H "unix://$dir/a.sock" swarm join-token -q worker)" 10.250.9.1:2377 >/dev/null
for i in $(seq 100); do
  [ "$(docker -H "unix://$dir/a.sock" node ls --format '{{.Status}}' | grep -c Ready)" = 2 ] && break; sleep 0.2
done
echo "$dir/a.sock $dir/b.sock"
