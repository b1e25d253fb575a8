/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ltcp internal header: the socket object and the interfaces between the
 * files of ltcp.ko, grouped by the file that defines them.
 */
#ifndef _LTCP_LTCP_H
#define _LTCP_LTCP_H

#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp_states.h>
#include <uapi/ltcp.h>

#define LTCP_VERSION	"0.2.0"

/* net.ltcp.early_retrans and net.ltcp.recovery, with Linux's meaning
 * (ip-sysctl.rst: tcp_early_retrans, tcp_recovery).
 */
#define LTCP_EARLY_RETRANS_TLP	3	/* 3 or 4: TLP on; 0 (1, 2): off */
#define LTCP_RECOVERY_RACK	0x1	/* RACK loss detection */
#define LTCP_RECOVERY_STATIC_REO 0x2	/* RACK's window stays min_RTT/4 */
#define LTCP_RECOVERY_NO_DUPTHRESH 0x4	/* no DupThresh with RACK */
#define LTCP_RECOVERY_MASK	0x7
/* net.ltcp.reordering and max_reordering (tcp_reordering,
 * tcp_max_reordering): DupThresh at the start, and how far reordering
 * seen may raise it.
 */
#define LTCP_REORDERING		3
#define LTCP_MAX_REORDERING	300
#define LTCP_REORDERING_LIMIT	65535	/* the knobs' upper bound */

/* Sequence space arithmetic, RFC 9293 section 3.4 (modulo 2^32). */
static inline bool ltcp_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#define ltcp_after(a, b)	ltcp_before(b, a)

static inline bool ltcp_between(u32 seq, u32 lo, u32 hi)
{
	return hi - lo >= seq - lo;	/* lo <= seq <= hi */
}

/* Protocol constants (RFC 9293 section 3.8, RFC 6298). */
#define LTCP_MSS_DEFAULT	536U
#define LTCP_MIN_MSS		88U
#define LTCP_TIMEOUT_INIT	HZ		/* RFC 6298 2.1: 1 s */
#define LTCP_RTO_MIN_US		200000		/* Linux: 200 ms */
#define LTCP_RTO_MAX		(120 * HZ)
#define LTCP_RTO_MAX_MS		120000
#define LTCP_DELACK_MAX		(HZ / 5)
#define LTCP_DELACK_MIN		(HZ / 25)	/* 40 ms */
#define LTCP_TIMEWAIT_LEN	(60 * HZ)	/* 2 MSL as Linux uses */
#define LTCP_FIN_TIMEOUT	(60 * HZ)
#define LTCP_SYN_RETRIES	6
#define LTCP_SYNACK_RETRIES	5
#define LTCP_DELACK_SEG		2		/* RFC 5681 4.2 */
#define LTCP_DELACK_SEG_MAX	60
#define LTCP_RETRIES1		3		/* RFC 1122 4.2.3.5 */
#define LTCP_RETRIES2		15
#define LTCP_INIT_CWND		10		/* RFC 6928 */
#define LTCP_QUICKACKS		16		/* ACKs sent at once at start */
#define LTCP_MAX_WSCALE		14		/* RFC 7323 2.3 */
#define LTCP_TS_HZ		1000		/* timestamp clock: 1 ms */

/* The wire: header flags and options (RFC 9293 3.1, RFC 7323, RFC 2018). */
#define LTCP_FIN	0x01
#define LTCP_SYN	0x02
#define LTCP_RST	0x04
#define LTCP_PSH	0x08
#define LTCP_ACK	0x10
#define LTCP_URG	0x20
#define LTCP_ECE	0x40
#define LTCP_CWR	0x80

#define LTCP_OPT_EOL		0
#define LTCP_OPT_NOP		1
#define LTCP_OPT_MSS		2
#define LTCP_OPT_WSCALE		3
#define LTCP_OPT_SACK_PERM	4
#define LTCP_OPT_SACK		5
#define LTCP_OPT_TS		8
#define LTCP_OPTLEN_MSS		4
#define LTCP_OPTLEN_WSCALE	3
#define LTCP_OPTLEN_SACK_PERM	2
#define LTCP_OPTLEN_TS		10
#define LTCP_OPT_SPACE_MAX	40

/**
 * struct ltcp_skb_cb - per-segment state, in skb->cb
 * @header: the IP layer's control block, left intact on receive (lookups
 *	and request sockets read it); cleared on the clone handed to IP
 * @tx: on the write queue (where @header is unused), the connection's
 *	delivery state when the segment was last sent, for its rate sample
 *	(draft-cheng-iccrg-delivery-rate-estimation, "per-packet state")
 * @tx.first_tx_us: low 32 bits of tcp_sock.first_tx_mstamp then
 * @tx.delivered_us: low 32 bits of tcp_sock.delivered_mstamp then
 * @tx.delivered: tcp_sock.delivered then
 * @tx.delivered_ce: tcp_sock.delivered_ce then
 * @tx.app_limited: the connection was application-limited then
 * @tx.sent: the segment was sent and not yet counted delivered
 * @seq: first sequence number
 * @end_seq: seq + SYN + FIN + payload length
 * @ack_seq: on receive, the acknowledgment number
 * @tx_us: microsecond clock of the last transmission, for RTT samples
 * @window: on receive, the unscaled window field
 * @flags: the header flags (LTCP_SYN...) this segment carries or carried
 * @retrans: times this segment was retransmitted (Karn: no RTT sample)
 * @state: LTCP_SKB_LOST, LTCP_SKB_RETRANS, LTCP_SKB_SACKED: its place in
 *	the tcp_sock counters lost_out, retrans_out and sacked_out
 */
