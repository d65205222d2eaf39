/*
 * The KVM side of simple-kvm's GDB stub (see gdb_stub.h): gdb's requests
 * become vCPU ioctls, and debug exits become stop replies.
 *
 * Breakpoints. The four debug registers come first (KVM_GUESTDBG_USE_HW_BP
 * works in every mode on every KVM). Beyond them, where the KVM hands int3
 * back to us (protected and long mode: KVM_EXIT_DEBUG exception 3 on
 * upstream KVM, KVM_EXIT_INTERNAL_ERROR with rip on the 0xCC on kvm-pvm)
 * a 0xCC is written over the instruction; in real mode int3 may go to the
 * guest's own IVT instead, so there the vCPU is single-stepped and each
 * stop's address compared with the breakpoints.
 *
 * Steps. KVM_GUESTDBG_SINGLESTEP gives one debug exit per instruction, but
 * a step over port I/O differs between KVMs: upstream KVM returns the I/O
 * exit with rip still on the instruction and ends the step at the next
 * KVM_RUN; kvm-pvm may return it with rip already past an `out`, and its
 * next KVM_RUN would run one more instruction. So after an I/O exit in a
 * step the stub reads rip: moved means the step is over. A step onto
 * `hlt` runs without single-stepping (kvm-pvm would step past the halt).
 *
 * Ctrl-C. gdb sends 0x03 while the guest runs. The socket raises SIGIO
 * (O_ASYNC); SIGIO is blocked everywhere except inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK), so it ends KVM_RUN with KVM_EXIT_INTR and can
 * never interrupt anything else. No thread, no timer, and no cost while
 * gdb is silent. When the session ends (detach, the guest's end) KVM_RUN
 * gets the thread's own mask back, so no SIGIO, pending or late, can end
 * a run without gdb.
 *
 * None of the exits the debugger causes is a guest exit: the run loop
 * neither counts nor logs an exit this file claims.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb_regs.h"
#include "gdb_rsp.h"
#include "gdb_stub.h"
#include "gdb_probe.h"
#include "kvm_vm.h"
#include "x86.h"

#define DR_SLOTS        4
#define SW_BREAKS_MAX   64
#define DR6_HITS        0xfu

/* gdb's signal numbers (not the host's). */
enum { GDB_SIGINT = 2, GDB_SIGILL = 4, GDB_SIGTRAP = 5, GDB_SIGBUS = 10,
       GDB_SIGSEGV = 11 };

struct dr_slot {
	bool used;
	enum rsp_break_type type;
	uint64_t addr;
	unsigned len;
};

struct sw_break {
	uint64_t addr;
	uint8_t saved;          /* the byte under the 0xCC */
	bool planted;           /* 0xCC written; else found by stepping */
};

struct gdb_stub {
	int kvm_fd;
	const struct vcpu *vcpu;        /* the vCPU being debugged */
	struct guest_mem mem;           /* checked access; translates with KVM */
	char mode;                      /* 'r', 's', 'p' or 'l' */
	enum gdb_arch arch;
	struct rsp_conn conn;
	struct rsp_session session;
	bool detached;          /* no gdb any more: every hook does nothing */
	bool dr_exec;           /* execute breakpoints in DR0-3 fire */
	bool int3_caught;       /* a 0xCC comes back to the stub */
	struct dr_slot dr[DR_SLOTS];
	struct sw_break sw[SW_BREAKS_MAX];
	unsigned nsw;
	bool stepping;          /* gdb asked for one instruction */
	bool single_stepping;   /* KVM steps: for gdb, or to find breakpoints */
	uint64_t step_from;     /* linear address the current step began at */
	sigset_t sigio;
	char pkt[RSP_PACKET_MAX], reply[RSP_PACKET_MAX];
};

/* ---- the vCPU ---- */

static void get_regs(struct gdb_stub *g, struct kvm_regs *regs,
		     struct kvm_sregs *sregs)
{
	if (!vcpu_try_get_regs(g->vcpu, regs) ||
	    !vcpu_try_get_sregs(g->vcpu, sregs))
		err(1, "gdb stub: reading the registers");
}

