/*
 * Unit tests of the GDB remote protocol layer (gdb_rsp.c), with no KVM:
 * the client is the other end of a socketpair, written and read by the
 * test, and the target is a fake one whose memory is a guest_mem view of
 * plain host memory (the accessor simple-kvm's stub uses), so that an
 * address a client names is checked exactly as under KVM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "gdb_rsp.h"
#include "guest_mem.h"

#define RAM_SIZE   (64 * 1024)
#define REGS_SIZE  16

/* The fake target: RAM, registers, and the last breakpoint request. */
static struct {
	struct guest_mem mem;
	uint8_t regs[REGS_SIZE];
	enum rsp_break_type break_type;
	uint64_t break_addr, break_kind;
	bool break_insert;
	int break_calls;
} target;

static int client_fd;           /* the test's end: gdb's side */
static struct rsp_conn conn;    /* the stub's end */
static struct rsp_session session;

static bool identity(void *ctx, uint64_t gva, uint64_t *gpa)
{
	(void)ctx;
	*gpa = gva;
	return true;
}

static bool read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	return gva_read_wide(&target.mem, addr, buf, len) == GM_OK;
}

static bool write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	return gva_write_wide(&target.mem, addr, buf, len) == GM_OK;
}

static void read_regs(void *ctx, uint8_t *regs)
{
	(void)ctx;
	memcpy(regs, target.regs, REGS_SIZE);
}

static void write_regs(void *ctx, const uint8_t *regs)
{
	(void)ctx;
	memcpy(target.regs, regs, REGS_SIZE);
}

static bool set_break(void *ctx, enum rsp_break_type type, uint64_t addr,
		      uint64_t kind, bool insert)
{
	(void)ctx;
	target.break_type = type;
	target.break_addr = addr;
	target.break_kind = kind;
	target.break_insert = insert;
	target.break_calls++;
	return addr < RAM_SIZE;
}

static const struct rsp_target_ops ops = {
	read_mem, write_mem, read_regs, write_regs, set_break,
};

static const char xml[] = "<target><architecture>i386</architecture></target>";

/* A fresh connection and target for each case. */
static void fresh(bool watchpoints)
{
	static uint8_t *ram;
	int fds[2];
	struct rsp_target t = {
		.ops = &ops, .xml = xml, .regs_size = REGS_SIZE,
		.watchpoints = watchpoints,
	};

	if (!ram)
		ram = malloc(RAM_SIZE);
	if (client_fd > 0) {
		close(client_fd);
		close(conn.fd);
	}
	if (!ram || socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0)
		abort();
	for (int i = 0; i < RAM_SIZE; i++)
		ram[i] = (uint8_t)i;
	memset(&target, 0, sizeof(target));
	target.mem = (struct guest_mem){ .ram = ram, .ram_size = RAM_SIZE,
					 .translate = identity };
	for (int i = 0; i < REGS_SIZE; i++)
		target.regs[i] = (uint8_t)(0xa0 + i);
	client_fd = fds[0];
	rsp_conn_init(&conn, fds[1]);
	rsp_session_init(&session, &t);
}

static void client_sends(const char *bytes, size_t len)
{
	if (write(client_fd, bytes, len) != (ssize_t)len)
		abort();
}

/* What the stub has sent to the client so far (NUL-terminated). */
static const char *client_reads(void)
{
	static char got[4 * RSP_PACKET_MAX];
	ssize_t n = recv(client_fd, got, sizeof(got) - 1, MSG_DONTWAIT);

	got[n > 0 ? n : 0] = '\0';
	return got;
}

/* Frames payload as gdb would (no escapes needed in these cases). */
static void client_sends_packet(const char *payload)
{
	char framed[2 * RSP_PACKET_MAX + 4];
	size_t len = rsp_frame(payload, strlen(payload), framed);

	client_sends(framed, len);
}

/* One packet through rsp_recv and rsp_handle; the reply's payload. */
static enum rsp_action exchange(const char *payload, char *reply,
				size_t *reply_len)
{
	char pkt[RSP_PACKET_MAX];
	size_t len;
	enum rsp_event ev;

	client_sends_packet(payload);
	ev = rsp_recv(&conn, pkt, sizeof(pkt), &len);
	CHECK(ev == RSP_EV_PACKET, "event %d for %s", ev, payload);
	CHECK_TEXT("packet", pkt, len, payload);
	return rsp_handle(&session, pkt, len, reply, reply_len);
}