struct ltcp_skb_cb {
	union {
		union {
			struct inet_skb_parm h4;
			struct inet6_skb_parm h6;
		} header;
		struct {
			u32 first_tx_us;
			u32 delivered_us;
			u32 delivered;
			u32 delivered_ce;
			u8 app_limited:1,
			   sent:1;
		} tx;
	};
	u32 seq;
	u32 end_seq;
	u32 ack_seq;
	u32 tx_us;
	u16 window;
	u8 flags;
	u8 retrans;
	u8 state;
	u8 tstamp_ack;
};

#define LTCP_SKB_LOST		0x01	/* counted in lost_out */
#define LTCP_SKB_RETRANS	0x02	/* counted in retrans_out */
#define LTCP_SKB_SACKED		0x04	/* counted in sacked_out (for good) */

#define LTCP_SKB_CB(skb)	((struct ltcp_skb_cb *)&((skb)->cb[0]))

struct ltcp_ca_holder;
struct rate_sample;

/**
 * struct ltcp_rack - RACK's state (RFC 8985 section 6.1, rack.c)
 * @xmit_us: RACK.xmit_ts: when the most recently sent segment that was
 *	delivered was last sent (low 32 bits of the microsecond clock)
 * @end_seq: RACK.end_seq: that segment's end
 * @rtt_us: RACK.rtt: the RTT its delivery gave
 * @fack: RACK.fack: the highest sequence number delivered
 * @dsack_round: RACK.dsack_round (with @dsack_round_on): SND.NXT when a
 *	D-SACK last widened the window
 * @timeout_us: what the last detection left for the RACK timer (0: none)
 * @ack_xmit_us: within an ACK, the latest transmission it delivered
 * @ack_end_seq: that segment's end
 * @ack_reord_segs: within an ACK, the largest distance (in segments) from
 *	a segment delivered out of order to RACK.fack
 * @reo_wnd_mult: RACK.reo_wnd_mult
 * @reo_wnd_persist: RACK.reo_wnd_persist
 * @valid: a segment was delivered: @xmit_us, @end_seq and @rtt_us hold
 * @fack_valid: @fack holds
 * @reordering_seen: RACK.reordering_seen
 * @dsack_round_on: @dsack_round holds (the RFC's "not None")
 * @from_retrans: RACK.segment was a retransmission
 * @ack_any: within an ACK, @ack_xmit_us holds
 * @ack_reord: within an ACK, a segment was delivered out of order
 * @ack_dsack: within an ACK, it carries a D-SACK
 * @recovery_done: within an ACK, it ended fast or RTO recovery
 */
struct ltcp_rack {
	u32 xmit_us;
	u32 end_seq;
	u32 rtt_us;
	u32 fack;
	u32 dsack_round;
	u32 timeout_us;
	u32 ack_xmit_us;
	u32 ack_end_seq;
	u32 ack_reord_segs;
	u8 reo_wnd_mult;
	u8 reo_wnd_persist;
	u16 valid:1,
	    fack_valid:1,
	    reordering_seen:1,
	    dsack_round_on:1,
	    from_retrans:1,
	    ack_any:1,
	    ack_reord:1,
	    ack_dsack:1,
	    recovery_done:1;
};

