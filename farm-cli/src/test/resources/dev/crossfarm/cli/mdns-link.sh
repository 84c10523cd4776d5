#!/bin/bash
# Test fixture: a LAN of two hosts for zeroconf, with no systemd. Two network namespaces joined by
# a veth pair (CLIENT_NS 10.253.9.1, VOLUNTEER_NS 10.253.9.2), a private D-Bus system bus, and
# avahi-daemon in the client's namespace (the stock client browses through avahi). VOLUNTEER_NS
# "host" leaves the volunteer's end in this machine's own namespace (where Docker runs), without
# touching its routes.
#   mdns-link.sh up DIR CLIENT_NS VOLUNTEER_NS   -> prints the bus address; pids in DIR/pids
#   mdns-link.sh down DIR CLIENT_NS VOLUNTEER_NS
set -euo pipefail
cmd=$1 dir=$2 nsc=$3 nsv=$4
vc=${nsc:0:12}c vv=${nsv:0:12}v
if [ "$cmd" = down ]; then
  [ -f "$dir/pids" ] && while read -r p; do kill "$p" 2>/dev/null || true; done < "$dir/pids"
  sleep 0.3
  for n in "$nsc" "$nsv"; do [ -e "/run/netns/$n" ] && ip netns del "$n"; done
  ip link del "$vv" 2>/dev/null || true
  exit 0
fi
mkdir -p "$dir"; : > "$dir/pids"
ip netns add "$nsc"
if [ "$nsv" = host ]; then
  ip link add "$vc" netns "$nsc" type veth peer name "$vv"
  ip addr add 10.253.9.2/24 dev "$vv"; ip link set "$vv" up
  pairs=("$nsc $vc")
else
  ip netns add "$nsv"
  ip link add "$vc" netns "$nsc" type veth peer name "$vv" netns "$nsv"
  ip -n "$nsv" addr add 10.253.9.2/24 dev "$vv"
  pairs=("$nsc $vc" "$nsv $vv")
fi
ip -n "$nsc" addr add 10.253.9.1/24 dev "$vc"
for pair in "${pairs[@]}"; do set -- $pair
  ip -n "$1" link set lo up; ip -n "$1" link set "$2" up
  ip -n "$1" route add 224.0.0.0/4 dev "$2"   # as on a LAN host, multicast leaves by the link
done
sed -e "s#<listen>.*</listen>#<listen>unix:path=$dir/bus.sock</listen>#" -e '/<pidfile>/d' -e '/<fork\/>/d' \
    -e '/<syslog\/>/d' -e '/<standard_system_servicedirs\/>/d' -e '/<servicehelper>/d' \
    -e 's#<includedir>system.d</includedir>#<includedir>/usr/share/dbus-1/system.d</includedir>#' \
    /usr/share/dbus-1/system.conf > "$dir/bus.conf"
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile > "$dir/bus.log" 2>&1 &
echo $! >> "$dir/pids"
for i in $(seq 50); do [ -S "$dir/bus.sock" ] && break; sleep 0.1; done
cat > "$dir/avahi.conf" <<CONF
[server]
host-name=cf-client
use-ipv4=yes
use-ipv6=no
allow-interfaces=$vc
enable-dbus=yes
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-aaaa-on-ipv4=no
publish-hinfo=no
publish-workstation=no
CONF
mkdir -p /run/avahi-daemon
# ip netns exec gives the daemon a mount namespace of its own: its /run/avahi-daemon is private
ip netns exec "$nsc" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$dir/bus.sock" sh -c \
  "mount -t tmpfs -o mode=0755 tmpfs /run/avahi-daemon && exec avahi-daemon -f '$dir/avahi.conf' --no-chroot" \
  > "$dir/avahi.log" 2>&1 &
echo $! >> "$dir/pids"
for i in $(seq 100); do grep -q 'Server startup complete' "$dir/avahi.log" && break; sleep 0.1; done
grep -q 'Server startup complete' "$dir/avahi.log" || { tail -3 "$dir/avahi.log" >&2; exit 1; }
echo "unix:path=$dir/bus.sock"
