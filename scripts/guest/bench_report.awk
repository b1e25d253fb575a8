# SPDX-License-Identifier: GPL-2.0
#
# make bench's report: the medians of every row for each stack and the
# ltcp/kernel ratio, as a text table (standard output) and as JSON (the file
# named by -v json=). POSIX awk (busybox's in the guest, any on a host).
#
# usage: awk -f bench_report.awk -v json=FILE [-v runs= secs= loss_secs=
#            nconns= date= kernel= ltcp= git= accel= elapsed= only=]
#            RECORDS FAILS
# RECORDS: workload, stack, run, metric, value (tab-separated);
# FAILS: workload, stack, run, reason.

function row(id, wl, metric, title, unit, better, fmt, how) {
	nrows++
	r_id[nrows] = id
	r_wl[nrows] = wl
	r_metric[nrows] = metric
	r_title[nrows] = title
	r_unit[nrows] = unit
	r_better[nrows] = better
	r_fmt[nrows] = fmt
	r_how[nrows] = how
}

function median(list,   v, n, i, j, t) {
	n = split(list, v, " ")
	if (n == 0)
		return ""
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]
			v[j] = v[j - 1]
			v[j - 1] = t
		}
	if (n % 2)
		return v[(n + 1) / 2] + 0
	return (v[n / 2] + v[n / 2 + 1]) / 2
}

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, " ", s)
	return "\"" s "\""
}

function jnum(x) {
	return x == "" ? "null" : x + 0
}

function jlist(list,   v, n, i, s) {
	n = split(list, v, " ")
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? ", " : "") (v[i] + 0)
	return "[" s "]"
}

