// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp urgent data: RFC 9293 3.8.5 and 3.10.7.4 (sixth step, "check the
 * URG bit"), with the meaning RFC 6093 describes for Linux and tcp(7)
 * documents ("Out-of-band data"): the urgent pointer points one past the
 * last urgent byte, and that one byte alone is out of band. Received, it
 * leaves the stream (unless SO_OOBINLINE) and is read with recv(MSG_OOB);
 * SIGURG (to the F_SETOWN owner) and POLLPRI announce it; SIOCATMARK says
 * when the reader has come to it. Sent, send(MSG_OOB) makes the last byte
 * of the write urgent.
 *
 * The state is tcp_sock's own: urg_seq is the sequence number of the
 * urgent byte, urg_data 0 when there is none, TCP_URG_NOTYET while it is
 * announced but not here, TCP_URG_VALID with the byte in its low 8 bits,
 * TCP_URG_READ once recv(MSG_OOB) took it; snd_up is SND.UP, meaningful
 * while ltcp_sock.urg_mode is set.
 */
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/*
 * Take the urgent byte from @skb, whose payload begins @hdr bytes in and
 * carries sequence number @seq first. Returns true if it was there.
 */
static bool ltcp_urg_take(struct sock *sk, const struct sk_buff *skb,
			  u32 seq, unsigned int hdr)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 where = tp->urg_seq - seq;
	u8 byte;

	if (skb->len <= hdr || where >= skb->len - hdr ||
	    skb_copy_bits(skb, hdr + where, &byte, 1))
		return false;
	WRITE_ONCE(tp->urg_data, TCP_URG_VALID | byte);
	return true;
}

/*
 * The pointer named a byte that came earlier and waits in the receive
 * queue (a pointer may follow its byte: RFC 9293 3.8.5 has the sender
 * repeat it on later segments).
 */
static void ltcp_urg_take_queued(struct sock *sk)
{
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_receive_queue, skb) {
		if (ltcp_urg_take(sk, skb, LTCP_SKB_CB(skb)->seq, 0))
			return;
	}
}

/*
 * The reader stands at an urgent byte it would step over (out of band,
 * not SO_OOBINLINE) and a newer pointer takes the mark away: step over it
 * now, as Linux does, rather than hand it to read() as ordinary data.
 */
static void ltcp_urg_drop_old(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_receive_queue);

	WRITE_ONCE(tp->copied_seq, tp->copied_seq + 1);
	if (skb && !ltcp_after(LTCP_SKB_CB(skb)->seq + skb->len,
			       tp->copied_seq)) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		__kfree_skb(skb);
	}
}

/* RFC 9293 3.10.7.4: RCV.UP <- max(RCV.UP, SEG.UP), @up being SEG.UP. */
static void ltcp_urg_pointer(struct sock *sk, u32 up)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 byte_seq = up - 1;	/* RFC 6093: one past the urgent byte */

	/* Consumed already, or no further than the one we know: a
	 * retransmission or a repeat, no news for the user.
	 */
	if (ltcp_before(byte_seq, tp->copied_seq))
		return;
	if (tp->urg_data && !ltcp_after(byte_seq, tp->urg_seq))
		return;

	/* "signal the user that the remote side has urgent data": at once,
	 * before the byte itself may have arrived.
	 */
	sk_send_sigurg(sk);
	if (tp->urg_data && tp->urg_seq == tp->copied_seq &&
	    tp->copied_seq != tp->rcv_nxt && !sock_flag(sk, SOCK_URGINLINE))
		ltcp_urg_drop_old(sk);
	WRITE_ONCE(tp->urg_seq, byte_seq);
	WRITE_ONCE(tp->urg_data, TCP_URG_NOTYET);
	if (ltcp_before(byte_seq, tp->rcv_nxt))
		ltcp_urg_take_queued(sk);
}

/**
 * ltcp_urg_rcv() - RFC 9293 3.10.7.4, sixth: check the URG bit of an
 *	acceptable segment in ESTABLISHED, FIN-WAIT-1 or FIN-WAIT-2
 * @sk: the socket
 * @skb: the segment, its TCP header still in front
 *
 * Remembers the urgent byte's sequence number, and the byte once a
 * segment brings it; readers and poll() are woken when it is here
 * (POLLPRI).
 */