/**
 * struct ltcp_sock - an ltcp endpoint
 * @tp: the standard TCP socket fields. It comes first so that tcp_sk(),
 *	inet_csk() and inet_sk() work on an ltcp socket: congestion-control
 *	modules (struct tcp_congestion_ops) and generic inet code read those
 *	fields, and ltcp keeps them current where the kernel's TCP would.
 * @send_head: the first segment of sk_write_queue not sent yet, or NULL;
 *	everything before it is sent and not yet acknowledged
 * @deferred: work a timer or softirq left for release_sock (LTCP_DEFER_*)
 * @ts_offset: per-connection offset of the timestamp clock (RFC 7323 5.4)
 * @dupacks: duplicate ACKs seen in a row (RFC 5681 3.2)
 * @recover: snd_nxt when loss recovery began (RFC 6582)
 * @in_recovery: fast recovery is running
 * @prr_recover_fs: RFC 6937's RecoverFS, the FlightSize (in segments) when
 *	the current fast recovery began
 * @high_sacked: with @sacked_any, one past the highest sequence number
 *	SACKed (RFC 6675's "highest octet covered by any received SACK")
 * @sacked_any: @high_sacked is valid (something was SACKed since snd_una
 *	last passed it)
 * @fin_queued: close() or shutdown(SHUT_WR) queued our FIN
 * @urg_mode: send(MSG_OOB) set tcp_sock.snd_up (SND.UP) and it is not
 *	acknowledged yet: segments before it carry URG (urgent.c)
 * @data_rcvtime: jiffies when data last arrived, to tell an interactive
 *	exchange (our data follows the peer's quickly) from the rest
 * @ca_holder: the kernel TCP socket that looked up and holds the congestion
 *	control chosen with TCP_CONGESTION (cong.c), or NULL
 * @syn_retries: TCP_SYNCNT, 0 when not set. The kernel's request timer
 *	reads a listener's icsk_syn_retries instead, which ltcp_listen()
 *	sets so that ltcp's limit is the one that counts.
 * @undo_armed: a loss episode is on whose window reduction may be undone
 *	(undo.c)
 * @undo_ts_ok: @undo_tsval holds the episode's first retransmission's
 *	TSval (RFC 3522's RetransmitTS)
 * @undo_rtx: the episode retransmitted something; tcp_sock.undo_retrans
 *	counts the retransmitted segments no D-SACK has reported yet
 * @undo_dsack_wait: the episode is over, not undone, and some of its
 *	retransmissions still wait for their D-SACK (undo.c)
 * @undo_tsval: that TSval
 * @undo_cwnd: cwnd before the episode
 * @undo_ssthresh: ssthresh before the episode
 * @frto_step: F-RTO (RFC 5682 section 3.1, frto.c) waits in step 2 or 3;
 *	0 when off
 * @sack_fresh: SACK blocks put first (new or grown) since an ACK last
 *	carried the blocks: while they all fit in one option, SACK
 *	compression (sackcomp.c) may hold the ACK without losing any
 * @rcvbuf_ooo_edge: the right edge of the window out-of-order data last
 *	filled, growing the buffer (rcvbuf.c): the same edge grows it once
 * @rcv_ratio: payload per byte of receive-buffer memory (skb truesize)
 *	that arriving segments have shown, in 1/256ths (rcvbuf.c): the
 *	share of free buffer the window may offer
 * @rack: RACK loss detection (RFC 8985 section 6, rack.c)
 * @backlog_mem: truesize of the segments on the socket's backlog not
 *	processed yet (input.c, ltcp_add_backlog())
 * @frto_orig_acked: within an ACK, it acknowledged or SACKed a segment
 *	below the recovery point never retransmitted
 * @frto_new_acked: within an ACK, it acknowledged or SACKed a segment
 *	first sent after the timeout
 * @tskey_base: SND.UNA when a write first saw SOF_TIMESTAMPING_OPT_ID on:
 *	transmit timestamp keys count bytes from it (txstamp.c)
 * @tskey_on: @tskey_base is set (OPT_ID was on at the last write)
 *
 * Loss bookkeeping uses tcp_sock's packets_out, lost_out and retrans_out
 * (tcp_packets_in_flight() reads them), kept per segment in
 * ltcp_skb_cb.state.
 */
struct ltcp_sock {
	struct tcp_sock tp;
	struct sk_buff *send_head;
	unsigned long deferred;
	u32 ts_offset;
	u32 dupacks;
	u32 recover;
	u32 data_rcvtime;
	u32 rto_start;
	u32 retries_start;
	u32 high_sacked;
	u32 rcvbuf_ooo_edge;
	u32 prr_recover_fs;
	u32 undo_tsval;
	u32 undo_cwnd;
	u32 undo_ssthresh;
	u32 tskey_base;
	struct ltcp_ca_holder *ca_holder;
	struct ltcp_rack rack;
	atomic_t backlog_mem;
	u8 syn_retries;
	u8 rcv_ratio;
	u8 frto_step;
	u8 sack_fresh;
	u8 in_recovery:1,
	   fin_queued:1,
	   sacked_any:1,
	   urg_mode:1,
	   undo_armed:1,
	   undo_ts_ok:1,
	   undo_rtx:1,
	   undo_dsack_wait:1,
	   frto_orig_acked:1,
	   frto_new_acked:1,
	   tskey_on:1;
};

/**
 * struct ltcp6_sock - an ltcp endpoint of family AF_INET6
 * @ltcp: the family-independent part
 * @inet6: IPv6 state; it must be last, inet6_sk_generic() finds it at
 *	obj_size - sizeof(struct ipv6_pinfo)
 */
struct ltcp6_sock {
	struct ltcp_sock ltcp;
	struct ipv6_pinfo inet6;
};

/**
 * struct ltcp_request_sock - a connection in SYN-RECEIVED, before accept
 * @req: the generic request socket (hashed in ehash as TCP_NEW_SYN_RECV)
 * @rcv_isn: the peer's initial sequence number
 * @snt_isn: ours
 * @ts_recent: the peer's last timestamp value, to echo
 * @ts_offset: our timestamp clock offset for this connection
 * @mss: the MSS the peer announced (0: none)
 * @synack_us: when our last SYN-ACK left (tcp_clock_us()), for the RTT
 *	sample the handshake's ACK gives
 *
 * The negotiated options live in @req (tstamp_ok, wscale_ok, sack_ok,
 * snd_wscale, rcv_wscale).
 */
