#include <string.h>

#include "pt_build.h"
#include "x86.h"

bool pt_init(struct pt_builder *pt, uint8_t *ram, uint64_t ram_size,
	     enum soft_mmu_mode mode, uint64_t tables_at, uint64_t tables_end)
{
	*pt = (struct pt_builder){
		.ram = ram, .ram_size = ram_size, .mode = mode,
		.next_table = tables_at, .tables_end = tables_end,
	};
	if (tables_at % PT_PAGE_4K || tables_end % PT_PAGE_4K ||
	    tables_at >= tables_end || tables_end > ram_size)
		return false;
	if (mode != SOFT_MMU_PAGING32 && mode != SOFT_MMU_LONG)
		return false;
	pt->cr3 = pt->next_table;
	memset(ram + pt->cr3, 0, PT_PAGE_4K);
	pt->next_table += PT_PAGE_4K;
	return true;
}

static uint64_t entry_size(const struct pt_builder *pt)
{
	return pt->mode == SOFT_MMU_LONG ? 8 : 4;
}

static uint64_t read_entry(const struct pt_builder *pt, uint64_t at)
{
	uint64_t entry = 0;

	memcpy(&entry, pt->ram + at, entry_size(pt));
	return entry;
}

static void write_entry(const struct pt_builder *pt, uint64_t at,
			uint64_t entry)
{
	memcpy(pt->ram + at, &entry, entry_size(pt));
}

/* The table an entry points to, taking a fresh one when it is empty. */
static bool next_level(struct pt_builder *pt, uint64_t entry_at,
		       uint64_t *table)
{
	uint64_t entry = read_entry(pt, entry_at);

	if (entry & PTE_PRESENT) {
		if (entry & PTE_PS)
			return false; /* a large page holds this slot */
		*table = entry & PTE_FRAME;
		return true;
	}
	if (pt->next_table >= pt->tables_end)
		return false;
	*table = pt->next_table;
	pt->next_table += PT_PAGE_4K;
	memset(pt->ram + *table, 0, PT_PAGE_4K);
	write_entry(pt, entry_at, *table | PTE_PRESENT | PTE_RW);
	return true;
}

/* The GVA bit where each level's index starts, root first. */
static const unsigned long_shifts[] = { 39, 30, 21, 12 };
static const unsigned paging32_shifts[] = { 22, 12 };

static bool size_fits_mode(const struct pt_builder *pt, uint64_t page_size)
{
	if (pt->mode == SOFT_MMU_LONG)
		return page_size == PT_PAGE_4K || page_size == PT_PAGE_2M ||
		       page_size == PT_PAGE_1G;
	return page_size == PT_PAGE_4K || page_size == PT_PAGE_4M;
}

bool pt_map(struct pt_builder *pt, uint64_t gva, uint64_t gpa,
	    uint64_t page_size)
{
	bool is_long = pt->mode == SOFT_MMU_LONG;
	const unsigned *shifts = is_long ? long_shifts : paging32_shifts;
	unsigned levels = is_long ? 4 : 2;
	uint64_t index_mask = is_long ? 0x1ff : 0x3ff;
	uint64_t table = pt->cr3;

	if (!size_fits_mode(pt, page_size) || gva % page_size || gpa % page_size)
		return false;
	if (!is_long && (gva > UINT32_MAX || gpa > UINT32_MAX))
		return false;
	for (unsigned level = 0; level < levels; level++) {
		uint64_t at = table + (gva >> shifts[level] & index_mask) *
			      entry_size(pt);
		bool last = level == levels - 1;

		if (page_size == UINT64_C(1) << shifts[level]) {
			if (read_entry(pt, at) & PTE_PRESENT)
				return false;
			write_entry(pt, at, gpa | PTE_PRESENT | PTE_RW |
				    (last ? 0 : PTE_PS));
			return true;
		}
		if (last || !next_level(pt, at, &table))
			return false;
	}
	return false;
}

bool pt_map_identity(struct pt_builder *pt, uint64_t start, uint64_t len,
		     uint64_t page_size)
{
	for (uint64_t off = 0; off < len; off += page_size)
		if (!pt_map(pt, start + off, start + off, page_size))
			return false;
	return true;
}
