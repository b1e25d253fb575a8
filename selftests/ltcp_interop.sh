#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interop: a transfer in both directions at once over one connection,
# checked with SHA-256 at both ends, for ltcp<->ltcp, ltcp client<->kernel
# server and kernel client<->ltcp server; over loopback, over veth between
# two namespaces (IPv4, IPv6, v4-mapped), and over veth with netem: 20 ms
# delay; 1% and 5% loss; 25% reordering; 5% duplication; 0.5% corruption
# (corrupted segments must be dropped by checksum), over IPv4 and IPv6.
#
# LTCP_INTEROP_PART: "clean" (loopback and veth; the default), "netem" or
# "all". LTCP_INTEROP_MB sets the size of each direction (default
# 64 MiB for the clean links, 4 MiB under netem: 64 MiB there takes about
# 30 minutes on the emulated test VM, too long for make check; run it with
# LTCP_INTEROP_PART=netem LTCP_INTEROP_MB=64). ltcp_netem.sh is
# the netem part.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

part=${LTCP_INTEROP_PART:-clean}
if [ "$part" = netem ]; then
	mb=${LTCP_INTEROP_MB:-4}
else
	mb=${LTCP_INTEROP_MB:-64}
fi
# Time allowed per transfer: a minute, and 4 s per MiB.
limit=$((60 + 4 * mb))
dir=$(mktemp -d)
cleanup() {
	rm -rf "$dir"
	ip netns del ltcp-io-a 2>/dev/null
	ip netns del ltcp-io-b 2>/dev/null
}
trap cleanup EXIT
head -c $((mb << 20)) /dev/urandom >"$dir/up"
head -c $((mb << 20)) /dev/urandom >"$dir/down"
up=$(sha256sum <"$dir/up" | cut -d' ' -f1)
down=$(sha256sum <"$dir/down" | cut -d' ' -f1)
port=7100

# xfer NAME CLIENT_NS SERVER_NS ADDR CLIENT_PROTO SERVER_PROTO
# The server listens on IPv6 (dual stack) for an IPv6 address, and when
# LTCP_XFER_V6_LISTEN is set (IPv4 clients then reach a v4-mapped child).
xfer() {
	local name=$1 cns=$2 sns=$3 addr=$4 cproto=$5 sproto=$6 got_up got_down
	local fam=
	case "$addr" in *:*) fam=-6 ;; esac
	[ -n "${LTCP_XFER_V6_LISTEN:-}" ] && fam=-6
	port=$((port + 1))
	ip netns exec "$sns" timeout $limit ./ltcp_xfer -l $port -P "$sproto" $fam \
		<"$dir/down" >"$dir/srv.out" 2>"$dir/srv.err" &
	local srv=$!
	ltcp_wait_port "$sns" $port
	ip netns exec "$cns" timeout $limit ./ltcp_xfer -c "$addr" $port -P "$cproto" \
		<"$dir/up" >"$dir/cli.out" 2>"$dir/cli.err"
	local crc=$?
	wait $srv
	local src=$?
	got_up=$(sha256sum <"$dir/srv.out" | cut -d' ' -f1)
	got_down=$(sha256sum <"$dir/cli.out" | cut -d' ' -f1)
	if [ $crc -eq 0 ] && [ $src -eq 0 ] && [ "$got_up" = "$up" ] &&
	   [ "$got_down" = "$down" ]; then
		ltcp_ok "$name: ${mb} MiB each way, SHA-256 match"
	else
		ltcp_fail "$name: client exit $crc, server exit $src, up $got_up, down $got_down"
		cat "$dir/cli.err" "$dir/srv.err"
	fi
}

matrix() {
	local tag=$1 cns=$2 sns=$3 addr=$4
	xfer "$tag ltcp->ltcp" "$cns" "$sns" "$addr" 253 253
	xfer "$tag ltcp->kernel" "$cns" "$sns" "$addr" 253 6
	xfer "$tag kernel->ltcp" "$cns" "$sns" "$addr" 6 253
}

if [ "$part" != netem ]; then
	# Loopback, in a namespace of its own.
	ip netns add ltcp-io-a && ip -n ltcp-io-a link set lo up
	matrix loopback ltcp-io-a ltcp-io-a 127.0.0.1
	matrix "loopback ipv6" ltcp-io-a ltcp-io-a ::1
	ip netns del ltcp-io-a
fi

ltcp_veth_pair ltcp-io-a ltcp-io-b || exit $KSFT_FAIL
if [ "$part" != netem ]; then
	matrix veth ltcp-io-a ltcp-io-b 198.18.0.2
	matrix "veth ipv6" ltcp-io-a ltcp-io-b 2001:db8::2
	LTCP_XFER_V6_LISTEN=1 matrix "veth v4-mapped" ltcp-io-a ltcp-io-b 198.18.0.2
fi
[ "$part" = clean ] && ltcp_exit

for impair in "delay 20ms" "delay 5ms loss 1%" "delay 5ms loss 5%" \
	"delay 5ms reorder 25% 50%" "delay 5ms duplicate 5%" \
	"delay 5ms corrupt 0.5%"; do
	# shellcheck disable=SC2086
	ip netns exec ltcp-io-a tc qdisc replace dev veth0 root netem $impair limit 10000
	# shellcheck disable=SC2086
	ip netns exec ltcp-io-b tc qdisc replace dev veth0 root netem $impair limit 10000
	matrix "netem $impair" ltcp-io-a ltcp-io-b 198.18.0.2
	matrix "netem ipv6 $impair" ltcp-io-a ltcp-io-b 2001:db8::2
done
ltcp_exit