/* The reply to payload, as text ("" for an empty reply). */
static const char *reply_to(const char *payload)
{
	static char reply[RSP_PACKET_MAX + 1];
	size_t len;

	exchange(payload, reply, &len);
	if (len == SIZE_MAX)
		len = 0;
	reply[len] = '\0';
	return reply;
}

static void check_reply_at(const char *payload, const char *expected,
			   const char *file, int line)
{
	const char *reply = reply_to(payload);

	check_bytes_at(payload, reply, strlen(reply), expected,
		       strlen(expected), file, line);
}

#define CHECK_REPLY(payload, expected) \
	check_reply_at((payload), (expected), __FILE__, __LINE__)

/* ---- framing ---- */

static void frame_has_checksum(void)
{
	char out[16];
	size_t len = rsp_frame("OK", 2, out);

	CHECK_TEXT("OK framed", out, len, "$OK#9a");
	len = rsp_frame("", 0, out);
	CHECK_TEXT("empty framed", out, len, "$#00");
}

static void frame_escapes_special_bytes(void)
{
	char out[32];
	size_t len = rsp_frame("a$b#c}d*", 8, out);

	/* Each of $ # } * becomes } and the byte xor 0x20. */
	CHECK_TEXT("escaped", out, len - 3, "$a}\x04" "b}\x03" "c}]d}\x0a");
}

static void frame_run_length_encodes(void)
{
	char out[64];
	size_t len = rsp_frame("0000000000", 10, out);

	/* '0' then 9 more: "*" and 9 + 29 = '&'. */
	CHECK_TEXT("run", out, len - 3, "$0*&");
	/* Six repeats would be '#' (35): sent as five, then one more. */
	len = rsp_frame("xxxxxxx", 7, out);
	CHECK_TEXT("run of 7", out, len - 3, "$x*\"x");
	len = rsp_frame("xxx", 3, out);
	CHECK_TEXT("too short to encode", out, len - 3, "$xxx");
}

static void recv_acks_and_decodes(void)
{
	char pkt[64];
	size_t len;

	fresh(false);
	/* Noise and acks before the packet are skipped. */
	client_sends("++xy$m0,4#fd", 12);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET, "packet");
	CHECK_TEXT("payload", pkt, len, "m0,4");
	CHECK_TEXT("ack", client_reads(), 1, "+");
}

static void recv_undoes_escapes_and_runs(void)
{
	char pkt[64], framed[64];
	size_t len, framed_len;

	fresh(false);
	framed_len = rsp_frame("X}#$*0000000", 12, framed);
	client_sends(framed, framed_len);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET, "packet");
	CHECK_TEXT("decoded", pkt, len, "X}#$*0000000");
}

static void recv_naks_a_bad_checksum(void)
{
	char pkt[64];
	size_t len;

	fresh(false);
	client_sends("$g#00$g#67", 10);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET, "packet");
	CHECK_TEXT("the good one", pkt, len, "g");
	CHECK_TEXT("nak then ack", client_reads(), 2, "-+");
}

static void recv_survives_malformed_packets(void)
{
	char pkt[64];
	size_t len;

	fresh(false);
	/* Checksum not hex; a packet cut short by a new '$'; a bad run. */
	client_sends("$g#zz", 5);
	client_sends("$m0,$g#67", 9);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET, "packet");
	CHECK_TEXT("after the cut", pkt, len, "g");
	client_sends("$*!#4b", 6);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_TOO_LONG,
	      "a run with nothing to repeat is refused");
}

static void recv_refuses_a_packet_larger_than_the_buffer(void)
{
	char pkt[16], big[200];
	size_t len;

	fresh(false);
	memset(big, 'M', sizeof(big));
	client_sends_packet("");        /* keeps the stream framed */
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET, "empty");
	{
		char framed[2 * sizeof(big) + 4];
		size_t n = rsp_frame(big, sizeof(big), framed);

		client_sends(framed, n);
	}
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_TOO_LONG,
	      "too long");
	CHECK(len < sizeof(pkt), "length within the buffer: %zu", len);
	client_sends_packet("g");
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET,
	      "the next packet is read");
	CHECK_TEXT("next", pkt, len, "g");
}

