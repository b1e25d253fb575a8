// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp socket options: SOL_TCP handled here with Linux's names, values and
 * errno; every other level goes to the generic IP or IPv6 code.
 */
#include <linux/inet_diag.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/*
 * TCP_DEFER_ACCEPT's seconds and the SYN-ACK retransmissions that cover
 * them: the first after the initial RTO (1 s), each later one after
 * twice the previous wait, at most TCP_RTO_MAX (120 s).
 */
static u8 ltcp_secs_to_synack_retrans(int secs)
{
	int wait = LTCP_TIMEOUT_INIT / HZ, total = wait;
	u8 n = 1;

	if (secs <= 0)
		return 0;
	while (secs > total && n < 255) {
		wait = min(2 * wait, TCP_RTO_MAX / HZ);
		total += wait;
		n++;
	}
	return n;
}

static int ltcp_synack_retrans_to_secs(u8 n)
{
	int wait = LTCP_TIMEOUT_INIT / HZ, total = wait;

	if (!n)
		return 0;
	while (--n) {
		wait = min(2 * wait, TCP_RTO_MAX / HZ);
		total += wait;
	}
	return total;
}

static int ltcp_setsockopt_tcp(struct sock *sk, int optname, sockptr_t optval,
			       unsigned int optlen)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int val, err = 0;

	if (optname == TCP_CONGESTION) {
		char name[TCP_CA_NAME_MAX];

		if (optlen < 1)
			return -EINVAL;
		val = strncpy_from_sockptr(name, optval,
					   min_t(long, TCP_CA_NAME_MAX - 1,
						 optlen));
		if (val < 0)
			return -EFAULT;
		name[val] = 0;
		lock_sock(sk);
		err = ltcp_cong_set(sk, name);
		release_sock(sk);
		return err;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		if (val) {
			tp->nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
			ltcp_push_pending(sk);
		} else {
			tp->nonagle &= ~TCP_NAGLE_OFF;
		}
		break;
	case TCP_CORK:
		if (val) {
			tp->nonagle |= TCP_NAGLE_CORK;
		} else {
			tp->nonagle &= ~TCP_NAGLE_CORK;
			if (tp->nonagle & TCP_NAGLE_OFF)
				tp->nonagle |= TCP_NAGLE_PUSH;
			ltcp_push_pending(sk);
		}
		break;
	case TCP_KEEPIDLE:
		/* Linux's ranges: 1..MAX_TCP_KEEPIDLE seconds and so on. */
		if (val < 1 || val > MAX_TCP_KEEPIDLE) {
			err = -EINVAL;
			break;
		}
		tp->keepalive_time = val * HZ;
		ltcp_keepalive_arm(sk);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > MAX_TCP_KEEPINTVL)
			err = -EINVAL;
		else
			tp->keepalive_intvl = val * HZ;
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > MAX_TCP_KEEPCNT)
			err = -EINVAL;
		else
			tp->keepalive_probes = val;
		break;
	case TCP_SYNCNT:
		if (val < 1 || val > MAX_TCP_SYNCNT) {
			err = -EINVAL;
			break;
		}
		ltcp_sk(sk)->syn_retries = val;
		/* Also what the request timer of a listener reads. */
		inet_csk(sk)->icsk_syn_retries = val;
		break;
	case TCP_QUICKACK:
		/* Linux: 1 (any odd value) acknowledges at once from now on
		 * and sends an ACK that is being held; 0 holds ACKs back
		 * ("interactive" mode), as far as the every-second-segment
		 * rule and the delayed-ACK timer allow.
		 */
		if (val & 1) {
			inet_csk(sk)->icsk_ack.quick = LTCP_QUICKACKS;
			inet_csk_exit_pingpong_mode(sk);
			if ((1 << sk->sk_state) & (TCPF_ESTABLISHED |
						   TCPF_FIN_WAIT1 |
						   TCPF_FIN_WAIT2 |
						   TCPF_CLOSE_WAIT) &&
			    inet_csk_ack_scheduled(sk))
				ltcp_send_ack(sk);
		} else {
			inet_csk_enter_pingpong_mode(sk);
		}
		break;
	case TCP_MAXSEG:
		/* Linux: 0 clears it; else between TCP_MIN_MSS and
		 * MAX_TCP_WINDOW.
		 */
		if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW)) {
			err = -EINVAL;
			break;
		}
		tp->rx_opt.user_mss = val;
		break;
	case TCP_USER_TIMEOUT:
		/* Milliseconds; 0 returns to the retry counts (tcp(7)). */
		if (val < 0)
			err = -EINVAL;
		else
			WRITE_ONCE(inet_csk(sk)->icsk_user_timeout, val);
		break;
	case TCP_NOTSENT_LOWAT:
		/* Any value; 0 returns to net.ipv4.tcp_notsent_lowat. A
		 * higher mark may let a waiting writer go.
		 */
		WRITE_ONCE(tp->notsent_lowat, val);
		sk->sk_write_space(sk);
		break;
	case TCP_LINGER2:
		/* Seconds in FIN-WAIT-2 for an orphan; negative: none;
		 * at most Linux's TCP_FIN_TIMEOUT_MAX (120 s).
		 */
		if (val < 0)
			WRITE_ONCE(tp->linger2, -1);
		else if (val > TCP_FIN_TIMEOUT_MAX / HZ)
			WRITE_ONCE(tp->linger2, TCP_FIN_TIMEOUT_MAX);
		else
			WRITE_ONCE(tp->linger2, val * HZ);
		break;
	case TCP_WINDOW_CLAMP:
		/* tcp(7): the advertised window's bound, at least
		 * SOCK_MIN_RCVBUF / 2; 0 (no bound) only before a
		 * connection.
		 */
		if (!val) {
			if (sk->sk_state != TCP_CLOSE)
				err = -EINVAL;
			else
				tp->window_clamp = 0;
		} else {
			tp->window_clamp = max_t(int, val, SOCK_MIN_RCVBUF / 2);
		}
		break;
	case TCP_DEFER_ACCEPT:
		/* Seconds, kept as the SYN-ACK retransmissions that span
		 * them: the generic request timer counts those.
		 */
		WRITE_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept,
			   ltcp_secs_to_synack_retrans(val));
		break;
	case TCP_INQ:
		/* A TCP_CM_INQ control message with every read. */
		if (val < 0 || val > 1)
			err = -EINVAL;
		else
			tp->recvmsg_inq = val;
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