BEGIN {
	FS = "\t"
	iperf = "iperf3 -t " secs " -J, server and client both on the stack " \
		"(ltcp: both under ltcpize run); the receiver's rate " \
		"(end.sum_received.bits_per_second)"
	row("bulk_lo", "bulk_lo", "gbps", "bulk, 1 stream, loopback",
	    "Gbit/s", "higher", "%.2f", iperf ", over 127.0.0.1")
	row("bulk_veth", "bulk_veth", "gbps", "bulk, 1 stream, veth",
	    "Gbit/s", "higher", "%.2f",
	    iperf ", between two network namespaces over veth (MTU 1500, " \
	    "offloads at their defaults)")
	row("par8_veth", "par8_veth", "gbps", "bulk, 8 streams, veth: sum",
	    "Gbit/s", "higher", "%.2f",
	    "iperf3 -P 8 -t " secs ", both ends on the stack, veth as above; " \
	    "the receiver's aggregate rate")
	row("par8_jain", "par8_veth", "jain",
	    "bulk, 8 streams, veth: Jain", "index", "higher", "%.3f",
	    "Jain's fairness index (sum x)^2 / (8 sum x^2) over the bytes " \
	    "each stream's receiver counted (end.streams[].receiver.bytes) " \
	    "in the same runs; 1 is perfectly fair")
	row("rr_tps", "rr", "tps", "1-byte RR, loopback",
	    "trans/s", "higher", "%.0f",
	    "selftests/ltcp_rr -P 6|253 over 127.0.0.1, both ends on the " \
	    "stack, TCP_NODELAY, one connection, 1 byte each way per " \
	    "transaction, one at a time for " secs " s")
	row("rr_p50", "rr", "p50_us", "1-byte RR: p50 latency",
	    "us", "lower", "%.1f",
	    "median round-trip time (write to read) of the transactions " \
	    "of each ltcp_rr run")
	row("rr_p99", "rr", "p99_us", "1-byte RR: p99 latency",
	    "us", "lower", "%.1f",
	    "99th-percentile round-trip time of each ltcp_rr run")
	row("rr_pkts", "rr", "pkts", "1-byte RR: packets per trans",
	    "pkts", "lower", "%.2f",
	    "packets the loopback device sent during each ltcp_rr client " \
	    "run (both directions; /sys/class/net/lo/statistics/tx_packets) " \
	    "/ transactions; 2 is one segment each way, ACKs piggybacked")
	row("crr", "crr", "cps", "connect+1 byte+close, loopback",
	    "conn/s", "higher", "%.0f",
	    "selftests/ltcp_crr -P 6|253 over 127.0.0.1, both ends on the " \
	    "stack: connect, 1 byte each way, client closes first (TIME-WAIT " \
	    "on the client), one connection at a time for " secs " s")
	row("crr_pkts", "crr", "pkts", "CRR: packets per connection",
	    "pkts", "lower", "%.2f",
	    "loopback packets during each ltcp_crr client run / " \
	    "connections (SYN, SYN-ACK, ACK, data and FIN exchanges)")
	row("conns_open", "conns", "open_s",
	    nconns " idle conns: time to open", "s", "lower", "%.2f",
	    "selftests/ltcp_conns -n " nconns ": one process connects and " \
	    "accepts " nconns " connections over 127.0.0.1, one after the " \
	    "other, both ends on the stack; wall time of the openings")
	row("conns_slab", "conns", "slab_kb",
	    nconns " idle conns: slab per conn", "KiB", "lower", "%.2f",
	    "growth of Slab in /proc/meminfo (after drop_caches, 1 s after " \
	    "the last opened) / connections; a connection is both its " \
	    "sockets and their files; the caches that grew most are in " \
	    "raw/conns.*.out")
	row("conns_mem", "conns", "memfree_kb",
	    nconns " idle conns: memory per conn", "KiB", "lower", "%.2f",
	    "drop of MemFree in /proc/meminfo / connections, same moments " \
	    "(includes the process's own fd table)")
	row("loss_veth", "loss_veth", "mbps", "bulk, veth, 1% loss, 20 ms",
	    "Mbit/s", "higher", "%.1f",
	    "iperf3 -t " loss_secs ", 1 stream, both ends on the stack, veth " \
	    "with netem delay 20ms loss 1% on the data direction " \
	    "(client to server egress), ACKs unharmed; the sender's " \
	    "device with gso_max_segs 1 (one segment per packet), every " \
	    "packet on CPU 0 (RPS at both ends: no reordering)")
	# The recovery workloads (make bench-recovery).
	split("loss1 loss5 reord", imp, " ")
	imp_name["loss1"] = "1% loss"
	imp_name["loss5"] = "5% loss"
	imp_name["reord"] = "25% reorder"
	imp_netem["loss1"] = "loss 1%"
	imp_netem["loss5"] = "loss 5%"
	imp_netem["reord"] = "reorder 25% 50%"
	split("cubic bbr", ccs, " ")
	for (c = 1; c <= 2; c++)
		for (m = 1; m <= 3; m++) {
			wl = "rec_" imp[m] "_" ccs[c]
			t = ccs[c] ", " imp_name[imp[m]]
			row(wl, wl, "mbps", t ": goodput", "Mbit/s", "higher",
			    "%.2f", "iperf3 -C " ccs[c] " -t " rec_secs \
			    ", 1 stream, both ends on the stack, veth with " \
			    "netem delay 20ms " imp_netem[imp[m]] " on the " \
			    "data direction; the receiver's rate; the " \
			    "sender's device with gso_max_segs 1 (one " \
			    "segment per packet for the kernel's TCP, as " \
			    "ltcp sends), every packet on CPU 0 (RPS at " \
			    "both ends)")
			row(wl "_rtx", wl, "rtx_mb", t ": retransmits",
			    "seg/MB", "lower", "%.2f",
			    "segments retransmitted (iperf3's " \
			    "end.sum_sent.retransmits, tcpi_total_retrans) " \
			    "per MB delivered, same runs")
			row(wl "_spur", wl, "spur_mb", t ": spurious rtx",
			    "seg/MB", "lower", "%.3f",
			    "D-SACKs the sender received (TcpExtTCPDSACKRecv " \
			    "+ TCPDSACKOfoRecv of its namespace): " \
			    "retransmissions that were not needed, per MB " \
			    "delivered, same runs")
		}
	# The tail-drop workloads: short flows losing their last two segments.
	for (c = 1; c <= 2; c++) {
		wl = "rec_tail_" ccs[c]
		t = ccs[c] ", tail drop"
		row(wl, wl, "tps", t ": answers", "trans/s", "higher", "%.2f",
		    "selftests/ltcp_crr -C " ccs[c] " -r 14480 -t " rec_secs \
		    ", both ends on the stack: a new connection per 1-byte " \
		    "request, answered with 10 segments in one write over " \
		    "veth with netem delay 20ms on the answers; an nftables " \
		    "rule drops the first transmission of the last two " \
		    "segments of every answer (ltcp_crr -m marks them); " \
		    "answers per second")
		row(wl "_rtx", wl, "rtx_tr", t ": retransmits", "seg/trans",
		    "lower", "%.2f",
		    "TcpRetransSegs of the answering namespace per answer, " \
		    "same runs (2 is the least: the two dropped)")
		row(wl "_drops", wl, "drops_tr", t ": drops", "seg/trans",
		    "-", "%.2f",
		    "segments the rule dropped per answer, same runs: 2 when " \
		    "the stack cut the answer at the marks (a check of the " \
		    "workload, not a figure of merit)")
	}
}

