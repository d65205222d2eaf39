/*
 * libFuzzer target: a gdb client's byte stream, as hostile as it likes,
 * into the stub's protocol layer (gdb_rsp.c): framing, then each packet
 * answered against a fake target whose memory is a guest_mem view of a
 * heap block exactly the size of guest RAM (ASan sees any byte outside
 * it). Judged: no crash or sanitizer report, every reply within
 * RSP_PACKET_MAX, every memory access the layer asks for within one
 * packet's worth and inside guest RAM when it is allowed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb_rsp.h"
#include "guest_mem.h"

#define RAM_SIZE  (64 * 1024)
#define REGS_SIZE 164           /* the x86-64 layout's general part */

static struct guest_mem mem;
static uint8_t regs[REGS_SIZE];

static bool identity(void *ctx, uint64_t gva, uint64_t *gpa)
{
	(void)ctx;
	*gpa = gva;
	return true;
}

static void judge(bool ok)
{
	if (!ok)
		abort();
}

static bool read_mem(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	judge(len <= RSP_PACKET_MAX / 2);
	return gva_read_wide(&mem, addr, buf, len) == GM_OK;
}

static bool write_mem(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	judge(len <= RSP_PACKET_MAX / 2);
	return gva_write_wide(&mem, addr, buf, len) == GM_OK;
}

static void read_regs(void *ctx, uint8_t *out)
{
	(void)ctx;
	memcpy(out, regs, REGS_SIZE);
}

static void write_regs(void *ctx, const uint8_t *in)
{
	(void)ctx;
	memcpy(regs, in, REGS_SIZE);
}

static bool set_break(void *ctx, enum rsp_break_type type, uint64_t addr,
		      uint64_t kind, bool insert)
{
	(void)ctx, (void)kind, (void)insert;
	judge(type <= RSP_WATCH_ACCESS);
	return addr < RAM_SIZE;
}

static const struct rsp_target_ops ops = {
	read_mem, write_mem, read_regs, write_regs, set_break,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char pkt[RSP_PACKET_MAX], reply[RSP_PACKET_MAX];
	struct rsp_target target = {
		.ops = &ops, .xml = "<target/>", .regs_size = REGS_SIZE,
		.watchpoints = size % 2,
	};
	struct rsp_session session;
	struct rsp_conn conn;
	enum rsp_event ev;
	size_t len, reply_len;
	int fds[2];

	if (!mem.ram) {
		mem = (struct guest_mem){ .ram = malloc(RAM_SIZE),
					  .ram_size = RAM_SIZE,
					  .translate = identity };
		judge(mem.ram != NULL);
	}
	/* The client writes everything and goes: replies fail, never block. */
	judge(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
	judge(write(fds[0], data, size) == (ssize_t)size);
	close(fds[0]);
	rsp_conn_init(&conn, fds[1]);
	rsp_session_init(&session, &target);
	while ((ev = rsp_recv(&conn, pkt, sizeof(pkt), &len)) != RSP_EV_CLOSED) {
		judge(len < sizeof(pkt));
		if (ev != RSP_EV_PACKET)
			continue;
		rsp_handle(&session, pkt, len, reply, &reply_len);
		judge(reply_len <= RSP_PACKET_MAX || reply_len == SIZE_MAX);
		if (reply_len != SIZE_MAX)
			rsp_send(&conn, reply, reply_len);
		conn.no_ack = session.no_ack_asked;
	}
	close(fds[1]);
	return 0;
}