struct ltcp_request_sock {
	struct inet_request_sock req;
	u32 rcv_isn;
	u32 snt_isn;
	u32 ts_recent;
	u32 ts_offset;
	u32 synack_us;
	u16 mss;
};

/* Work deferred to release_sock when a timer found the socket owned. */
enum {
	LTCP_DEFER_WRITE_TIMER,
	LTCP_DEFER_DELACK_TIMER,
	LTCP_DEFER_PACE,
	LTCP_DEFER_MTU_REDUCED,	/* tcp_sock.mtu_info holds the new MTU */
	LTCP_DEFER_COMP_SACK,	/* sackcomp.c: send the held ACK */
};

/* Does @sk speak IPv6 on the wire? (An AF_INET6 socket with a v4-mapped
 * peer speaks IPv4.)
 */
static inline bool ltcp_sk_v6(const struct sock *sk)
{
	return sk->sk_family == AF_INET6 &&
	       !ipv6_addr_v4mapped(&sk->sk_v6_daddr);
}

/* Did @skb arrive over IPv6? */
static inline bool ltcp_skb_v6(const struct sk_buff *skb)
{
	return skb->protocol == htons(ETH_P_IPV6);
}

static inline struct ltcp_sock *ltcp_sk(const struct sock *sk)
{
	return (struct ltcp_sock *)sk;
}

static inline struct ltcp_request_sock *ltcp_rsk(const struct request_sock *req)
{
	return (struct ltcp_request_sock *)req;
}

/*
 * Quick-ACK mode: every data segment is acknowledged at once, not every
 * second one. A new connection starts in it for its first LTCP_QUICKACKS
 * ACKs, so that the peer's slow start is not slowed by ACKs held back
 * (RFC 5681 4.2 allows ACKing more often than every second segment), and
 * TCP_QUICKACK re-enters it; TCP_QUICKACK 0 leaves it ("pingpong").
 */
static inline bool ltcp_in_quickack(struct sock *sk)
{
	return inet_csk(sk)->icsk_ack.quick &&
	       !inet_csk_in_pingpong_mode(sk);
}

/* Our largest window scale for a receive buffer of @space bytes
 * (RFC 7323 2.3).
 */
static inline u8 ltcp_wscale_for(int space)
{
	u8 ws = 0;

	while (space > 65535 && ws < LTCP_MAX_WSCALE) {
		space >>= 1;
		ws++;
	}
	return ws;
}

/*
 * Send-buffer room. Not sk_stream_memory_free()/sk_stream_is_writeable():
 * their inline bodies compare against (and so import) the kernel TCP's
 * stream_memory_free function.
 */
static inline u32 ltcp_notsent_lowat(const struct sock *sk)
{
	return tcp_sk(sk)->notsent_lowat ? :
	       READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_notsent_lowat);
}

/*
 * Room for more data: the send buffer is not full, and the data not sent
 * yet is under TCP_NOTSENT_LOWAT (net.ipv4.tcp_notsent_lowat by default),
 * or under half of it (@wake) before a writer is woken, so that a woken
 * writer finds room for a useful amount (Linux's rule).
 */
static inline bool __ltcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 notsent = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);

	if (READ_ONCE(sk->sk_wmem_queued) >= READ_ONCE(sk->sk_sndbuf))
		return false;
	return ((u64)notsent << wake) < ltcp_notsent_lowat(sk);
}

static inline bool ltcp_stream_memory_free(const struct sock *sk)
{
	return __ltcp_stream_memory_free(sk, 0);
}

static inline bool ltcp_stream_is_writeable(const struct sock *sk)
{
	return sk_stream_wspace(sk) >= sk_stream_min_wspace(sk) &&
	       __ltcp_stream_memory_free(sk, 1);
}

/*
 * The timestamp clock (RFC 7323 section 5.4): 1 ms ticks of the monotonic
 * clock, as Linux's. Jiffies tick every 4 ms with HZ 250: a retransmission
 * would then carry its original's TSval more often, and the echo could not
 * tell them apart (RFC 3522).
 */
