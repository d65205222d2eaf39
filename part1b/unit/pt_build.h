/*
 * Builds page tables in a guest RAM buffer, for the unit tests and the
 * fuzzer's seed inputs: the tables soft_mmu.c walks, in the formats of
 * 32-bit paging and 4-level paging.
 */
#ifndef PT_BUILD_H
#define PT_BUILD_H

#include <stdbool.h>
#include <stdint.h>

#include "soft_mmu.h"

#define PT_PAGE_4K  (UINT64_C(1) << 12)
#define PT_PAGE_2M  (UINT64_C(1) << 21)  /* 4-level paging */
#define PT_PAGE_4M  (UINT64_C(1) << 22)  /* 32-bit paging, PSE */
#define PT_PAGE_1G  (UINT64_C(1) << 30)  /* 4-level paging */

struct pt_builder {
	uint8_t *ram;
	uint64_t ram_size;
	enum soft_mmu_mode mode;   /* SOFT_MMU_PAGING32 or SOFT_MMU_LONG */
	uint64_t cr3;              /* the root table, the first one taken */
	uint64_t next_table;       /* the next free table page */
	uint64_t tables_end;
};

/*
 * Tables are taken one 4 KiB page at a time from [tables_at, tables_end),
 * zeroed as they are taken; the root comes first. False when that range
 * is not page-aligned guest RAM.
 */
bool pt_init(struct pt_builder *pt, uint8_t *ram, uint64_t ram_size,
	     enum soft_mmu_mode mode, uint64_t tables_at, uint64_t tables_end);

/*
 * Maps the page of page_size at gva to gpa (both aligned to it), present
 * and writable. False on a size the mode has not, a misaligned address,
 * a slot already taken by a page of another size, or no table page left.
 */
bool pt_map(struct pt_builder *pt, uint64_t gva, uint64_t gpa,
	    uint64_t page_size);

/* Maps [start, start + len) at the same guest virtual addresses. */
bool pt_map_identity(struct pt_builder *pt, uint64_t start, uint64_t len,
		     uint64_t page_size);

#endif /* PT_BUILD_H */
