#include <err.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fault_report.h"
#include "guest_mem.h"
#include "internal_error.h"
#include "kvm_names.h"
#include "translate.h"
#include "x86.h"

/*
 * Whether the vCPU holds the state of an x86 reset: rip 0xfff0 in a code
 * segment of base 0xffff0000 (selector 0xf000), protected mode off. No
 * guest of simple-kvm can get there by itself: that base exists only
 * after a reset. kvm_amd resets the vCPU when it reports KVM_EXIT_SHUTDOWN
 * (a triple fault); other KVMs leave the registers of the fault.
 */
static bool vcpu_was_reset(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	return r->rip == 0xfff0 && s->cs.selector == 0xf000 &&
	       s->cs.base == 0xffff0000 && !(s->cr0 & CR0_PE);
}

static void print_registers(struct vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (!vcpu_try_get_regs(&vm->vcpu, &r) ||
	    !vcpu_try_get_sregs(&vm->vcpu, &s)) {
		warn("cannot read the registers");
		return;
	}
	if (vcpu_was_reset(&r, &s)) {
		warnx("the registers at the fault are not available: this KVM "
		      "reset the vCPU (rip 0xfff0, cs f000)");
		return;
	}
	fprintf(stderr,
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rsp %016llx rbp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
		"  rip %016llx rflags %08llx cs %04x ss %04x\n"
		"  cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx\n",
		r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rsp, r.rbp,
		r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15,
		r.rip, r.rflags, s.cs.selector, s.ss.selector,
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
}

/*
 * The suberror by name and, for an emulation failure, the instruction at
 * rip (internal_error.c), read with KVM's own translation.
 */
static void report_internal_error(struct vm *vm)
{
	uint32_t suberror = vm->vcpu.run->internal.suberror;
	struct guest_mem mem = {
		.ram = vm->guest_ram, .ram_size = vm->ram_size,
		.translate = kvm_translate, .translate_ctx = vm,
	};
	struct kvm_regs r;
	struct kvm_sregs s;
	bool code64;

	if (!vcpu_try_get_regs(&vm->vcpu, &r) ||
	    !vcpu_try_get_sregs(&vm->vcpu, &s)) {
		warnx("KVM_EXIT_INTERNAL_ERROR: suberror %u (%s)", suberror,
		      internal_error_name(suberror));
		return;
	}
	code64 = (s.efer & EFER_LMA) && s.cs.l;
	internal_error_report(stderr, suberror, &mem,
			      code64 ? r.rip : (s.cs.base + r.rip) & 0xffffffff,
			      code64 ? 64 : s.cs.db ? 32 : 16);
}

/* An exit the guest cannot continue from: say which, and stop. */
_Noreturn void fatal_exit(struct vm *vm)
{
	struct kvm_run *run = vm->vcpu.run;

	fflush(stdout);
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		warnx("KVM_EXIT_MMIO: guest %s of %u bytes at guest physical "
		      "0x%llx, outside guest RAM",
		      run->mmio.is_write ? "write" : "read", run->mmio.len,
		      run->mmio.phys_addr);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		warnx("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%llx",
		      run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		report_internal_error(vm);
		break;
	case KVM_EXIT_SHUTDOWN:
		warnx("KVM_EXIT_SHUTDOWN: the guest shut down (a triple fault)");
		break;
	default:
		warnx("%s: exit reason %u, which simple-kvm does not serve",
		      kvm_exit_name(run->exit_reason), run->exit_reason);
	}
	print_registers(vm);
	exit(1);
}
