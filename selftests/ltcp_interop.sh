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
# "all". LTCP_INTEROP_NETEM picks impairments of the netem part by number
# (1 to 6, comma-separated; default all). LTCP_INTEROP_MB sets the size of
# each direction (default 64 MiB). Under netem the six transfers of an
# impairment run at once: one after the other, 64 MiB under 5% loss took
# about 30 minutes of the emulated VM. ltcp_netem.sh, ltcp_netem2.sh and
# ltcp_netem3.sh are the netem part, two impairments each (kselftest's
# 600 s per test); ltcp_netem_nosack.sh runs loss and reordering with
# SACK off (LTCP_TEST_SACK=0).
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

part=${LTCP_INTEROP_PART:-clean}
mb=${LTCP_INTEROP_MB:-64}
# Time allowed per transfer: a minute, and 6 s per MiB.
limit=$((60 + 6 * mb))
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

# xfer NAME PORT CLIENT_NS SERVER_NS ADDR CLIENT_PROTO SERVER_PROTO
# The server listens on IPv6 (dual stack) for an IPv6 address, and when
# LTCP_XFER_V6_LISTEN is set (IPv4 clients then reach a v4-mapped child).
# What each end receives goes straight into sha256sum (several 64 MiB
# transfers at once would not fit the VM's memory); the verdict goes to
# $dir/PORT.res for xfer_report, so that transfers can run in the
# background.
xfer() {
	local name=$1 port=$2 cns=$3 sns=$4 addr=$5 cproto=$6 sproto=$7
	local fam= f="$dir/$2" crc src got_up got_down
	case "$addr" in *:*) fam=-6 ;; esac
	[ -n "${LTCP_XFER_V6_LISTEN:-}" ] && fam=-6
	{
		ip netns exec "$sns" timeout $limit ./ltcp_xfer -l "$port" \
			-P "$sproto" $fam <"$dir/down" 2>"$f.srv.err"
		echo $? >"$f.src"
	} | sha256sum | cut -d' ' -f1 >"$f.up" &
	local srv=$!
	ltcp_wait_port "$sns" "$port"
	{
		ip netns exec "$cns" timeout $limit ./ltcp_xfer -c "$addr" \
			"$port" -P "$cproto" <"$dir/up" 2>"$f.cli.err"
		echo $? >"$f.crc"
	} | sha256sum | cut -d' ' -f1 >"$f.down"
	wait $srv
	crc=$(cat "$f.crc") src=$(cat "$f.src")
	got_up=$(cat "$f.up") got_down=$(cat "$f.down")
	if [ "$crc" = 0 ] && [ "$src" = 0 ] && [ "$got_up" = "$up" ] &&
	   [ "$got_down" = "$down" ]; then
		echo "ok $name: ${mb} MiB each way, SHA-256 match" >"$f.res"
	else
		echo "fail $name: client exit $crc, server exit $src, up $got_up, down $got_down" >"$f.res"
		cat "$f.cli.err" "$f.srv.err" >>"$f.res"
	fi
}

# xfer_report PORT: the verdict of the transfer on PORT
xfer_report() {
	local verdict
	verdict=$(head -n 1 "$dir/$1.res" 2>/dev/null)
	case "$verdict" in
	"ok "*) ltcp_ok "${verdict#ok }" ;;
	"fail "*) ltcp_fail "${verdict#fail }"; tail -n +2 "$dir/$1.res" ;;
	*) ltcp_fail "transfer on port $1: no verdict" ;;
	esac
}

# matrix TAG CLIENT_NS SERVER_NS ADDR: the three pairings one after the
# other; with LTCP_MATRIX_BG set, started in the background for the
# caller to wait for and report (the netem links, where a transfer waits
# on the link far more than on the CPU).
matrix() {
	local tag=$1 cns=$2 sns=$3 addr=$4 i
	local names=("ltcp->ltcp" "ltcp->kernel" "kernel->ltcp")
	local protos=("253 253" "253 6" "6 253")
	for i in 0 1 2; do
		port=$((port + 1))
		# shellcheck disable=SC2086
		if [ -n "${LTCP_MATRIX_BG:-}" ]; then
			xfer "$tag ${names[i]}" $port "$cns" "$sns" "$addr" ${protos[i]} &
		else
			xfer "$tag ${names[i]}" $port "$cns" "$sns" "$addr" ${protos[i]}
			xfer_report $port
		fi
	done
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

impairs=("delay 20ms" "delay 5ms loss 1%" "delay 5ms loss 5%"
	"delay 5ms reorder 25% 50%" "delay 5ms duplicate 5%"
	"delay 5ms corrupt 0.5%")
list=${LTCP_INTEROP_NETEM:-}
for n in ${list//,/ }; do
	[ "$n" -ge 1 ] && [ "$n" -le ${#impairs[@]} ] || {
		ltcp_fail "LTCP_INTEROP_NETEM: no impairment $n"; ltcp_exit; }
done
nums=${LTCP_INTEROP_NETEM:-1,2,3,4,5,6}
for n in ${nums//,/ }; do
	impair=${impairs[n - 1]}
	# shellcheck disable=SC2086
	ip netns exec ltcp-io-a tc qdisc replace dev veth0 root netem $impair limit 10000
	# shellcheck disable=SC2086
	ip netns exec ltcp-io-b tc qdisc replace dev veth0 root netem $impair limit 10000
	# The six transfers of an impairment at once.
	t0=$(ltcp_now_ms)
	p0=$port
	LTCP_MATRIX_BG=1 matrix "netem $impair" ltcp-io-a ltcp-io-b 198.18.0.2
	LTCP_MATRIX_BG=1 matrix "netem ipv6 $impair" ltcp-io-a ltcp-io-b 2001:db8::2
	wait
	for i in 1 2 3 4 5 6; do
		xfer_report $((p0 + i))
	done
	echo "# netem $impair: $(( ($(ltcp_now_ms) - t0) / 1000 )) s"
done
# LTCP_TEST_SACK=0 (ltcp_netem_nosack.sh): no connection negotiated SACK
# (ltcp's SYN and SYN-ACK leave sackOK out, so the kernel's TCP end goes
# without too), and the losses were recovered on duplicate ACKs (RFC 6582
# NewReno) at both ends.
if [ "${LTCP_TEST_SACK:-1}" = 0 ]; then
	read -r sackrec renorec < <(for ns in ltcp-io-a ltcp-io-b; do
		ip netns exec $ns nstat -asz TcpExtTCPSackRecovery \
			TcpExtTCPRenoRecovery
	done | awk '$1 == "TcpExtTCPSackRecovery" { s += $2 }
		    $1 == "TcpExtTCPRenoRecovery" { r += $2 }
		    END { print s + 0, r + 0 }')
	ltcp_check "no SACK: TcpExtTCPSackRecovery $sackrec, TcpExtTCPRenoRecovery $renorec" \
		test "$sackrec" = 0 -a "$renorec" -gt 0
fi
ltcp_exit