static inline u32 ltcp_ts_now(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

/**
 * struct ltcp_options - the options of one received segment
 * @mss: MSS option value, 0 if absent
 * @wscale: window scale shift, valid when @wscale_ok
 * @tsval: timestamp value, valid when @saw_ts
 * @tsecr: timestamp echo reply, valid when @saw_ts
 * @saw_ts: a timestamps option was present
 * @wscale_ok: a window scale option was present
 * @sack_perm: a SACK-permitted option was present
 * @num_sacks: blocks of a well-formed SACK option (RFC 2018 section 3),
 *	0 when there was none
 * @sack: the first block of that option, in the segment's header (valid
 *	while the segment is), read with get_unaligned_be32()
 */
struct ltcp_options {
	u16 mss;
	u8 wscale;
	u32 tsval;
	u32 tsecr;
	u8 saw_ts:1,
	   wscale_ok:1,
	   sack_perm:1;
	u8 num_sacks;
	const u8 *sack;
};

/* af_ltcp.c */
extern struct proto ltcp_prot;
int ltcp_af_init(void);
void ltcp_af_exit(void);
bool ltcp_sk_is_ours(const struct sock *sk);

/**
 * ltcp_hashinfo() - the socket hash tables of @net, shared with its TCP
 * @net: the namespace
 *
 * tcp_hashinfo, unless the namespace was created with an established hash
 * of its own (net.ipv4.tcp_child_ehash_entries): then that one, whose bind
 * and listen tables are still tcp_hashinfo's. The generic inet code finds
 * the same (tcp_or_dccp_get_hashinfo(), proto.h.hashinfo NULL).
 */
static inline struct inet_hashinfo *ltcp_hashinfo(const struct net *net)
{
	return net->ipv4.tcp_death_row.hashinfo;
}

/* socket.c: the socket calls */
int ltcp_init_sock(struct sock *sk);
void ltcp_destroy_sock(struct sock *sk);
void ltcp_close(struct sock *sk, long timeout);
int ltcp_disconnect(struct sock *sk, int flags);
void ltcp_shutdown(struct sock *sk, int how);
int ltcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
int ltcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		 int *addr_len);
__poll_t ltcp_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait);
int ltcp_listen(struct socket *sock, int backlog);
int ltcp_ioctl(struct sock *sk, int cmd, unsigned long arg);
void ltcp_set_state(struct sock *sk, int state);
void ltcp_done(struct sock *sk);
int ltcp_abort(struct sock *sk, int err);
void ltcp_release_cb(struct sock *sk);
void ltcp_set_keepalive(struct sock *sk, int on);
void ltcp_write_space(struct sock *sk);
bool ltcp_stream_notsent_ok(const struct sock *sk, int wake);
int ltcp_rcvbuf_max(const struct sock *sk);

/* rcvbuf.c */
#define LTCP_RCV_RATIO_INIT	128	/* half: Linux's tcp_adv_win_scale 1 */
int ltcp_win_from_space(const struct sock *sk, int space);
int ltcp_space_from_win(const struct sock *sk, int win);
void ltcp_rcv_ratio_sample(struct sock *sk, const struct sk_buff *skb);
void ltcp_rcvbuf_init(struct sock *sk);
void ltcp_rcv_rtt_measure(struct sock *sk, const struct sk_buff *skb,
			  const struct ltcp_options *opt);
void ltcp_rcvbuf_adjust(struct sock *sk);
bool ltcp_rcvbuf_may_grow(const struct sock *sk);
void ltcp_rcvbuf_ooo(struct sock *sk, u32 end_seq);

/* undo.c */
void ltcp_undo_start(struct sock *sk);
void ltcp_undo_retransmitted(struct sock *sk, bool ts, u32 tsval);
bool ltcp_undo_ack(struct sock *sk, u32 ack, const struct ltcp_options *opt);
void ltcp_undo_dsack(struct sock *sk, u32 start, u32 end);
bool ltcp_undo_dsack_check(struct sock *sk);
void ltcp_undo_spurious_rto(struct sock *sk);

/* frto.c */
void ltcp_frto_start(struct sock *sk, u8 prior_state);
void ltcp_frto_delivered(struct sock *sk, const struct sk_buff *skb);
void ltcp_frto_ack(struct sock *sk, bool advanced, bool dup);

/* collapse.c */
bool ltcp_collapse(struct sock *sk);
unsigned int ltcp_sync_mss(struct sock *sk, u32 pmtu);

/* cong.c */
int ltcp_cong_set(struct sock *sk, char *name);
void ltcp_cong_drop(struct sock *sk);
void ltcp_cong_exit(void);
void ltcp_cong_init_sock(struct sock *sk);
void ltcp_cong_inherit(struct sock *newsk);
void ltcp_cong_reset(struct sock *sk);
int ltcp_cong_set_default(struct net *net, const char *name);
void ltcp_cong_get_default(struct net *net, char *buf);
int ltcp_cong_net_init(struct net *net);
void ltcp_cong_net_exit(struct net *net);
ssize_t ltcp_cong_available(char *buf, size_t size);

/* sockopt.c */
int ltcp_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int ltcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen);

/* input.c */
int ltcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);
int ltcp_do_rcv(struct sock *sk, struct sk_buff *skb);
int ltcp_backlog_rcv(struct sock *sk, struct sk_buff *skb);
void ltcp_start_recovery(struct sock *sk);
void ltcp_parse_options(const struct tcphdr *th, struct ltcp_options *opt);
bool ltcp_segment_valid(struct sk_buff *skb);
struct sock *ltcp_attached_sk(struct sk_buff *skb, bool *refcounted);
void ltcp_pass_sk(struct sk_buff *skb, struct sock *sk, bool refcounted);
void ltcp_rcv_sk(struct sock *sk, struct sk_buff *skb, bool refcounted);
void ltcp_icmp_error(struct sock *sk, int err, bool recverr);
void ltcp_req_err(struct sock *sk, u32 seq, bool abort);
void ltcp_ca_set_state(struct sock *sk, u8 state);

/* rxstamp.c */

/**
 * struct ltcp_rx_stamp - the receive timestamps a read reports
 * @sw: the software receive time of the last segment read that has a
 *	timestamp (0: none)
 * @hw: its device's time (0: none)
 * @seen: such a segment was read from
 */