void ltcp_urg_rcv(struct sock *sk, const struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 seq = LTCP_SKB_CB(skb)->seq;

	if (th->urg)
		ltcp_urg_pointer(sk, seq + ntohs(th->urg_ptr));
	if (tp->urg_data == TCP_URG_NOTYET &&
	    ltcp_urg_take(sk, skb, seq, th->doff * 4) &&
	    !sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
}

/**
 * ltcp_urg_recv() - recv(MSG_OOB): the urgent byte, out of band
 * @sk: the socket, owned by the caller
 * @msg: where to
 * @len: room the caller gave
 * @flags: MSG_PEEK leaves the byte to read again, MSG_TRUNC copies nothing
 *
 * Return: 1 (0 with MSG_TRUNC set in msg_flags when @len is 0), 0 when the
 *	announced byte can no longer come, -EINVAL when there is no urgent
 *	byte to read (none, read already, or SO_OOBINLINE: tcp(7)), -ENOTCONN
 *	after a reset, -EAGAIN when it is announced but not here yet (never
 *	waits), -EFAULT.
 */
int ltcp_urg_recv(struct sock *sk, struct msghdr *msg, size_t len, int flags)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u16 data = tp->urg_data;
	u8 byte = data & 0xff;

	if (sock_flag(sk, SOCK_URGINLINE) || !data || data == TCP_URG_READ)
		return -EINVAL;
	if (sk->sk_state == TCP_CLOSE && !sock_flag(sk, SOCK_DONE))
		return -ENOTCONN;
	if (!(data & TCP_URG_VALID)) {
		if (sk->sk_state == TCP_CLOSE ||
		    (sk->sk_shutdown & RCV_SHUTDOWN))
			return 0;
		return -EAGAIN;
	}
	if (!(flags & MSG_PEEK))
		WRITE_ONCE(tp->urg_data, TCP_URG_READ);
	msg->msg_flags |= MSG_OOB;
	if (!len) {
		msg->msg_flags |= MSG_TRUNC;
		return 0;
	}
	if (!(flags & MSG_TRUNC) && memcpy_to_msg(msg, &byte, 1))
		return -EFAULT;
	return 1;
}

/**
 * ltcp_urg_send() - send(MSG_OOB): the last byte written is urgent
 * @sk: the socket, owned by the caller, after the write's data was queued
 *
 * RFC 9293 3.10.2 (SEND with the urgent flag): SND.UP <- the end of the
 * data, and every segment before it carries the pointer (RFC 6093: one
 * past the urgent byte, as Linux sends it).
 */
void ltcp_urg_send(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->snd_up = tp->write_seq;
	ltcp_sk(sk)->urg_mode = 1;
}

/**
 * ltcp_urg_acked() - SND.UNA moved: the urgent byte acknowledged ends
 *	urgent mode
 * @sk: the socket
 */
void ltcp_urg_acked(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (ltcp_sk(sk)->urg_mode && !ltcp_before(tp->snd_una, tp->snd_up))
		ltcp_sk(sk)->urg_mode = 0;
}

/**
 * ltcp_urg_xmit_ptr() - the urgent pointer of a segment we send
 * @sk: the socket
 * @seq: the segment's sequence number
 *
 * A pointer too far for 16 bits is sent as 0xFFFF, but only while the byte
 * it would name is not sent yet: later segments move it on before that
 * byte arrives, so the receiver never takes an ordinary byte for the
 * urgent one (a retransmission that far back goes without URG).
 *
 * Return: the pointer, or 0 for no URG flag.
 */
u16 ltcp_urg_xmit_ptr(const struct sock *sk, u32 seq)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 dist = tp->snd_up - seq;

	if (!ltcp_sk(sk)->urg_mode || !ltcp_before(seq, tp->snd_up))
		return 0;
	if (dist <= U16_MAX)
		return dist;
	if (ltcp_after(seq + U16_MAX, tp->snd_nxt))
		return U16_MAX;
	return 0;
}
