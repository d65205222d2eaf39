/*
 * The least it takes to get a vCPU running a flat 64-bit image, for the
 * bench's own runners (kvm-floor, kvm-ioctl-cost): no checks beyond the
 * ioctls' results, no hypercalls. Header-only so each runner is one file.
 *
 *   open /dev/kvm, KVM_CREATE_VM, RAM (KVM_SET_USER_MEMORY_REGION),
 *   KVM_CREATE_VCPU + mmap kvm_run, long mode (KVM_SET_SREGS,
 *   KVM_SET_REGS): all from ../common/kvm_vm.c and cpu_modes.c
 *
 * Long mode because the bench guests are built like part1b's 64-bit
 * guest; RAM is identity-mapped with 2 MiB pages, as simple-kvm maps it.
 */
#ifndef MINI_VM_H
#define MINI_VM_H

#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu_modes.h"
#include "hypercall.h"
#include "kvm_vm.h"

#define MINI_RAM_SIZE  GUEST_RAM_DEFAULT

/*
 * /dev/kvm, the VM, its RAM and its vCPU, by the steps of the VM module
 * (../common/kvm_vm.h) and no more: the floor skips what simple-kvm adds
 * (the pages for Intel's real mode, synced registers, CPUID).
 */
static inline void mini_vm_create(struct vm *m)
{
	vm_create(m, kvm_open(NULL));
	vm_add_ram(m, MINI_RAM_SIZE, RAM_ANYWHERE);
	vcpu_create(m);
}

/* 64-bit mode at rip 0, set up as simple-kvm -l sets it up, with the GDT,
 * page tables and stack where simple-kvm keeps its own. */
static inline void mini_vm_long_mode(struct vm *m)
{
	static const struct cpu_tables tables = {
		.gdt = HV_GDT, .page_tables = HV_PAGE_TABLES,
	};

	vcpu_enter_mode(m, cpu_long_mode, &tables, 0, HV_STACK_TOP);
}

#endif /* MINI_VM_H */