static void recv_reports_interrupt_and_close(void)
{
	char pkt[16];
	size_t len;

	fresh(false);
	client_sends("\x03", 1);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_INTERRUPT, "^C");
	client_sends("$m0", 3);
	close(client_fd);
	client_fd = -1;
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_CLOSED,
	      "closed in the middle of a packet");
}

/* While the guest runs: Ctrl-C stops it, a client gone is seen at once,
 * and silence does not block. */
static void poll_while_running(void)
{
	fresh(false);
	CHECK(rsp_poll(&conn) == RSP_EV_NONE, "nothing yet");
	client_sends("+\x03", 2);
	CHECK(rsp_poll(&conn) == RSP_EV_INTERRUPT, "^C");
	CHECK(rsp_poll(&conn) == RSP_EV_NONE, "^C is consumed");
	close(client_fd);
	client_fd = -1;
	CHECK(rsp_poll(&conn) == RSP_EV_CLOSED, "client gone mid-run");
}

static void send_resends_after_a_nak(void)
{
	char pkt[16];
	size_t len;

	fresh(false);
	rsp_send(&conn, "OK", 2);
	CHECK_TEXT("sent", client_reads(), 6, "$OK#9a");
	client_sends("-$g#67", 6);
	CHECK(rsp_recv(&conn, pkt, sizeof(pkt), &len) == RSP_EV_PACKET, "packet");
	CHECK_TEXT("resent, then the ack", client_reads(), 7, "$OK#9a+");
}

static void no_ack_mode_stops_acks(void)
{
	fresh(false);
	CHECK_REPLY("QStartNoAckMode", "OK");
	conn.no_ack = session.no_ack_asked;
	client_reads();
	CHECK_REPLY("?", "S05");
	CHECK_TEXT("no ack", client_reads(), 0, "");
}

/* ---- packets ---- */

static void memory_reads_are_checked(void)
{
	fresh(false);
	CHECK_REPLY("m10,4", "10111213");
	CHECK_REPLY("mfffe,2", "feff");
	CHECK_REPLY("mffff,2", "E01");           /* runs past RAM */
	CHECK_REPLY("m10000,1", "E01");          /* outside RAM */
	CHECK_REPLY("mffffffff,2", "E01");       /* wraps 4 GiB */
	CHECK_REPLY("mffffffffffffffff,1", "E01");
	CHECK_REPLY("m10000000000000000,1", "E01"); /* 17 digits */
	CHECK_REPLY("m10", "E01");
	CHECK_REPLY("m,4", "E01");
	CHECK_REPLY("m10,4x", "E01");
	CHECK_REPLY("m0,0", "");
}

static void a_long_read_is_cut_to_the_packet_size(void)
{
	const char *reply;

	fresh(false);
	reply = reply_to("m0,ffffffffffffffff");
	CHECK(strlen(reply) == RSP_PACKET_MAX, "reply of %zu bytes",
	      strlen(reply));
}

static void memory_writes_are_checked(void)
{
	fresh(false);
	CHECK_REPLY("M20,2:abcd", "OK");
	CHECK_REPLY("m20,2", "abcd");
	CHECK_REPLY("M20,2:abc", "E01");         /* odd digits */
	CHECK_REPLY("M20,2:abcdef", "E01");      /* more than the length */
	CHECK_REPLY("M20,2:zzzz", "E01");
	CHECK_REPLY("Mffff,2:0000", "E01");      /* runs past RAM */
	CHECK_REPLY("mffff,1", "ff");            /* and wrote nothing */
	CHECK_REPLY("M10000,1:00", "E01");
}