struct ltcp_rx_stamp {
	ktime_t sw;
	ktime_t hw;
	bool seen;
};

void ltcp_rx_stamp_note(struct ltcp_rx_stamp *stamp, struct sk_buff *skb);
void ltcp_rx_stamp_put(struct msghdr *msg, struct sock *sk,
		       const struct ltcp_rx_stamp *stamp);

/* txstamp.c */
void ltcp_tx_stamp_write(struct sock *sk, u32 tsflags);
void ltcp_tx_stamp_acked(struct sock *sk, struct sk_buff *skb);
void ltcp_tx_stamp_split(struct sk_buff *skb, struct sk_buff *nskb);
void ltcp_tx_stamp_reset(struct sock *sk);

static inline bool ltcp_tx_stamp_pending(struct sk_buff *skb)
{
	return LTCP_SKB_CB(skb)->tstamp_ack ||
	       (skb_shinfo(skb)->tx_flags & SKBTX_ANY_TSTAMP);
}

/* urgent.c */
void ltcp_urg_rcv(struct sock *sk, const struct sk_buff *skb);
int ltcp_urg_recv(struct sock *sk, struct msghdr *msg, size_t len, int flags);
void ltcp_urg_send(struct sock *sk);
void ltcp_urg_acked(struct sock *sk);
u16 ltcp_urg_xmit_ptr(const struct sock *sk, u32 seq);

/* output.c */
int ltcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
struct sk_buff *ltcp_alloc_skb(struct sock *sk, int size, gfp_t gfp);
void ltcp_queue_skb(struct sock *sk, struct sk_buff *skb);
void ltcp_push_pending(struct sock *sk);
void ltcp_send_ack(struct sock *sk);
void ltcp_send_keepalive_probe(struct sock *sk);
void ltcp_send_active_reset(struct sock *sk, gfp_t gfp);
void ltcp_send_fin(struct sock *sk);
void ltcp_retransmit_head(struct sock *sk);
void ltcp_mark_lost(struct sock *sk, struct sk_buff *skb);
bool ltcp_send_probe_new(struct sock *sk);
bool ltcp_retransmit_last(struct sock *sk);
void ltcp_mtu_reduced(struct sock *sk, u32 mtu);
void ltcp_skb_acked(struct sock *sk, struct sk_buff *skb);
int ltcp_rcv_space(const struct sock *sk);
u16 ltcp_select_window(struct sock *sk);
void ltcp_init_transfer(struct sock *sk);
void ltcp_sndbuf_expand(struct sock *sk);
int ltcp_connect_init(struct sock *sk);
u32 ltcp_synack_window(const struct sock *sk, const struct request_sock *req,
		       u16 mss);
struct sk_buff *ltcp_make_synack(const struct sock *sk,
				 struct request_sock *req, struct dst_entry *dst);
unsigned int ltcp_current_mss(struct sock *sk);
void ltcp_delack_schedule(struct sock *sk);
void ltcp_send_reset(const struct sock *sk, struct sk_buff *rx);
void ltcp_send_reply_ack(struct net *net, struct sk_buff *rx, u32 seq,
			 u32 ack, u16 win, u32 tsval, u32 tsecr, bool ts);
bool ltcp_ack_rate_limited(struct net *net, int mib, u32 *last);
bool ltcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   int mib, u32 *last);

/* timer.c */
void ltcp_init_xmit_timers(struct sock *sk);
void ltcp_rearm_rto(struct sock *sk);
void ltcp_write_timer_handler(struct sock *sk);
void ltcp_icmp_unreachable(struct sock *sk, u32 seq);
void ltcp_delack_timer_handler(struct sock *sk);
void ltcp_rtt_sample(struct sock *sk, long rtt_us);
void ltcp_keepalive_arm(struct sock *sk);
void ltcp_fin_wait2_arm(struct sock *sk);

/* rate.c: delivery-rate estimation */
void ltcp_rate_skb_sent(struct sock *sk, struct sk_buff *skb);
void ltcp_rate_skb_delivered(struct sock *sk, struct sk_buff *skb,
			     struct rate_sample *rs);
void ltcp_rate_gen(struct sock *sk, u32 delivered, u32 lost,
		   struct rate_sample *rs);
void ltcp_rate_check_app_limited(struct sock *sk);

/* sackcomp.c */
void ltcp_sack_comp_init(struct sock *sk);
void ltcp_sack_comp_cancel(struct sock *sk);
void ltcp_sack_comp_sent(struct sock *sk);
void ltcp_sack_comp_fire(struct sock *sk);
bool ltcp_sack_comp_hold(struct sock *sk);

/* pacing.c */
void ltcp_pacing_init(struct sock *sk);
void ltcp_pacing_cancel(struct sock *sk);
bool ltcp_pacing_wait(struct sock *sk);
u64 ltcp_pacing_departure(struct sock *sk, struct sk_buff *skb);
void ltcp_pacing_sent(struct sock *sk, unsigned int bytes);
void ltcp_update_pacing_rate(struct sock *sk);

