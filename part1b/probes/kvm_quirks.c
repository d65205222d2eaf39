#include <err.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_modes.h"
#include "hypercall.h"
#include "kvm_names.h"
#include "kvm_quirks.h"
#include "probe.h"
#include "x86.h"

#define PAGING32_ENV "SIMPLE_KVM_PAGING32" /* real or compat: forces -p's way */

#define MIB (UINT64_C(1) << 20)

/* ---- real mode: is the IDT limit honoured? ---- */

/*
 * The real-mode probe. Its RAM is all hlt (F4) but for the interrupt
 * table at 0, whose entry for vector v points at the hlt at HANDLERS + v,
 * and the code: lidt of a limit-0 table, ud2. Wherever the vCPU goes it
 * meets a hlt within a few instructions, and the rip of that halt says
 * which vector it took. A timer stops the run should a KVM loop inside
 * KVM_RUN all the same.
 */
#define PROBE_RAM        0x200000
#define PROBE_CODE       0x1000
#define PROBE_IDTR       0x1100  /* limit 0, base 0: six zero bytes */
#define PROBE_HANDLERS   0x2000
#define PROBE_STACK      0x10000 /* the stack segment is 0 */

static const uint8_t idt_probe_code[] = {
	0x0f, 0x01, 0x1e, PROBE_IDTR & 0xff, PROBE_IDTR >> 8, /* lidt [IDTR] */
	0x0f, 0x0b,                                           /* ud2 */
};

static void probe_load(struct vm *p)
{
	uint16_t entry[2];

	memset(p->guest_ram, OPCODE_HLT, PROBE_RAM);
	for (unsigned v = 0; v < 256; v++) {
		entry[0] = (uint16_t)(PROBE_HANDLERS + v);      /* offset */
		entry[1] = 0;                                   /* segment */
		memcpy(p->guest_ram + 4 * v, entry, sizeof(entry));
	}
	memcpy(p->guest_ram + PROBE_CODE, idt_probe_code, sizeof(idt_probe_code));
	memset(p->guest_ram + PROBE_IDTR, 0, 6);
}

/* The linear address after the hlt the probe stopped on, or 0. */
static uint64_t halted_after(struct vm *p)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (p->vcpu.run->exit_reason != KVM_EXIT_HLT ||
	    !vcpu_try_get_regs(&p->vcpu, &regs) ||
	    !vcpu_try_get_sregs(&p->vcpu, &sregs))
		return 0;
	return sregs.cs.base + regs.rip;
}

void say_real_mode_idt_limit(int kvm_fd)
{
	struct vm p;
	bool ended;

	probe_create(&p, kvm_fd, PROBE_RAM);
	probe_load(&p);
	vcpu_enter_mode(&p, cpu_real_mode, NULL, PROBE_CODE, PROBE_STACK);
	ended = probe_run(&p);

	if (!ended && p.vcpu.run->exit_reason == KVM_EXIT_INTR)
		warnx("real mode: cannot tell whether this KVM honours the IDT "
		      "limit: the probe did not stop within %u s",
		      PROBE_SECONDS);
	else if (ended && p.vcpu.run->exit_reason == KVM_EXIT_SHUTDOWN)
		warnx(REAL_IDT_HONOURED);
	else if (halted_after(&p) == PROBE_HANDLERS + UD_VECTOR + 1)
		warnx(REAL_IDT_IGNORED);
	else
		warnx("real mode: cannot tell whether this KVM honours the IDT "
		      "limit: the probe ended with %s",
		      kvm_exit_name(p.vcpu.run->exit_reason));
	vm_destroy(&p);
}

/* ---- -p: can this KVM page outside long mode? ---- */

/*
 * Runs a tiny 32-bit paged guest in a throwaway VM, set up as -p sets up
 * the real one: its code is at guest physical 0 but runs at virtual 4 MiB,
 * an address that only the page directory maps there (4 MiB is past the
 * probe's RAM), and halts with PROBE_EAX. Only a KVM that really pages
 * gets there; one that drops CR0.PG (kvm-pvm does, and logs it) is not run
 * at all, and one that keeps the bit but cannot run it stops elsewhere.
 * Not the real VM: on kvm-pvm a vCPU once given 32-bit paging shuts down
 * at its next run, whatever it is given after.
 */
#define PAGED_PROBE_ENTRY (4 * MIB)
#define PAGED_PROBE_EAX   0x32b17u
static const uint8_t paged_probe_code[] = {
	0xb8, PAGED_PROBE_EAX & 0xff, PAGED_PROBE_EAX >> 8 & 0xff, /* mov eax, */
	PAGED_PROBE_EAX >> 16 & 0xff, PAGED_PROBE_EAX >> 24,       /* ..EAX */
	OPCODE_HLT,
};

static bool kvm_runs_paged32(int kvm_fd, const struct cpu_tables *tables)
{
	struct vm probe;
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rflags = RFLAGS_FIXED, .rip = PAGED_PROBE_ENTRY,
		.rsp = HV_STACK_TOP,
	};
	uint32_t *page_dir;
	bool ran = false;

	probe_create(&probe, kvm_fd, GUEST_RAM_DEFAULT);
	vcpu_set_supported_cpuid(&probe);
	memcpy(probe.guest_ram, paged_probe_code, sizeof(paged_probe_code));

	vcpu_get_sregs(&probe.vcpu, &sregs);
	cpu_paged32_mode(&probe, tables, &sregs, &regs);
	page_dir = (uint32_t *)(probe.guest_ram + tables->page_tables);
	page_dir[PAGED_PROBE_ENTRY / (4 * MIB)] = PTE_PRESENT | PTE_RW | PTE_PS;
	if (vcpu_try_set_sregs(&probe.vcpu, &sregs) &&
	    vcpu_try_get_sregs(&probe.vcpu, &sregs) && (sregs.cr0 & CR0_PG) &&
	    vcpu_try_set_regs(&probe.vcpu, &regs) && probe_run(&probe) &&
	    probe.vcpu.run->exit_reason == KVM_EXIT_HLT &&
	    vcpu_try_get_regs(&probe.vcpu, &regs))
		ran = (uint32_t)regs.rax == PAGED_PROBE_EAX;
	vm_destroy(&probe);
	return ran;
}

bool paged32_runs_real(int kvm_fd, const struct cpu_tables *tables,
		       char flag, bool verbose)
{
	const char *forced = getenv(PAGING32_ENV);
	const char *why;
	bool real;

	if (forced && *forced) {
		if (strcmp(forced, "real") != 0 && strcmp(forced, "compat") != 0)
			errx(2, "%s=%s: give real or compat", PAGING32_ENV,
			     forced);
		real = strcmp(forced, "real") == 0;
		why = real ? "forced by " PAGING32_ENV "=real" :
			     "forced by " PAGING32_ENV "=compat";
	} else {
		real = kvm_runs_paged32(kvm_fd, tables);
		why = real ? "a 32-bit paged probe guest ran on this KVM" :
			     "this KVM cannot run 32-bit paging";
	}
	if (verbose && real)
		warnx("-%c runs real 32-bit paging: %s", flag, why);
	else if (verbose)
		warnx("-%c runs its 32-bit code in compatibility mode under "
		      "long mode's page tables: %s", flag, why);
	return real;
}
