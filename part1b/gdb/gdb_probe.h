/*
 * What this KVM delivers to a debugger, asked of throwaway probe VMs
 * (../probe.h) before gdb connects, so that the stub offers only what
 * works and says so (SPEC §3.6). Execute and data breakpoints in the debug
 * registers, and int3 with KVM_GUESTDBG_USE_SW_BP, each work on some KVMs
 * and not on others; only single-step works everywhere.
 */
#ifndef GDB_PROBE_H
#define GDB_PROBE_H

#include <stdbool.h>

struct gdb_kvm_caps {
	bool dr_exec;           /* execute breakpoints in DR0-3 fire */
	bool watchpoints;       /* write breakpoints in DR0-3 fire */
	bool int3_caught;       /* a 0xCC comes back to the hypervisor */
};

/* Probes the KVM behind kvm_fd for a guest in mode ('r', 's', 'p', 'l'). */
void gdb_probe_kvm(int kvm_fd, char mode, struct gdb_kvm_caps *caps);

#endif /* GDB_PROBE_H */