/* cs.base + rip: where breakpoints and debug exits point. */
static uint64_t linear_pc(struct gdb_stub *g)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	get_regs(g, &regs, &sregs);
	return sregs.cs.base + regs.rip;
}

static bool in_range(uint64_t addr, uint64_t start, size_t len)
{
	return addr >= start && addr - start < len;
}

/* Guest memory as gdb names it, checked like a hypercall's argument. */
static bool read_guest(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct gdb_stub *g = ctx;

	if (gva_read_wide(&g->mem, addr, buf, len) != GM_OK)
		return false;
	/* gdb sees the instructions, not the 0xCC standing in for them. */
	for (unsigned i = 0; i < g->nsw; i++)
		if (g->sw[i].planted && in_range(g->sw[i].addr, addr, len))
			((uint8_t *)buf)[g->sw[i].addr - addr] = g->sw[i].saved;
	return true;
}

static bool write_byte(struct gdb_stub *g, uint64_t addr, uint8_t byte)
{
	return gva_write_wide(&g->mem, addr, &byte, 1) == GM_OK;
}

static bool write_guest(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct gdb_stub *g = ctx;

	if (gva_write_wide(&g->mem, addr, buf, len) != GM_OK)
		return false;
	/* A write over a planted breakpoint changes the byte under it. */
	for (unsigned i = 0; i < g->nsw; i++) {
		struct sw_break *bp = &g->sw[i];

		if (bp->planted && in_range(bp->addr, addr, len)) {
			bp->saved = ((const uint8_t *)buf)[bp->addr - addr];
			write_byte(g, bp->addr, OPCODE_INT3);
		}
	}
	return true;
}

static void read_registers(void *ctx, uint8_t *out)
{
	struct gdb_stub *g = ctx;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;

	get_regs(g, &regs, &sregs);
	if (ioctl(g->vcpu->fd, KVM_GET_FPU, &fpu) < 0)
		memset(&fpu, 0, sizeof(fpu));
	gdb_regs_pack(g->arch, &regs, &sregs, &fpu, out);
}

static void write_registers(void *ctx, const uint8_t *in)
{
	struct gdb_stub *g = ctx;
	struct kvm_regs regs;

	if (!vcpu_try_get_regs(g->vcpu, &regs))
		err(1, "gdb stub: KVM_GET_REGS");
	gdb_regs_unpack(g->arch, in, &regs);
	if (!vcpu_try_set_regs(g->vcpu, &regs))
		err(1, "gdb stub: KVM_SET_REGS");
}

/* ---- breakpoints and watchpoints ---- */

static bool add_dr(struct gdb_stub *g, enum rsp_break_type type,
		   uint64_t addr, unsigned len)
{
	for (int i = 0; i < DR_SLOTS; i++) {
		if (!g->dr[i].used) {
			g->dr[i] = (struct dr_slot){ true, type, addr, len };
			return true;
		}
	}
	return false;
}

static bool remove_dr(struct gdb_stub *g, enum rsp_break_type type,
		      uint64_t addr)
{
	for (int i = 0; i < DR_SLOTS; i++) {
		if (g->dr[i].used && g->dr[i].type == type &&
		    g->dr[i].addr == addr) {
			g->dr[i].used = false;
			return true;
		}
	}
	return false;
}

static bool add_sw(struct gdb_stub *g, uint64_t addr)
{
	struct sw_break bp = { .addr = addr };

	if (g->dr_exec && add_dr(g, RSP_BREAK_SW, addr, 1))
		return true;
	if (g->nsw == SW_BREAKS_MAX)
		return false;
	if (g->int3_caught) {
		if (!read_guest(g, addr, &bp.saved, 1) ||
		    !write_byte(g, addr, OPCODE_INT3))
			return false;
		bp.planted = true;
	}
	g->sw[g->nsw++] = bp;
	return true;
}

static bool remove_sw(struct gdb_stub *g, uint64_t addr)
{
	if (remove_dr(g, RSP_BREAK_SW, addr))
		return true;
	for (unsigned i = 0; i < g->nsw; i++) {
		if (g->sw[i].addr != addr)
			continue;
		if (g->sw[i].planted)
			write_byte(g, addr, g->sw[i].saved);
		g->sw[i] = g->sw[--g->nsw];
		return true;
	}
	return false;
}

