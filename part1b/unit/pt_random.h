/*
 * Random page-table shapes for the differential test of soft_mmu.c against
 * KVM_TRANSLATE (translate-diff.c): from a seed, tables in a guest RAM
 * buffer that a few chosen guest virtual addresses walk through, with
 * every kind of entry a walk can meet: not present, a table (new, shared,
 * itself, outside RAM), a large page at every level (where it is allowed
 * and where PS is reserved), and stray bits among the ones whose meaning
 * varies (reserved bits at every level, bit 8, PAT, NX, ignored bits,
 * address bits past 36 and past 52).
 */
#ifndef PT_RANDOM_H
#define PT_RANDOM_H

#include <stdint.h>

#include "soft_mmu.h"

#define PT_RANDOM_GVAS 8 /* addresses per shape */

struct pt_random {
	uint64_t state;          /* xorshift64*; never 0 */
	uint8_t *ram;
	uint64_t ram_size;
	uint64_t tables_at, tables_end; /* where tables are taken */
	uint64_t next_table;
	enum soft_mmu_mode mode; /* SOFT_MMU_PAGING32 or SOFT_MMU_LONG */
	uint64_t cr3;
	uint64_t gvas[PT_RANDOM_GVAS];
};

void pt_random_seed(struct pt_random *r, uint64_t seed);
uint64_t pt_random_next(struct pt_random *r);

/*
 * Clears [tables_at, tables_end) of r->ram and builds a new shape there for
 * r->mode: r->cr3 and the addresses r->gvas[] that walk it. The addresses
 * of a long-mode shape include non-canonical ones.
 */
void pt_random_shape(struct pt_random *r);

#endif /* PT_RANDOM_H */