/**
 * ltcp_setsockopt() - proto.setsockopt
 * @sk: the socket
 * @level: SOL_TCP here; others to ip_setsockopt()/ipv6_setsockopt()
 * @optname: the option
 * @optval: its value
 * @optlen: its length
 *
 * Return: 0 or a negative errno.
 */
int ltcp_setsockopt(struct sock *sk, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	if (level != SOL_TCP) {
		if (sk->sk_family == AF_INET6)
			return ipv6_setsockopt(sk, level, optname, optval,
					       optlen);
		return ip_setsockopt(sk, level, optname, optval, optlen);
	}
	return ltcp_setsockopt_tcp(sk, optname, optval, optlen);
}

/* struct tcp_info from ltcp's state (what ss -ti and iperf3 read). */
static void ltcp_get_info(struct sock *sk, struct tcp_info *info)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);

	memset(info, 0, sizeof(*info));
	info->tcpi_state = inet_sk_state_load(sk);
	info->tcpi_ca_state = icsk->icsk_ca_state;
	info->tcpi_retransmits = icsk->icsk_retransmits;
	info->tcpi_probes = icsk->icsk_probes_out;
	info->tcpi_backoff = icsk->icsk_backoff;
	if (tp->rx_opt.tstamp_ok)
		info->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tp->rx_opt.sack_ok)
		info->tcpi_options |= TCPI_OPT_SACK;
	if (tp->rx_opt.wscale_ok) {
		info->tcpi_options |= TCPI_OPT_WSCALE;
		info->tcpi_snd_wscale = tp->rx_opt.snd_wscale;
		info->tcpi_rcv_wscale = tp->rx_opt.rcv_wscale;
	}
	/* Milliseconds since the last data sent and received, and since the
	 * last acceptable ACK.
	 */
	info->tcpi_last_data_sent = jiffies_to_msecs(tcp_jiffies32 -
						     tp->lsndtime);
	info->tcpi_last_data_recv = jiffies_to_msecs(tcp_jiffies32 -
						     ltcp_sk(sk)->data_rcvtime);
	info->tcpi_last_ack_recv = jiffies_to_msecs(tcp_jiffies32 -
						    tp->rcv_tstamp);
	info->tcpi_rto = jiffies_to_usecs(icsk->icsk_rto);
	info->tcpi_ato = jiffies_to_usecs(icsk->icsk_ack.ato);
	/* The scoreboard: segments in flight, SACKed, lost, resent. */
	info->tcpi_unacked = tp->packets_out;
	info->tcpi_sacked = tp->sacked_out;
	info->tcpi_lost = tp->lost_out;
	info->tcpi_retrans = tp->retrans_out;
	/* Segment sizes: sent (the MSS as last derived, not re-read from
	 * the route here: no socket lock), seen arriving, the path MTU it
	 * came from, and the MSS announced.
	 */
	info->tcpi_snd_mss = tp->mss_cache;
	info->tcpi_rcv_mss = icsk->icsk_ack.rcv_mss;
	info->tcpi_pmtu = icsk->icsk_pmtu_cookie;
	info->tcpi_advmss = tp->advmss;
	info->tcpi_rcv_ssthresh = tp->rcv_wnd;
	/* The receiver's RTT estimate and the most the application read in
	 * one round trip: receive-buffer autotuning's inputs (rcvbuf.c).
	 */
	info->tcpi_rcv_rtt = tp->rcv_rtt_est.rtt_us >> 3;
	info->tcpi_rcv_space = tp->rcvq_space.space;
	info->tcpi_rtt = tp->srtt_us >> 3;
	info->tcpi_rttvar = tp->mdev_us >> 2;
	info->tcpi_snd_ssthresh = tp->snd_ssthresh;
	info->tcpi_snd_cwnd = tcp_snd_cwnd(tp);
	info->tcpi_reordering = tp->reordering;
	info->tcpi_total_retrans = tp->total_retrans;
	info->tcpi_bytes_acked = tp->bytes_acked;
	info->tcpi_bytes_received = tp->bytes_received;
	info->tcpi_bytes_sent = tp->bytes_sent;
	info->tcpi_segs_out = tp->segs_out;
	info->tcpi_segs_in = tp->segs_in;
	info->tcpi_data_segs_in = tp->data_segs_in;
	info->tcpi_data_segs_out = tp->data_segs_out;
	info->tcpi_notsent_bytes = max_t(int, 0, tp->write_seq - tp->snd_nxt);
	info->tcpi_min_rtt = tcp_min_rtt(tp);
	info->tcpi_delivered = tp->delivered;
	info->tcpi_delivered_ce = tp->delivered_ce;
	info->tcpi_dsack_dups = tp->dsack_dups;
	info->tcpi_reord_seen = tp->reord_seen;
	info->tcpi_rcv_ooopack = tp->rcv_ooopack;
	info->tcpi_snd_wnd = tp->snd_wnd;
	info->tcpi_pacing_rate = READ_ONCE(sk->sk_pacing_rate) != ~0UL ?
				 READ_ONCE(sk->sk_pacing_rate) : ~0ULL;
	info->tcpi_max_pacing_rate = READ_ONCE(sk->sk_max_pacing_rate) !=
				     ~0UL ?
				     READ_ONCE(sk->sk_max_pacing_rate) : ~0ULL;
	/* The last kept delivery-rate sample (rate.c), bytes per second;
	 * app-limited before the first, as Linux reports it.
	 */
	if (tp->rate_interval_us)
		info->tcpi_delivery_rate =
			div_u64((u64)tp->rate_delivered * tp->mss_cache *
				USEC_PER_SEC, tp->rate_interval_us);
	info->tcpi_delivery_rate_app_limited = tp->rate_app_limited;
}