static void registers_read_and_write(void)
{
	fresh(false);
	CHECK_REPLY("g", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
	CHECK_REPLY("G000102030405060708090a0b0c0d0e0f", "OK");
	CHECK(target.regs[15] == 0x0f, "register bytes written");
	CHECK_REPLY("G0001", "E01");             /* too short */
	CHECK_REPLY("G000102030405060708090a0b0c0d0e0f00", "E01");
}

static void breakpoints_reach_the_target(void)
{
	fresh(false);
	CHECK_REPLY("Z0,1000,1", "OK");
	CHECK(target.break_type == RSP_BREAK_SW && target.break_addr == 0x1000 &&
	      target.break_insert, "Z0 inserted");
	CHECK_REPLY("z1,1000,1", "OK");
	CHECK(target.break_type == RSP_BREAK_HW && !target.break_insert,
	      "z1 removed");
	CHECK_REPLY("Z0,20000,1", "E01");        /* the target refused */
	CHECK_REPLY("Z0,1000", "E01");
	CHECK_REPLY("Z9,1000,1", "");
}

static void watchpoints_only_where_offered(void)
{
	fresh(false);
	CHECK_REPLY("Z2,1000,4", "");
	CHECK(target.break_calls == 0, "not passed on");
	fresh(true);
	CHECK_REPLY("Z2,1000,4", "OK");
	CHECK(target.break_type == RSP_WATCH_WRITE && target.break_kind == 4,
	      "Z2 passed on");
	CHECK_REPLY("Z4,1000,8", "OK");
}

static void queries(void)
{
	fresh(false);
	CHECK_REPLY("qSupported:multiprocess+;swbreak+",
		    "PacketSize=1000;qXfer:features:read+;QStartNoAckMode+");
	CHECK_REPLY("qAttached", "1");
	CHECK_REPLY("qXfer:features:read:target.xml:0,10",
		    "m<target><archite");
	CHECK_REPLY("qXfer:features:read:target.xml:10,1000",
		    "lcture>i386</architecture></target>");
	CHECK_REPLY("qXfer:features:read:target.xml:1000,10", "l");
	CHECK_REPLY("qXfer:features:read:other.xml:0,10", "E00");
	CHECK_REPLY("qTStatus", "");
	CHECK_REPLY("vMustReplyEmpty", "");
	CHECK_REPLY("?", "S05");
	CHECK_REPLY("Hg0", "OK");
	CHECK_REPLY("X0,0:", "");
}

static void resume_detach_kill(void)
{
	char reply[RSP_PACKET_MAX];
	size_t len;

	fresh(false);
	CHECK(exchange("c", reply, &len) == RSP_CONTINUE && len == SIZE_MAX,
	      "c: continue, no reply");
	CHECK(exchange("s", reply, &len) == RSP_STEP, "s: step");
	CHECK(exchange("C02", reply, &len) == RSP_CONTINUE,
	      "C: continue, the signal dropped");
	CHECK(exchange("S0b", reply, &len) == RSP_STEP, "S: step");
	CHECK(exchange("c1000", reply, &len) == RSP_STAY, "c ADDR refused");
	CHECK_TEXT("c ADDR", reply, len, "E01");
	CHECK(exchange("D", reply, &len) == RSP_DETACH, "D");
	CHECK_TEXT("D", reply, len, "OK");
	CHECK(exchange("k", reply, &len) == RSP_KILL && len == SIZE_MAX, "k");
}

static const struct check_case cases[] = {
#define CASE(name) { #name, name }
	CASE(frame_has_checksum),
	CASE(frame_escapes_special_bytes),
	CASE(frame_run_length_encodes),
	CASE(recv_acks_and_decodes),
	CASE(recv_undoes_escapes_and_runs),
	CASE(recv_naks_a_bad_checksum),
	CASE(recv_survives_malformed_packets),
	CASE(recv_refuses_a_packet_larger_than_the_buffer),
	CASE(recv_reports_interrupt_and_close),
	CASE(poll_while_running),
	CASE(send_resends_after_a_nak),
	CASE(no_ack_mode_stops_acks),
	CASE(memory_reads_are_checked),
	CASE(a_long_read_is_cut_to_the_packet_size),
	CASE(memory_writes_are_checked),
	CASE(registers_read_and_write),
	CASE(breakpoints_reach_the_target),
	CASE(watchpoints_only_where_offered),
	CASE(queries),
	CASE(resume_detach_kill),
#undef CASE
};

int main(int argc, char **argv)
{
	return check_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