/* ecn.c: RFC 3168 */
u8 ltcp_ecn_syn(struct sock *sk);
void ltcp_ecn_synack_rcvd(struct sock *sk, const struct tcphdr *th);
bool ltcp_ecn_req(const struct sock *listener, const struct tcphdr *th);
void ltcp_ecn_rcv(struct sock *sk, const struct sk_buff *skb, bool *ack_now);
u8 ltcp_ecn_xmit(struct sock *sk, const struct ltcp_skb_cb *cb,
		 unsigned int len);
void ltcp_ecn_init(struct sock *sk);
bool ltcp_ecn_ece(struct sock *sk);
void ltcp_ecn_cwr_done(struct sock *sk);

/* minisocks.c: request and TIME-WAIT sockets */
extern struct request_sock_ops ltcp_request_sock_ops;
extern struct request_sock_ops ltcp6_request_sock_ops;
extern struct timewait_sock_ops ltcp_timewait_sock_ops;
extern struct timewait_sock_ops ltcp6_timewait_sock_ops;
int ltcp_conn_request(struct sock *sk, struct sk_buff *skb);
struct sock *ltcp_check_req(struct sock *sk, struct sk_buff *skb,
			    struct request_sock *req);
void ltcp_time_wait(struct sock *sk, int state, int timeo);
void ltcp_tw_rcv(struct inet_timewait_sock *tw, struct sk_buff *skb);

/* sack.c: SACK and D-SACK as a receiver (RFC 2018, RFC 2883) */
void ltcp_sack_ofo(struct sock *sk, struct sk_buff *skb);
void ltcp_sack_dsack(struct sock *sk, u32 start, u32 end);
void ltcp_sack_advance(struct sock *sk);
void ltcp_sack_renege(struct sock *sk);
void ltcp_sack_reset(struct sock *sk);
int ltcp_sack_fill(struct sock *sk, struct tcp_sack_block *out, int max);
int ltcp_sack_max_blocks(unsigned int opt_len);
bool ltcp_sack_fresh_full(const struct sock *sk);
bool ltcp_sack_option_ok(u8 len);

/* recovery.c: Proportional Rate Reduction (RFC 6937) */
void ltcp_prr_init(struct sock *sk);
void ltcp_prr_ack(struct sock *sk, u32 delivered);
void ltcp_prr_sent(struct sock *sk);

/* tlp.c: Tail Loss Probe (RFC 8985 section 7) */
bool ltcp_tlp_arm(struct sock *sk, bool restart);
void ltcp_tlp_fire(struct sock *sk);
void ltcp_tlp_ack(struct sock *sk, u32 ack, const struct ltcp_options *opt,
		  bool dupack);

/* rack.c: RACK loss detection (RFC 8985 section 6) */
bool ltcp_rack_enabled(const struct sock *sk);
void ltcp_rack_init(struct sock *sk);
void ltcp_rack_ack_start(struct sock *sk);
void ltcp_rack_dsack(struct sock *sk);
void ltcp_rack_recovery_done(struct sock *sk);
void ltcp_rack_delivered(struct sock *sk, const struct sk_buff *skb);
u32 ltcp_rack_reo_wnd(const struct sock *sk);
u32 ltcp_rack_ack(struct sock *sk);
void ltcp_rack_arm_pending(struct sock *sk);
void ltcp_rack_timeout(struct sock *sk);

/* sack.c: the sender's scoreboard (RFC 2018, RFC 2883, RFC 6675) */
u32 ltcp_sack_tag(struct sock *sk, const struct ltcp_options *opt,
		  struct rate_sample *rs);
bool ltcp_sack_mark_lost(struct sock *sk);

/* ipv4.c */
int ltcp_ipv4_init(void);
void ltcp_ipv4_exit(void);
void ltcp_v4_mtu_reduced(struct sock *sk);
int ltcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int ltcp_v4_xmit(struct sock *sk, struct sk_buff *skb);
void ltcp_v4_send_reply(struct net *net, struct sk_buff *rx,
			struct sk_buff *skb);
int ltcp_v4_send_synack(const struct sock *sk, struct dst_entry *dst,
			struct request_sock *req);
u32 ltcp_v4_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 ltcp_v4_ts_offset(__be32 saddr, __be32 daddr);

/* ipv6.c */
int ltcp_ipv6_init(void);
void ltcp_ipv6_exit(void);
void ltcp_v6_mtu_reduced(struct sock *sk);
int ltcp_v6_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len);
int ltcp_v6_xmit(struct sock *sk, struct sk_buff *skb);
void ltcp_v6_send_reply(struct net *net, struct sk_buff *rx,
			struct sk_buff *skb);
int ltcp_v6_send_synack(const struct sock *sk, struct dst_entry *dst,
			struct request_sock *req);
u32 ltcp_v6_isn(const struct in6_addr *saddr, const struct in6_addr *daddr,
		__be16 sport, __be16 dport);
u32 ltcp_v6_ts_offset(const struct in6_addr *saddr,
		      const struct in6_addr *daddr);
void ltcp_v6_mapped_child(const struct sock *sk, struct sock *newsk,
			  struct sk_buff *skb);
struct dst_entry *ltcp_v6_child_init(const struct sock *sk, struct sock *newsk,
				     struct request_sock *req,
				     struct sk_buff *skb);

