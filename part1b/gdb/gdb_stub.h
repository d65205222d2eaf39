/*
 * simple-kvm --gdb: the KVM side of the GDB stub. The run loop calls it at
 * four points and otherwise knows nothing of debugging; without --gdb none
 * of it runs.
 *
 *   gdb_stub_attach         before the first KVM_RUN: waits for gdb
 *   gdb_stub_claims_exit    after each KVM_RUN: true when the exit was the
 *                           debugger's (a step, a breakpoint, Ctrl-C), which
 *                           is not a guest exit and is not counted
 *   gdb_stub_exit_served    after a guest exit was served (steps over I/O)
 *   gdb_stub_guest_halted / _failed   the end of the guest, told to gdb
 */
#ifndef GDB_STUB_H
#define GDB_STUB_H

#include <linux/kvm.h>
#include <stdint.h>

#include "guest_mem.h"
#include "kvm_vm.h"

struct gdb_stub;

/* What gdb debugs: the VM (its vCPU; its /dev/kvm, for the probes of
 * gdb_probe.h) and its memory. */
struct gdb_target {
	const struct vm *vm;
	struct guest_mem mem;   /* checked access; translates with KVM */
	char mode;              /* 'r', 's', 'p' or 'l' */
};

/*
 * Listens on 127.0.0.1:port (0: any free port), says on stderr how to
 * connect (with elf, the guest's ELF with its symbols, if known), and
 * serves gdb until it resumes the guest.
 */
struct gdb_stub *gdb_stub_attach(uint16_t port, const struct gdb_target *t,
				 const char *elf);

bool gdb_stub_claims_exit(struct gdb_stub *g);
void gdb_stub_exit_served(struct gdb_stub *g);

/* The guest halted and simple-kvm exits with status: gdb sees an exit. */
void gdb_stub_guest_halted(struct gdb_stub *g, int status);
/* A fatal exit (SPEC §1.4): gdb sees a signal, and may read registers
 * until it continues, detaches or kills. */
void gdb_stub_guest_failed(struct gdb_stub *g);

#endif /* GDB_STUB_H */
