/*
 * One setup per CPU mode, for every program here: simple-kvm's four modes
 * (and -p's compatibility-mode fallback), part2's real mode, the probes'
 * and the bench's. Each is a cpu_mode_setup (kvm_vm.h): it starts from the
 * registers of a vCPU fresh from reset, with regs->rip the entry point and
 * regs->rsp the top of the stack, and writes the descriptor and page
 * tables its mode needs into guest RAM where t says. vcpu_enter_mode
 * (kvm_vm.h) gets and sets the registers around it.
 *
 * Every mode but real mode is flat: one code and one data segment of base
 * 0 and limit 4 GiB, and paging, where there is any, maps guest RAM at the
 * same virtual addresses. No mode has an IDT: a guest exception finds no
 * handler and ends as a triple fault (SPEC §1.5).
 */
#ifndef CPU_MODES_H
#define CPU_MODES_H

#include <stdint.h>

#include "kvm_vm.h"

/* Where a mode's tables go in guest RAM: the caller's memory map. */
struct cpu_tables {
	uint64_t gdt;           /* 4 descriptors */
	uint64_t page_tables;   /* -p: a page directory of 4 MiB pages;
				 * long mode: a PML4, a PDPT and a page
				 * directory of 2 MiB pages, on three pages */
};

/* Real mode: the entry point and the stack top (at least 64 KiB) are each
 * split into a segment and a 16-bit offset. t may be NULL. */
cpu_mode_setup cpu_real_mode;

/* 32-bit protected mode, no paging; x87 and SSE usable. */
cpu_mode_setup cpu_protected_mode;

/* 32-bit paging with 4 MiB pages. */
cpu_mode_setup cpu_paged32_mode;

/* 64-bit long mode: 4-level paging with 2 MiB pages (RAM up to 1 GiB). */
cpu_mode_setup cpu_long_mode;

/* 32-bit code in compatibility mode under long mode's page tables: -p on
 * a KVM that pages only in long mode. */
cpu_mode_setup cpu_compat_mode;

#endif /* CPU_MODES_H */
