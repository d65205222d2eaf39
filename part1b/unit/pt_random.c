#include <string.h>

#include "pt_random.h"
#include "x86.h"

#define PAGE        UINT64_C(0x1000)

/* Flag and address bits a walk may treat as reserved, ignored, or part of
 * the address, by mode: each is added to an entry now and then. */
static const unsigned long_bits[] = {
	1, 2, 5, 6, 8, 9, 12, 13, 14, 16, 20, 21, 29, 30, 35, 36, 40, 47, 51,
	52, 58, 62, 63,
};
static const unsigned paging32_bits[] = {
	1, 2, 5, 6, 8, 9, 12, 13, 14, 16, 17, 20, 21, 22, 31,
};

struct level_format {
	unsigned levels, entry_size, index_bits;
	uint64_t addr_mask;      /* a table's address in an entry */
	const unsigned *bits;
	unsigned nbits;
};

static const struct level_format long_format = {
	4, 8, 9, UINT64_C(0x000ffffffffff000), long_bits,
	sizeof(long_bits) / sizeof(long_bits[0]),
};
static const struct level_format paging32_format = {
	2, 4, 10, UINT64_C(0xfffff000), paging32_bits,
	sizeof(paging32_bits) / sizeof(paging32_bits[0]),
};

void pt_random_seed(struct pt_random *r, uint64_t seed)
{
	r->state = seed ? seed : UINT64_C(0x9e3779b97f4a7c15);
}

/* xorshift64* (Vigna): small, and the same sequence everywhere. */
uint64_t pt_random_next(struct pt_random *r)
{
	r->state ^= r->state >> 12;
	r->state ^= r->state << 25;
	r->state ^= r->state >> 27;
	return r->state * UINT64_C(0x2545f4914f6cdd1d);
}

static uint64_t below(struct pt_random *r, uint64_t n)
{
	return pt_random_next(r) % n;
}

static const struct level_format *format_of(const struct pt_random *r)
{
	return r->mode == SOFT_MMU_LONG ? &long_format : &paging32_format;
}

/* Bits 12 + index_bits * (levels - 1 - level) up select the entry. */
static unsigned level_shift(const struct level_format *f, unsigned level)
{
	return 12 + f->index_bits * (f->levels - 1 - level);
}

/* A table index that collides with others often: 0, 1, the last, any. */
static uint64_t random_index(struct pt_random *r, unsigned index_bits)
{
	uint64_t last = (UINT64_C(1) << index_bits) - 1;

	switch (below(r, 4)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return last;
	default: return below(r, last + 1);
	}
}

static uint64_t random_gva(struct pt_random *r)
{
	const struct level_format *f = format_of(r);
	uint64_t gva = below(r, PAGE);

	for (unsigned level = 0; level < f->levels; level++)
		gva |= random_index(r, f->index_bits) << level_shift(f, level);
	if (r->mode == SOFT_MMU_LONG && (gva >> 47 & 1))
		gva |= UINT64_C(0xffff) << 48; /* canonical */
	/* Now and then an address the mode has not: non-canonical, or
	 * past 4 GiB in 32-bit paging. */
	if (below(r, 8) == 0)
		gva ^= UINT64_C(1) << (r->mode == SOFT_MMU_LONG ?
				       48 + below(r, 16) : 32 + below(r, 32));
	return gva;
}

static uint64_t read_entry(const struct pt_random *r, uint64_t at,
			   unsigned size)
{
	uint64_t entry = 0;

	memcpy(&entry, r->ram + at, size);
	return entry;
}

static void write_entry(struct pt_random *r, uint64_t at, unsigned size,
			uint64_t entry)
{
	memcpy(r->ram + at, &entry, size);
}

static uint64_t new_table(struct pt_random *r)
{
	uint64_t pages = (r->tables_end - r->tables_at) / PAGE;

	if (r->next_table < r->tables_end) {
		r->next_table += PAGE;
		return r->next_table - PAGE;
	}
	return r->tables_at + below(r, pages) * PAGE;
}

/* A frame for a page of page_size: in RAM, past it, past 4 GiB, past 36
 * bits, or at a random address of 52 bits. */
static uint64_t random_frame(struct pt_random *r, unsigned page_shift)
{
	uint64_t frame;

	switch (below(r, 5)) {
	case 0: frame = below(r, r->ram_size); break;
	case 1: frame = r->ram_size + below(r, r->ram_size); break;
	case 2: frame = below(r, UINT64_C(1) << 36); break;
	case 3: frame = below(r, UINT64_C(1) << 40); break;
	default: frame = below(r, UINT64_C(1) << 52); break;
	}
	return frame >> page_shift << page_shift;
}

/*
 * A new entry at level for a walk that reached it: not present, a table,
 * a large page, or (at the last level) a page; then stray bits.
 */
static uint64_t random_entry(struct pt_random *r, unsigned level)
{
	const struct level_format *f = format_of(r);
	bool last = level == f->levels - 1;
	unsigned kind = (unsigned)below(r, 16);
	uint64_t entry;

	if (kind < 2) {
		entry = pt_random_next(r) & ~PTE_PRESENT;
		return below(r, 2) ? 0 : entry & f->addr_mask;
	}
	if (last)
		entry = random_frame(r, 12) | PTE_PRESENT;
	else if (kind < 11)
		entry = new_table(r) | PTE_PRESENT;
	else if (kind < 14)
		entry = random_frame(r, level_shift(f, level)) | PTE_PS | PTE_PRESENT;
	else
		entry = random_frame(r, 12) | PTE_PRESENT; /* a table anywhere */
	/* About one entry in two gets a stray bit. */
	for (unsigned i = 0; i < f->nbits; i++)
		if (below(r, 2 * f->nbits) == 0)
			entry ^= UINT64_C(1) << f->bits[i];
	return entry | PTE_PRESENT;
}

/* Fills the entries gva's walk meets that are still empty. */
static void build_walk(struct pt_random *r, uint64_t gva)
{
	const struct level_format *f = format_of(r);
	uint64_t table = r->cr3 & f->addr_mask;

	for (unsigned level = 0; level < f->levels; level++) {
		uint64_t index = gva >> level_shift(f, level) &
				 ((UINT64_C(1) << f->index_bits) - 1);
		uint64_t at = table + index * f->entry_size;
		uint64_t entry;

		if (at < r->tables_at || at + f->entry_size > r->tables_end)
			return; /* a table outside the pool: leave it be */
		entry = read_entry(r, at, f->entry_size);
		if (entry == 0) {
			entry = random_entry(r, level);
			write_entry(r, at, f->entry_size, entry);
		}
		if (!(entry & PTE_PRESENT) || (entry & PTE_PS))
			return;
		table = entry & f->addr_mask;
	}
}

void pt_random_shape(struct pt_random *r)
{
	memset(r->ram + r->tables_at, 0, r->tables_end - r->tables_at);
	r->next_table = r->tables_at;
	r->cr3 = new_table(r);
	for (unsigned i = 0; i < PT_RANDOM_GVAS; i++) {
		r->gvas[i] = random_gva(r);
		build_walk(r, r->gvas[i]);
	}
}
