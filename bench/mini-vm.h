/*
 * The least it takes to get a vCPU running a flat 64-bit image, for the
 * bench's own runners (kvm-floor, kvm-ioctl-cost): no checks beyond the
 * ioctls' results, no hypercalls. Header-only so each runner is one file.
 *
 *   open /dev/kvm, KVM_CREATE_VM, RAM (KVM_SET_USER_MEMORY_REGION),
 *   KVM_CREATE_VCPU + mmap kvm_run (these from ../common/kvm_vm.c),
 *   long mode (KVM_SET_SREGS, KVM_SET_REGS)
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

#include "hypercall.h"
#include "kvm_vm.h"

#define MINI_RAM_SIZE  GUEST_RAM_DEFAULT

/* The GDT, page tables and stack where simple-kvm keeps its own. */
#define MINI_GDT       HV_GDT
#define MINI_PML4      HV_PAGE_TABLES
#define MINI_PDPT      (HV_PAGE_TABLES + 0x1000)
#define MINI_PD        (HV_PAGE_TABLES + 0x2000)

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

/*
 * 64-bit mode at rip 0: a flat code segment (selector 8) and data segment
 * (selector 16), also written to a GDT in guest RAM, and 4-level paging.
 */
static inline void mini_vm_long_mode(struct vm *m)
{
	uint64_t *gdt = (uint64_t *)(m->guest_ram + MINI_GDT);
	uint64_t *pml4 = (uint64_t *)(m->guest_ram + MINI_PML4);
	uint64_t *pdpt = (uint64_t *)(m->guest_ram + MINI_PDPT);
	uint64_t *pd = (uint64_t *)(m->guest_ram + MINI_PD);
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 8, .type = 0xb,
		.present = 1, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = {
		.base = 0, .limit = 0xffffffff, .selector = 16, .type = 0x3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct kvm_regs regs = { .rip = 0, .rsp = HV_STACK_TOP, .rflags = 2 };
	struct kvm_sregs s;

	gdt[1] = 0x00af9b000000ffffull; /* code: P, S, type b, L, G */
	gdt[2] = 0x00cf93000000ffffull; /* data: P, S, type 3, D/B, G */
	pml4[0] = MINI_PDPT | 3;        /* present, writable */
	pdpt[0] = MINI_PD | 3;
	for (uint64_t i = 0; i < MINI_RAM_SIZE >> 21; i++)
		pd[i] = i << 21 | 0x83;  /* present, writable, 2 MiB page */

	if (ioctl(m->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		err(1, "KVM_GET_SREGS");
	s.gdt.base = MINI_GDT;
	s.gdt.limit = 3 * 8 - 1;
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.cr3 = MINI_PML4;
	s.cr4 = 1u << 5;                                   /* PAE */
	s.cr0 = 1u | 1u << 4 | 1u << 5 | 1u << 16 | 1u << 31; /* PE ET NE WP PG */
	s.efer = 1u << 8 | 1u << 10;                        /* LME LMA */
	if (ioctl(m->vcpu_fd, KVM_SET_SREGS, &s) < 0)
		err(1, "KVM_SET_SREGS");
	if (ioctl(m->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		err(1, "KVM_SET_REGS");
}

#endif /* MINI_VM_H */
