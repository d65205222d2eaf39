/*
 * The GDB remote serial protocol, as simple-kvm's stub speaks it: packet
 * framing on a socket (checksums, acknowledgements, escapes, run-length
 * encoding) and the meaning of each packet. Nothing here knows KVM: the
 * registers, memory and breakpoints are reached through struct rsp_target,
 * so unit tests and the fuzzer drive this file with plain memory.
 *
 * The client is untrusted like the guest: a packet may be malformed, too
 * long, or name any address; every reply stays within RSP_PACKET_MAX.
 */
#ifndef GDB_RSP_H
#define GDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest packet payload either side sends (qSupported PacketSize). */
#define RSP_PACKET_MAX 4096
#define RSP_REGS_MAX   512      /* bytes of the largest register layout */

/* ---- framing ---- */

struct rsp_conn {
	int fd;
	bool no_ack;                    /* after QStartNoAckMode */
	uint8_t in[RSP_PACKET_MAX];     /* bytes read, not yet consumed */
	size_t in_start, in_end;
	char last[2 * RSP_PACKET_MAX + 4]; /* last framed reply, for a '-' */
	size_t last_len;
};

enum rsp_event {
	RSP_EV_PACKET,          /* a packet with a good checksum */
	RSP_EV_TOO_LONG,        /* a good packet larger than the buffer */
	RSP_EV_INTERRUPT,       /* 0x03 outside a packet: Ctrl-C */
	RSP_EV_CLOSED,          /* the client went away */
	RSP_EV_NONE,            /* rsp_poll only: nothing complete yet */
};

void rsp_conn_init(struct rsp_conn *c, int fd);

/*
 * Waits for the next packet or interrupt. A packet's escapes and
 * run-length encoding are undone into pkt (max bytes, NUL-terminated);
 * one with a bad checksum is answered '-' and skipped.
 */
enum rsp_event rsp_recv(struct rsp_conn *c, char *pkt, size_t max,
			size_t *len);

/* Reads what is there without waiting: RSP_EV_INTERRUPT, _CLOSED or _NONE
 * (a packet arriving while the guest runs is kept for later). */
enum rsp_event rsp_poll(struct rsp_conn *c);

/* Frames payload (escaped, run-length encoded) and sends it. */
bool rsp_send(struct rsp_conn *c, const char *payload, size_t len);

/*
 * Appends the framed form of payload to out (room for 2 * len + 4 bytes)
 * and returns its length: exposed for the unit tests.
 */
size_t rsp_frame(const char *payload, size_t len, char *out);

/* ---- the target ---- */

enum rsp_break_type {
	RSP_BREAK_SW, RSP_BREAK_HW,     /* Z0, Z1 */
	RSP_WATCH_WRITE, RSP_WATCH_READ, RSP_WATCH_ACCESS, /* Z2, Z3, Z4 */
};

/* What the stub asks of the debugged machine; each returns false on
 * refusal. ctx is rsp_target.ctx. */
struct rsp_target_ops {
	bool (*read_mem)(void *ctx, uint64_t addr, void *buf, size_t len);
	bool (*write_mem)(void *ctx, uint64_t addr, const void *buf, size_t len);
	/* Registers in the layout of the target description. */
	void (*read_regs)(void *ctx, uint8_t *regs);
	void (*write_regs)(void *ctx, const uint8_t *regs);
	bool (*set_break)(void *ctx, enum rsp_break_type type, uint64_t addr,
			  uint64_t kind, bool insert);
};

struct rsp_target {
	const struct rsp_target_ops *ops;
	void *ctx;
	const char *xml;        /* target.xml */
	size_t regs_size;       /* bytes of g's reply, at most RSP_REGS_MAX */
	bool watchpoints;       /* offer Z2-Z4 */
};

/* What the client asked the stub to do once a packet is answered. */
enum rsp_action {
	RSP_STAY,               /* keep serving packets */
	RSP_CONTINUE,           /* c */
	RSP_STEP,               /* s */
	RSP_DETACH,             /* D: run on without the debugger */
	RSP_KILL,               /* k */
};

struct rsp_session {
	struct rsp_target target;
	char stop_reply[64];    /* what '?' answers: the last stop */
	bool no_ack_asked;      /* QStartNoAckMode answered, turn acks off */
};

void rsp_session_init(struct rsp_session *s, const struct rsp_target *t);

/*
 * Answers one packet: writes the reply payload into reply (RSP_PACKET_MAX
 * bytes), sets *reply_len, and says what to do next. A reply is sent for
 * every packet but c, s and k (*reply_len is then SIZE_MAX).
 */
enum rsp_action rsp_handle(struct rsp_session *s, const char *pkt,
			   size_t len, char *reply, size_t *reply_len);

#endif /* GDB_RSP_H */