/**
 * ltcp_getsockopt() - proto.getsockopt
 * @sk: the socket
 * @level: SOL_TCP here; others to ip_getsockopt()/ipv6_getsockopt()
 * @optname: the option
 * @optval: user buffer
 * @optlen: user length, in and out
 *
 * Return: 0 or a negative errno.
 */
int ltcp_getsockopt(struct sock *sk, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int len, val;

	if (level != SOL_TCP) {
		if (sk->sk_family == AF_INET6)
			return ipv6_getsockopt(sk, level, optname, optval,
					       optlen);
		return ip_getsockopt(sk, level, optname, optval, optlen);
	}
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case TCP_NODELAY:
		val = !!(tp->nonagle & TCP_NAGLE_OFF);
		break;
	case TCP_CORK:
		val = !!(tp->nonagle & TCP_NAGLE_CORK);
		break;
	case TCP_KEEPIDLE:
		val = (tp->keepalive_time ? :
		       READ_ONCE(ltcp_net(sock_net(sk))->keepalive_time)) / HZ;
		break;
	case TCP_KEEPINTVL:
		val = (tp->keepalive_intvl ? :
		       READ_ONCE(ltcp_net(sock_net(sk))->keepalive_intvl)) / HZ;
		break;
	case TCP_KEEPCNT:
		val = tp->keepalive_probes ? :
		      READ_ONCE(ltcp_net(sock_net(sk))->keepalive_probes);
		break;
	case TCP_SYNCNT:
		val = ltcp_sk(sk)->syn_retries ? :
		      READ_ONCE(ltcp_net(sock_net(sk))->syn_retries);
		break;
	case TCP_QUICKACK:
		val = !inet_csk_in_pingpong_mode(sk);
		break;
	case TCP_MAXSEG:
		val = tp->mss_cache;
		if (tp->rx_opt.user_mss &&
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
			val = tp->rx_opt.user_mss;
		break;
	case TCP_USER_TIMEOUT:
		val = READ_ONCE(inet_csk(sk)->icsk_user_timeout);
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(tp->notsent_lowat);
		break;
	case TCP_LINGER2:
		val = READ_ONCE(tp->linger2);
		if (val >= 0)
			val = (val ? :
			       READ_ONCE(ltcp_net(sock_net(sk))->fin_timeout)) /
			      HZ;
		break;
	case TCP_INQ:
		val = tp->recvmsg_inq;
		break;
	case TCP_WINDOW_CLAMP:
		/* Unset: the largest window the buffer allows now. */
		val = tp->window_clamp ? :
		      ltcp_win_from_space(sk, ltcp_rcvbuf_max(sk));
		break;
	case TCP_DEFER_ACCEPT: {
		struct request_sock_queue *q = &inet_csk(sk)->icsk_accept_queue;

		val = ltcp_synack_retrans_to_secs(READ_ONCE(q->rskq_defer_accept));
		break;
	}
	case TCP_CC_INFO: {
		const struct tcp_congestion_ops *ca;
		union tcp_cc_info info;
		size_t sz = 0;
		int attr;

		/* The algorithm's own report (get_info), as ss shows it. */
		lock_sock(sk);
		ca = inet_csk(sk)->icsk_ca_ops;
		if (ca && ca->get_info)
			sz = ca->get_info(sk, ~0U, &attr, &info);
		release_sock(sk);
		len = min_t(unsigned int, len, sz);
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	case TCP_INFO: {
		struct tcp_info info;

		ltcp_get_info(sk, &info);
		len = min_t(unsigned int, len, sizeof(info));
		if (put_user(len, optlen) || copy_to_user(optval, &info, len))
			return -EFAULT;
		return 0;
	}
	case TCP_CONGESTION: {
		const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;

		if (!ca)
			return -ENOENT;
		len = min_t(unsigned int, len, TCP_CA_NAME_MAX);
		if (put_user(len, optlen) ||
		    copy_to_user(optval, ca->name, len))
			return -EFAULT;
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