FILENAME == ARGV[1] && NF == 5 {
	k = $1 SUBSEP $2 SUBSEP $4
	vals[k] = vals[k] (vals[k] == "" ? "" : " ") $5
	next
}

FILENAME == ARGV[2] && NF >= 4 {
	k = $1 SUBSEP $2
	nfail[k]++
	if (!(k in why))
		why[k] = $4
}

END {
	split(only, o, " ")
	for (i in o)
		want[o[i]] = 1
	printf "ltcp benchmark, %s: ltcp %s (git %s), kernel %s, %s, " \
	       "2 CPUs\n", date, ltcp, git, kernel, accel
	printf "median of %d runs per stack, alternating kernel and ltcp in " \
	       "one boot; ratio = ltcp / kernel\n\n", runs
	printf "%2s  %-34s %-8s %10s %10s %8s  %s\n", "#", "workload", "unit",
	       "kernel", "ltcp", "ratio", "better"
	nj = 0
	notes = ""
	for (i = 1; i <= nrows; i++) {
		if (!(r_wl[i] in want))
			continue
		n++
		for (s = 1; s <= 2; s++) {
			st = s == 1 ? "kernel" : "ltcp"
			k = r_wl[i] SUBSEP st
			list[st] = vals[r_wl[i], st, r_metric[i]]
			med[st] = median(list[st])
			failed[st] = (k in nfail) || med[st] == ""
			reason[st] = ""
			if (k in nfail)
				reason[st] = nfail[k] "/" runs " runs failed: " why[k]
			else if (med[st] == "")
				reason[st] = "no result"
			shown[st] = failed[st] ? "FAIL" : sprintf(r_fmt[i], med[st])
			if (failed[st])
				notes = notes sprintf("%2d  %s: FAIL: %s\n", n, st,
						      reason[st])
		}
		ratio = ""
		if (!failed["kernel"] && !failed["ltcp"] && med["kernel"] != 0)
			ratio = sprintf("%.3f", med["ltcp"] / med["kernel"])
		printf "%2d  %-34s %-8s %10s %10s %8s  %s\n", n, r_title[i],
		       r_unit[i], shown["kernel"], shown["ltcp"],
		       ratio == "" ? "-" : ratio, r_better[i]
		hows = hows sprintf("%2d  %s\n", n, r_how[i])

		js = sprintf("    {\"id\": %s, \"title\": %s, \"unit\": %s, " \
			     "\"better\": %s,\n     \"how\": %s,\n",
			     jstr(r_id[i]), jstr(r_title[i]), jstr(r_unit[i]),
			     jstr(r_better[i]), jstr(r_how[i]))
		for (s = 1; s <= 2; s++) {
			st = s == 1 ? "kernel" : "ltcp"
			js = js sprintf("     %s: {\"median\": %s, \"runs\": %s, " \
					"\"fail\": %s},\n", jstr(st),
					failed[st] ? "null" : jnum(med[st]),
					jlist(list[st]),
					failed[st] ? jstr(reason[st]) : "null")
		}
		js = js sprintf("     \"ratio\": %s}", ratio == "" ? "null" : ratio)
		jrows[++nj] = js
	}
	printf "\nHow each row was measured:\n%s", hows
	if (notes != "")
		printf "\nFailures:\n%s", notes
	printf "\nWhole run: %d s in the guest.\n", elapsed

	if (json == "")
		exit 0
	printf "{\n  \"date\": %s, \"ltcp\": %s, \"git\": %s, \"kernel\": %s,\n" \
	       "  \"accel\": %s, \"runs\": %d, \"seconds\": %d, " \
	       "\"loss_seconds\": %d, \"conns\": %d, \"elapsed_s\": %d,\n" \
	       "  \"rows\": [\n", jstr(date), jstr(ltcp), jstr(git),
	       jstr(kernel), jstr(accel), runs, secs, loss_secs, nconns,
	       elapsed >json
	for (i = 1; i <= nj; i++)
		printf("%s%s\n", jrows[i], (i < nj ? "," : "")) > json
	printf "  ]\n}\n" >json
	close(json)
}