/* A data breakpoint covers 1, 2, 4 or (in long mode) 8 aligned bytes. */
static bool watch_len_ok(const struct gdb_stub *g, uint64_t addr, uint64_t len)
{
	bool size_ok = len == 1 || len == 2 || len == 4 ||
		       (len == 8 && g->arch == GDB_ARCH_X86_64);

	return size_ok && addr % len == 0;
}

static bool set_break(void *ctx, enum rsp_break_type type, uint64_t addr,
		      uint64_t kind, bool insert)
{
	struct gdb_stub *g = ctx;

	switch (type) {
	case RSP_BREAK_SW:
		return insert ? add_sw(g, addr) : remove_sw(g, addr);
	case RSP_BREAK_HW:
		if (!insert)
			return remove_dr(g, type, addr);
		return g->dr_exec && add_dr(g, type, addr, 1);
	default:
		if (!insert)
			return remove_dr(g, type, addr);
		return watch_len_ok(g, addr, kind) &&
		       add_dr(g, type, addr, (unsigned)kind);
	}
}

static const struct rsp_target_ops stub_ops = {
	.read_mem = read_guest,
	.write_mem = write_guest,
	.read_regs = read_registers,
	.write_regs = write_registers,
	.set_break = set_break,
};

/* DR7: enable bit, access type and length of each used slot. */
static uint64_t dr7_of(const struct gdb_stub *g)
{
	static const unsigned len_bits[9] = { [2] = 1, [4] = 3, [8] = 2 };
	uint64_t dr7 = 0;

	for (int i = 0; i < DR_SLOTS; i++) {
		const struct dr_slot *slot = &g->dr[i];
		unsigned rw = 0;        /* execute */

		if (!slot->used)
			continue;
		if (slot->type == RSP_WATCH_WRITE)
			rw = 1;
		else if (slot->type >= RSP_WATCH_READ) /* x86 has no read-only */
			rw = 3;
		dr7 |= UINT64_C(1) << (2 * i) |
		       (uint64_t)rw << (16 + 4 * i) |
		       (uint64_t)len_bits[slot->len] << (18 + 4 * i);
	}
	return dr7;
}

static bool emulated_break_at(const struct gdb_stub *g, uint64_t pc)
{
	for (unsigned i = 0; i < g->nsw; i++)
		if (!g->sw[i].planted && g->sw[i].addr == pc)
			return true;
	return false;
}

static bool at_hlt(struct gdb_stub *g, uint64_t pc)
{
	uint8_t byte;

	return read_guest(g, pc, &byte, 1) && byte == OPCODE_HLT;
}

