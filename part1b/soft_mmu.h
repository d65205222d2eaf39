/*
 * A software page-table walk that does what KVM_TRANSLATE does. simple-kvm
 * uses it for the guest memory its hypercalls touch: a KVM_TRANSLATE ioctl
 * costs most of a VM exit on nested KVM, and a 64 KiB string spans 17
 * pages. Unit tests and fuzzers use it in place of a vCPU.
 *
 * The tables live in guest RAM, which the guest controls: every entry is
 * read through gpa_ptr(), so a table pointing anywhere (outside RAM, into
 * itself, at its last bytes) makes the walk fail, never read host memory
 * outside RAM. The walk follows present bits and page sizes only, like a
 * KVM_TRANSLATE that asks for no particular access: it checks neither
 * access rights nor reserved bits, and sets no accessed or dirty bits.
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
};

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

/* A translate_fn (guest_mem.h): ctx is a struct soft_mmu. */
bool soft_mmu_translate(void *ctx, uint64_t gva, uint64_t *gpa);

const char *soft_mmu_mode_name(enum soft_mmu_mode mode);

#endif /* SOFT_MMU_H */