/* sysctl.c: per-namespace state */

/**
 * struct ltcp_net - ltcp's per-namespace state
 * @net: the namespace this is the state of
 * @sysctl_header: the registration of this namespace's net/ltcp table
 * @ctl_sk6: a raw IPv6 socket of protocol TCP: ip6_xmit() needs a socket
 *	(for its namespace and hop limit) even for a RST or a TIME-WAIT ACK
 * @syn_retries: net.ltcp.syn_retries (tcp_syn_retries)
 * @retries1: net.ltcp.retries1 (tcp_retries1)
 * @retries2: net.ltcp.retries2 (tcp_retries2)
 * @keepalive_time: net.ltcp.keepalive_time, in jiffies (seconds to users)
 * @keepalive_intvl: net.ltcp.keepalive_intvl, in jiffies
 * @keepalive_probes: net.ltcp.keepalive_probes
 * @fin_timeout: net.ltcp.fin_timeout, in jiffies
 * @timestamps: net.ltcp.timestamps: offer RFC 7323 timestamps
 * @window_scaling: net.ltcp.window_scaling: offer RFC 7323 window scaling
 * @sack: net.ltcp.sack: offer and accept SACK (RFC 2018)
 * @dsack: net.ltcp.dsack: report duplicates (RFC 2883)
 * @early_retrans: net.ltcp.early_retrans (tcp_early_retrans): 3 or 4
 *	enable Tail Loss Probes (RFC 8985 section 7), 0 to 2 do not
 * @frto: net.ltcp.frto (tcp_frto): F-RTO (RFC 5682) on when not 0
 * @recovery: net.ltcp.recovery (tcp_recovery): LTCP_RECOVERY_* bits
 * @reordering: net.ltcp.reordering (tcp_reordering): a connection's
 *	DupThresh (tcp_sock.reordering) at its start
 * @max_reordering: net.ltcp.max_reordering (tcp_max_reordering): the
 *	most reordering seen may raise it to
 * @ecn: net.ltcp.ecn: 0 no ECN, 1 request and accept it, 2 accept it
 * @tw_reuse_mode: net.ltcp.tw_reuse: 0, 1, or 2 for loopback only (not
 *	"tw_reuse": inet_timewait_sock.h has a macro of that name)
 * @synack_retries: net.ltcp.synack_retries
 * @max_syn_backlog: net.ltcp.max_syn_backlog
 * @delack_seg: net.ltcp.delack_seg: full-sized segments per delayed ACK
 * @comp_sack_delay_ns: net.ltcp.comp_sack_delay_ns: the longest a held
 *	ACK of out-of-order data waits (sackcomp.c)
 * @comp_sack_slack_ns: net.ltcp.comp_sack_slack_ns: the timer's slack
 * @comp_sack_nr: net.ltcp.comp_sack_nr: the most ACKs held back, 0 off
 * @rmem: net.ltcp.rmem: min, default and max receive buffer, in bytes
 * @moderate_rcvbuf: net.ltcp.moderate_rcvbuf: receive-buffer autotuning
 * @wmem: net.ltcp.wmem: min, default and max send buffer, in bytes
 * @rto_min_us: net.ltcp.rto_min_us: the least RTO above SRTT, microseconds
 * @rto_max_ms: net.ltcp.rto_max_ms: the largest RTO, in milliseconds
 * @ca_default: net.ltcp.congestion_control: the holder (cong.c) of the
 *	algorithm new sockets run
 */
struct ltcp_net {
	struct net *net;
	struct ctl_table_header *sysctl_header;
	struct sock *ctl_sk6;
	int syn_retries;
	int retries1;
	int retries2;
	int keepalive_time;
	int keepalive_intvl;
	int keepalive_probes;
	int fin_timeout;
	int timestamps;
	int window_scaling;
	int sack;
	int dsack;
	int early_retrans;
	int frto;
	int recovery;
	int reordering;
	int max_reordering;
	int ecn;
	int tw_reuse_mode;
	int synack_retries;
	int delack_seg;
	unsigned long comp_sack_delay_ns;
	unsigned long comp_sack_slack_ns;
	int comp_sack_nr;
	int rmem[3];
	int moderate_rcvbuf;
	int wmem[3];
	int max_syn_backlog;
	int rto_min_us;
	int rto_max_ms;
	struct ltcp_ca_holder __rcu *ca_default;
};

int ltcp_sysctl_init(void);
void ltcp_sysctl_exit(void);
struct ltcp_net *ltcp_net(const struct net *net);

/* At least net.ltcp.delack_seg full-sized segments received and not yet
 * acknowledged: what RFC 1122 4.2.3.2 / RFC 5681 4.2 ask an ACK for.
 */
static inline bool ltcp_delack_segs_pending(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return tp->rcv_nxt - tp->rcv_wup >=
	       READ_ONCE(ltcp_net(sock_net(sk))->delack_seg) *
	       (u32)inet_csk(sk)->icsk_ack.rcv_mss;
}

struct sock *ltcp_ctl_sock6(struct net *net);

#endif /* _LTCP_LTCP_H */
