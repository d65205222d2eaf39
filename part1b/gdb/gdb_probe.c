#include <string.h>
#include <sys/ioctl.h>

#include "cpu_modes.h"
#include "gdb_probe.h"
#include "probe.h"
#include "x86.h"

/*
 * kvm-pvm never fires data breakpoints and lets a real-mode int3 go to the
 * guest's IVT; nested SVM in QEMU TCG fires no debug-register breakpoint
 * and never hands int3 back. A probe that is not caught ends in a halt
 * (real mode: the IVT's int3 entry points at a hlt) or a triple fault
 * (protected mode: an empty IDT), never in a loop; the probe's timer
 * bounds it all the same.
 */
#define PROBE_CODE      0x100   /* mov %al,0x500; nop; int3; hlt */
#define PROBE_NOP       0x103
#define PROBE_INT3      0x104
#define PROBE_HLT       0x105
#define PROBE_DATA      0x500
#define PROBE_RAM       0x200000
#define PROBE_STACK     0x10000
#define PROBE_GDT       0x1000

static const uint8_t probe_code[] = {
	0xa2, 0x00, 0x05, 0x90, OPCODE_INT3, OPCODE_HLT,
};

/* The probe VM (probe.h), its code loaded, the vCPU at rip in real mode
 * or in flat protected mode. */
static void probe_start(int kvm_fd, struct vm *p, uint64_t rip,
			bool protected)
{
	static const struct cpu_tables tables = { .gdt = PROBE_GDT };
	uint16_t ivt_bp[2] = { PROBE_HLT, 0 };  /* the guest's int3: halt */

	probe_create(p, kvm_fd, PROBE_RAM);
	memcpy(p->guest_ram + PROBE_CODE, probe_code, sizeof(probe_code));
	memcpy(p->guest_ram + 4 * BP_VECTOR, ivt_bp, sizeof(ivt_bp));
	vcpu_enter_mode(p, protected ? cpu_protected_mode : cpu_real_mode,
			&tables, rip, PROBE_STACK);
}

/* Runs the probe code once under dbg; false if KVM refuses dbg. */
static bool probe_once(int kvm_fd, const struct kvm_guest_debug *dbg,
		       uint64_t rip, bool protected, struct kvm_run *result)
{
	struct vm p;
	bool ran;

	probe_start(kvm_fd, &p, rip, protected);
	ran = ioctl(p.vcpu.fd, KVM_SET_GUEST_DEBUG, dbg) == 0 && probe_run(&p);
	if (ran)
		*result = *p.vcpu.run;
	vm_destroy(&p);
	return ran;
}

/* A debug-register breakpoint (DR0, with dr7) stops the probe. */
static bool dr0_fires(int kvm_fd, uint64_t addr, uint64_t dr7)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP,
		.arch.debugreg = { [0] = addr, [7] = dr7 },
	};
	struct kvm_run run;

	return probe_once(kvm_fd, &dbg, PROBE_CODE, false, &run) &&
	       run.exit_reason == KVM_EXIT_DEBUG && (run.debug.arch.dr6 & 1);
}

/* An int3 comes back to the hypervisor, in either form. */
static bool int3_comes_back(int kvm_fd, bool protected)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP,
	};
	struct kvm_run run;

	return probe_once(kvm_fd, &dbg, PROBE_INT3, protected, &run) &&
	       ((run.exit_reason == KVM_EXIT_DEBUG &&
		 run.debug.arch.exception == BP_VECTOR) ||
		(run.exit_reason == KVM_EXIT_INTERNAL_ERROR &&
		 run.internal.suberror == KVM_INTERNAL_ERROR_EMULATION));
}

void gdb_probe_kvm(int kvm_fd, char mode, struct gdb_kvm_caps *caps)
{
	caps->dr_exec = dr0_fires(kvm_fd, PROBE_NOP, 1);
	/* Write watchpoint: DR7.RW0 = 01. */
	caps->watchpoints = dr0_fires(kvm_fd, PROBE_DATA, 1 | 1 << 16);
	/* Long mode is taken to behave as protected mode does. */
	caps->int3_caught = int3_comes_back(kvm_fd, mode != 'r');
}