/* Hands the breakpoints and the step mode to KVM for the next KVM_RUN. */
static void set_guest_debug(struct gdb_stub *g, uint64_t pc)
{
	struct kvm_guest_debug dbg = { .control = KVM_GUESTDBG_ENABLE };
	uint64_t dr7 = dr7_of(g);

	if (dr7) {
		dbg.control |= KVM_GUESTDBG_USE_HW_BP;
		for (int i = 0; i < DR_SLOTS; i++)
			dbg.arch.debugreg[i] = g->dr[i].used ? g->dr[i].addr : 0;
		dbg.arch.debugreg[7] = dr7;
	}
	for (unsigned i = 0; i < g->nsw; i++)
		if (g->sw[i].planted)
			dbg.control |= KVM_GUESTDBG_USE_SW_BP;
	if (g->single_stepping && !at_hlt(g, pc))
		dbg.control |= KVM_GUESTDBG_SINGLESTEP;
	if (ioctl(g->vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		err(1, "gdb stub: KVM_SET_GUEST_DEBUG");
}

/* ---- the session ---- */

static _Noreturn void client_gone(void)
{
	warnx("gdb closed the connection: the guest is stopped");
	exit(1);
}

static void drain_sigio(struct gdb_stub *g)
{
	const struct timespec now = { 0, 0 };

	while (sigtimedwait(&g->sigio, NULL, &now) > 0)
		;
}

/* Serves packets until gdb lets the guest go (or goes). */
static enum rsp_action serve(struct gdb_stub *g)
{
	for (;;) {
		size_t len, reply_len;
		enum rsp_action action;

		switch (rsp_recv(&g->conn, g->pkt, sizeof(g->pkt), &len)) {
		case RSP_EV_CLOSED:
			client_gone();
		case RSP_EV_TOO_LONG:
			rsp_send(&g->conn, "E01", 3);
			continue;
		case RSP_EV_PACKET:
			break;
		default:                /* Ctrl-C while stopped: nothing to do */
			continue;
		}
		action = rsp_handle(&g->session, g->pkt, len, g->reply, &reply_len);
		if (reply_len != SIZE_MAX)
			rsp_send(&g->conn, g->reply, reply_len);
		g->conn.no_ack = g->session.no_ack_asked;
		if (action != RSP_STAY)
			return action;
	}
}

/*
 * No SIGIO can end a KVM_RUN once gdb is gone. A signal the socket raised
 * before the close (gdb closing its end after `detach`, a last Ctrl-C)
 * stays pending, as SIGIO is blocked outside KVM_RUN; were KVM_RUN still
 * to unblock it, every run would end at once with KVM_EXIT_INTR, for
 * good. So KVM_RUN gets the thread's own mask back (SIGIO blocked: a
 * pending one cannot end a run), the socket raises no more, and what is
 * pending is taken.
 */
static void stop_interrupts(struct gdb_stub *g)
{
	int flags = fcntl(g->conn.fd, F_GETFL);

	vcpu_set_signal_mask(g->vcpu, NULL);
	if (flags >= 0)
		fcntl(g->conn.fd, F_SETFL, flags & ~O_ASYNC);
	close(g->conn.fd);
	drain_sigio(g);
}

static void end_session(struct gdb_stub *g)
{
	struct kvm_guest_debug off = { .control = 0 };

	while (g->nsw > 0)
		remove_sw(g, g->sw[0].addr);
	ioctl(g->vcpu->fd, KVM_SET_GUEST_DEBUG, &off);
	stop_interrupts(g);
	g->detached = true;
}

static void resume(struct gdb_stub *g, bool step)
{
	uint64_t pc = linear_pc(g);

	g->stepping = step;
	g->single_stepping = step || (g->nsw > 0 && !g->int3_caught);
	g->step_from = pc;
	drain_sigio(g);         /* packets while stopped raised it too */
	set_guest_debug(g, pc);
}

static void act(struct gdb_stub *g, enum rsp_action action)
{
	switch (action) {
	case RSP_KILL:
		warnx("gdb killed the guest");
		exit(1);
	case RSP_DETACH:
		end_session(g);
		return;
	default:
		resume(g, action == RSP_STEP);
	}
}

static void stop_with(struct gdb_stub *g, const char *reply)
{
	snprintf(g->session.stop_reply, sizeof(g->session.stop_reply), "%s",
		 reply);
	if (!rsp_send(&g->conn, reply, strlen(reply)))
		client_gone();
	act(g, serve(g));
}

static void stop(struct gdb_stub *g, int signal)
{
	char reply[8];

	snprintf(reply, sizeof(reply), "S%02x", signal);
	stop_with(g, reply);
}

static void stop_at_watchpoint(struct gdb_stub *g, const struct dr_slot *slot)
{
	static const char *const kinds[] = {
		[RSP_WATCH_WRITE] = "", [RSP_WATCH_READ] = "r",
		[RSP_WATCH_ACCESS] = "a",
	};
	char reply[64];

	snprintf(reply, sizeof(reply), "T%02x%swatch:%llx;", GDB_SIGTRAP,
		 kinds[slot->type], (unsigned long long)slot->addr);
	stop_with(g, reply);
}

/* The step ended at pc: stop if gdb wanted a step or a breakpoint is here. */
static void step_ended(struct gdb_stub *g, uint64_t pc)
{
	if (g->stepping || emulated_break_at(g, pc)) {
		stop(g, GDB_SIGTRAP);
		return;
	}
	g->step_from = pc;
	if (at_hlt(g, pc))
		set_guest_debug(g, pc);
}

/* An int3 of ours: rip back onto it if the KVM reports it past. */
static void int3_hit(struct gdb_stub *g, uint64_t pc)
{
	struct kvm_regs regs;

	for (unsigned i = 0; i < g->nsw; i++) {
		if (g->sw[i].planted && g->sw[i].addr + 1 == pc &&
		    vcpu_try_get_regs(g->vcpu, &regs)) {
			regs.rip--;
			if (!vcpu_try_set_regs(g->vcpu, &regs))
				err(1, "gdb stub: KVM_SET_REGS");
		}
	}
	stop(g, GDB_SIGTRAP);
}

static void debug_exit(struct gdb_stub *g)
{
	const struct kvm_debug_exit_arch *d = &g->vcpu->run->debug.arch;

	if (d->exception == BP_VECTOR) {
		int3_hit(g, d->pc);
		return;
	}
	for (int i = 0; i < DR_SLOTS; i++) {
		if (!(d->dr6 & DR6_HITS & (1u << i)) || !g->dr[i].used)
			continue;
		if (g->dr[i].type >= RSP_WATCH_WRITE)
			stop_at_watchpoint(g, &g->dr[i]);
		else
			stop(g, GDB_SIGTRAP);
		return;
	}
	step_ended(g, d->pc);
}

/* kvm-pvm's form of a planted int3: an emulation failure on the 0xCC. */
static bool int3_as_internal_error(struct gdb_stub *g)
{
	uint64_t pc;

	if (g->vcpu->run->internal.suberror != KVM_INTERNAL_ERROR_EMULATION)
		return false;
	pc = linear_pc(g);
	for (unsigned i = 0; i < g->nsw; i++) {
		if (g->sw[i].planted && g->sw[i].addr == pc) {
			stop(g, GDB_SIGTRAP);
			return true;
		}
	}
	return false;
}

static void interrupted(struct gdb_stub *g)
{
	drain_sigio(g);
	switch (rsp_poll(&g->conn)) {
	case RSP_EV_INTERRUPT:
		stop(g, GDB_SIGINT);
		break;
	case RSP_EV_CLOSED:
		client_gone();
	default:
		break;
	}
}

bool gdb_stub_claims_exit(struct gdb_stub *g)
{
	if (g->detached)
		return false;
	switch (g->vcpu->run->exit_reason) {
	case KVM_EXIT_INTR:
		interrupted(g);
		return true;
	case KVM_EXIT_DEBUG:
		debug_exit(g);
		return true;
	case KVM_EXIT_INTERNAL_ERROR:
		return int3_as_internal_error(g);
	default:
		return false;
	}
}

void gdb_stub_exit_served(struct gdb_stub *g)
{
	uint64_t pc;

	if (g->detached || !g->single_stepping)
		return;
	pc = linear_pc(g);
	/* Upstream KVM: rip still on the I/O instruction, which completes
	 * (and the step ends) at the next KVM_RUN. */
	if (pc != g->step_from)
		step_ended(g, pc);
}

void gdb_stub_guest_halted(struct gdb_stub *g, int status)
{
	char reply[8];

	if (g->detached)
		return;
	snprintf(reply, sizeof(reply), "W%02x", status & 0xff);
	rsp_send(&g->conn, reply, strlen(reply));
	end_session(g);
}

static int signal_of_exit(uint32_t exit_reason)
{
	switch (exit_reason) {
	case KVM_EXIT_SHUTDOWN: return GDB_SIGSEGV;    /* a triple fault */
	case KVM_EXIT_MMIO:     return GDB_SIGBUS;     /* outside guest RAM */
	default:                return GDB_SIGILL;
	}
}

void gdb_stub_guest_failed(struct gdb_stub *g)
{
	int signal = signal_of_exit(g->vcpu->run->exit_reason);
	char reply[8];
	enum rsp_action action;

	if (g->detached)
		return;
	snprintf(reply, sizeof(reply), "S%02x", signal);
	snprintf(g->session.stop_reply, sizeof(g->session.stop_reply), "%s",
		 reply);
	if (!rsp_send(&g->conn, reply, strlen(reply)))
		client_gone();
	action = serve(g);
	if (action == RSP_CONTINUE || action == RSP_STEP) {
		/* The guest cannot go on: it ends as a process killed by
		 * the signal does. */
		snprintf(reply, sizeof(reply), "X%02x", signal);
		rsp_send(&g->conn, reply, strlen(reply));
	}
	end_session(g);
}

/* ---- attaching ---- */

static int listen_on(uint16_t port, uint16_t *bound)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
		err(1, "--gdb: cannot listen on 127.0.0.1:%u", port);
	*bound = ntohs(addr.sin_port);
	return fd;
}

static int accept_gdb(int listen_fd)
{
	int one = 1, fd;

	while ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		if (errno != EINTR)
			err(1, "--gdb: accept");
	close(listen_fd);
	/* Packets are small and each waits for an answer. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* What the probe found (before gdb connects: a student knows what to
 * expect), then how to connect, the line that says simple-kvm now waits. */
static void say_how_to_connect(const struct gdb_stub *g, uint16_t port,
			       const char *elf, bool watchpoints)
{
	fprintf(stderr, "simple-kvm: gdb stub: breakpoints: %s%s; "
		"watchpoints %s\n", g->dr_exec ? "4 debug registers, then " : "",
		g->int3_caught ? "int3" : "single-stepping",
		watchpoints ? "offered" : "refused (this KVM does not deliver "
		"data breakpoints)");
	fprintf(stderr, "simple-kvm: waiting for gdb on 127.0.0.1:%u: "
		"gdb%s -ex 'target remote 127.0.0.1:%u'%s%s\n", port,
		g->arch == GDB_ARCH_I8086 ?
		" -ex 'set architecture i8086'" : "",
		port, elf ? " " : "", elf ? elf : "");
}

static void no_op(int signal)
{
	(void)signal;
}

/* SIGIO on the socket's input, let through inside KVM_RUN only. */
static void interrupt_on_input(struct gdb_stub *g)
{
	struct sigaction action = { .sa_handler = no_op };
	sigset_t in_run;

	sigemptyset(&g->sigio);
	sigaddset(&g->sigio, SIGIO);
	sigaction(SIGIO, &action, NULL);
	sigprocmask(SIG_BLOCK, &g->sigio, &in_run);
	sigdelset(&in_run, SIGIO);
	vcpu_set_signal_mask(g->vcpu, &in_run);
	if (fcntl(g->conn.fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(g->conn.fd, F_SETFL, fcntl(g->conn.fd, F_GETFL) | O_ASYNC) < 0)
		err(1, "gdb stub: O_ASYNC on the gdb socket");
}

static enum gdb_arch arch_of_mode(char mode)
{
	switch (mode) {
	case 'r': return GDB_ARCH_I8086;
	case 'l': return GDB_ARCH_X86_64;
	default:  return GDB_ARCH_I386;
	}
}

struct gdb_stub *gdb_stub_attach(uint16_t port, const struct gdb_target *t,
				 const char *elf)
{
	struct gdb_stub *g = calloc(1, sizeof(*g));
	struct rsp_target target = { .ops = &stub_ops };
	struct gdb_kvm_caps caps;
	uint16_t bound;
	int listen_fd;

	if (!g)
		err(1, "gdb stub");
	g->kvm_fd = t->vm->kvm_fd;
	g->vcpu = &t->vm->vcpu;
	g->mem = t->mem;
	g->mode = t->mode;
	g->arch = arch_of_mode(t->mode);
	target.ctx = g;
	target.xml = gdb_regs_xml(g->arch);
	target.regs_size = gdb_regs_size(g->arch);
	gdb_probe_kvm(g->kvm_fd, g->mode, &caps);
	g->dr_exec = caps.dr_exec;
	g->int3_caught = caps.int3_caught;
	target.watchpoints = caps.watchpoints;

	listen_fd = listen_on(port, &bound);
	say_how_to_connect(g, bound, elf, target.watchpoints);
	rsp_conn_init(&g->conn, accept_gdb(listen_fd));
	rsp_session_init(&g->session, &target);
	interrupt_on_input(g);
	act(g, serve(g));
	return g;
}
