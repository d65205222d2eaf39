#include <err.h>
#include <sys/ioctl.h>

#include "kvm_vm.h"
#include "soft_mmu.h"
#include "translate.h"

/* KVM_TRANSLATE walks the guest's page tables in its current mode. */
bool kvm_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct vm *vm = ctx;
	struct kvm_translation tr = { .linear_address = gva };

	if (ioctl(vm->vcpu.fd, KVM_TRANSLATE, &tr) < 0)
		err(1, "KVM_TRANSLATE");
	*gpa = tr.physical_address;
	return tr.valid;
}

/*
 * The same translation, walked in software (soft_mmu.c) with the control
 * registers KVM synced into kvm_run at this exit: a KVM_TRANSLATE costs
 * most of a VM exit on nested KVM, and a long string spans many pages.
 * Where KVM does not sync them, for a mode soft_mmu does not walk, and for
 * the entries whose meaning differs between KVMs, it asks KVM_TRANSLATE.
 */
bool synced_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct vm *vm = ctx;
	const struct kvm_sregs *sregs = &vm->vcpu.run->s.regs.sregs;
	struct soft_mmu mmu;

	if (!(vm->vcpu.run->kvm_valid_regs & KVM_SYNC_X86_SREGS) ||
	    !soft_mmu_init_from_registers(&mmu, vm->guest_ram, vm->ram_size,
					  sregs->cr0, sregs->cr3, sregs->cr4,
					  sregs->efer))
		return kvm_translate(ctx, gva, gpa);
	switch (soft_mmu_walk(&mmu, gva, gpa)) {
	case SOFT_MMU_VALID:
		return true;
	case SOFT_MMU_INVALID:
		return false;
	case SOFT_MMU_ASK_KVM:
		break;
	}
	return kvm_translate(ctx, gva, gpa);
}
