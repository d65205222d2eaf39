/*
 * A software page-table walk that does what KVM_TRANSLATE does. simple-kvm
 * uses it for the guest memory its hypercalls touch: a KVM_TRANSLATE ioctl
 * costs most of a VM exit on nested KVM, and a 64 KiB string spans 17
 * pages. Unit tests and fuzzers use it in place of a vCPU.
 *
 * The tables live in guest RAM, which the guest controls: every entry is
 * read through gpa_ptr(), so a table pointing anywhere (outside RAM, into
 * itself, at its last bytes) makes the walk fail, never read host memory
 * outside RAM.
 *
 * It accepts and refuses what KVM_TRANSLATE does (SPEC §1.3): present
 * bits, page sizes, and the reserved bits every KVM reserves (PS in a PML4
 * entry, bits 20:13 of a 2 MiB page and 29:13 of a 1 GiB one, bits 21:17
 * of a 4 MiB page, bit 63 without EFER.NXE). Like a KVM_TRANSLATE, which
 * asks for no particular access, it checks no access rights; it sets no
 * accessed or dirty bits.
 *
 * Some answers differ from one KVM to another, by the vCPU's CPUID and the
 * host: whether 1 GiB pages exist, where MAXPHYADDR lies (36 bits at
 * least), whether bit 8 of a PML4 or PDPT entry is reserved (AMD), and
 * non-canonical addresses, which KVM_TRANSLATE walks but the CPU refuses.
 * There soft_mmu_walk() answers SOFT_MMU_ASK_KVM, and simple-kvm asks
 * KVM_TRANSLATE. part1b/unit/translate-diff checks all this on a real KVM.
 */
#ifndef SOFT_MMU_H
#define SOFT_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"

enum soft_mmu_mode {
	SOFT_MMU_IDENTITY,  /* real mode, protected mode without paging */
	SOFT_MMU_PAGING32,  /* 32-bit paging, CR4.PSE=1: 4 KiB and 4 MiB pages */
	SOFT_MMU_LONG,      /* 4-level paging: 4 KiB, 2 MiB and 1 GiB pages */
};

#define SOFT_MMU_MODES 3

struct soft_mmu {
	struct guest_mem tables; /* ram and ram_size: where entries are read */
	enum soft_mmu_mode mode;
	uint64_t cr3;
	bool nx;                 /* EFER.NXE: bit 63 is NX, not reserved */
};

enum soft_mmu_answer {
	SOFT_MMU_VALID,          /* *gpa is the translation */
	SOFT_MMU_INVALID,        /* every KVM refuses the address */
	SOFT_MMU_ASK_KVM,        /* the answer depends on the KVM; *gpa and
				  * the return of soft_mmu_translate() are
				  * what a CPU with 1 GiB pages, MAXPHYADDR 52
				  * and no AMD bit-8 rule does */
};

/* EFER.NXE is taken as set: soft_mmu_init_from_registers reads it. */
void soft_mmu_init(struct soft_mmu *mmu, uint8_t *ram, uint64_t ram_size,
		   enum soft_mmu_mode mode, uint64_t cr3);

/*
 * Sets up the walk the control registers call for. Returns false for the
 * paging modes it does not walk (PAE paging outside long mode, and 32-bit
 * paging without CR4.PSE): there, use KVM_TRANSLATE.
 */
bool soft_mmu_init_from_registers(struct soft_mmu *mmu, uint8_t *ram,
				  uint64_t ram_size, uint64_t cr0,
				  uint64_t cr3, uint64_t cr4, uint64_t efer);

/* Walks the tables for gva; see enum soft_mmu_answer. */
enum soft_mmu_answer soft_mmu_walk(const struct soft_mmu *mmu, uint64_t gva,
				   uint64_t *gpa);

/*
 * A translate_fn (guest_mem.h), ctx a struct soft_mmu, for the unit tests
 * and fuzzers, which have no KVM to ask: true for SOFT_MMU_VALID, and for
 * SOFT_MMU_ASK_KVM what the architecture does (see above).
 */
bool soft_mmu_translate(void *ctx, uint64_t gva, uint64_t *gpa);

const char *soft_mmu_mode_name(enum soft_mmu_mode mode);

#endif /* SOFT_MMU_H */
