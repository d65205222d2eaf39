#include <string.h>

#include "soft_mmu.h"

#define CR0_PG        (UINT64_C(1) << 31)
#define CR4_PSE       (UINT64_C(1) << 4)
#define CR4_PAE       (UINT64_C(1) << 5)
#define EFER_LMA      (UINT64_C(1) << 10)

#define PTE_PRESENT   (UINT64_C(1) << 0)
#define PTE_PS        (UINT64_C(1) << 7)   /* maps a large page */

/* 32-bit paging: a table address and a 4 KiB frame take bits 31:12. */
#define PAGING32_FRAME     UINT64_C(0xfffff000)
#define PAGING32_4M_FRAME  UINT64_C(0xffc00000)
/* PSE-36: a 4 MiB page's physical bits 39:32 sit in its PDE's bits 20:13. */
#define PSE36_SHIFT        13
#define PSE36_MASK         UINT64_C(0xff)

/* 4-level paging: table and frame addresses take bits 51:12, the widest
 * physical address x86-64 defines; bits 63:52 are flags (NX among them). */
#define LONG_ADDR_MASK     UINT64_C(0x000ffffffffff000)
#define LONG_INDEX_MASK    UINT64_C(0x1ff)    /* 512 entries per table */
#define LONG_LEVELS        4

void soft_mmu_init(struct soft_mmu *mmu, uint8_t *ram, uint64_t ram_size,
		   enum soft_mmu_mode mode, uint64_t cr3)
{
	*mmu = (struct soft_mmu){
		.tables = { .ram = ram, .ram_size = ram_size },
		.mode = mode,
		.cr3 = cr3,
	};
}

bool soft_mmu_init_from_registers(struct soft_mmu *mmu, uint8_t *ram,
				  uint64_t ram_size, uint64_t cr0,
				  uint64_t cr3, uint64_t cr4, uint64_t efer)
{
	enum soft_mmu_mode mode;

	if (!(cr0 & CR0_PG))
		mode = SOFT_MMU_IDENTITY;
	else if (efer & EFER_LMA)
		mode = SOFT_MMU_LONG;
	else if (!(cr4 & CR4_PAE) && (cr4 & CR4_PSE))
		mode = SOFT_MMU_PAGING32;
	else
		return false;
	soft_mmu_init(mmu, ram, ram_size, mode, cr3);
	return true;
}

const char *soft_mmu_mode_name(enum soft_mmu_mode mode)
{
	switch (mode) {
	case SOFT_MMU_IDENTITY: return "identity";
	case SOFT_MMU_PAGING32: return "32-bit paging";
	case SOFT_MMU_LONG:     return "4-level paging";
	}
	return "unknown";
}

/*
 * Reads the little-endian entry of entry_size bytes at gpa. memcpy, not a
 * pointer cast: guest RAM gives no alignment promise to the host compiler.
 */
static bool read_entry(const struct soft_mmu *mmu, uint64_t gpa,
		       unsigned entry_size, uint64_t *entry)
{
	const uint8_t *at = gpa_ptr(&mmu->tables, gpa, entry_size);
	uint32_t entry32;

	if (!at)
		return false;
	if (entry_size == sizeof(entry32)) {
		memcpy(&entry32, at, sizeof(entry32));
		*entry = entry32;
	} else {
		memcpy(entry, at, sizeof(*entry));
	}
	return true;
}

/* Page directory (10 bits of the GVA), then page table (10 bits). */
static bool walk_paging32(const struct soft_mmu *mmu, uint64_t gva,
			  uint64_t *gpa)
{
	uint64_t pde, pte;
	uint64_t dir = mmu->cr3 & PAGING32_FRAME;

	if (gva > UINT32_MAX)
		return false;
	if (!read_entry(mmu, dir + (gva >> 22) * 4, 4, &pde) ||
	    !(pde & PTE_PRESENT))
		return false;
	if (pde & PTE_PS) {
		*gpa = (pde & PAGING32_4M_FRAME) |
		       ((pde >> PSE36_SHIFT) & PSE36_MASK) << 32 |
		       (gva & ~PAGING32_4M_FRAME);
		return true;
	}
	if (!read_entry(mmu, (pde & PAGING32_FRAME) + (gva >> 12 & 0x3ff) * 4,
			4, &pte) || !(pte & PTE_PRESENT))
		return false;
	*gpa = (pte & PAGING32_FRAME) | (gva & ~PAGING32_FRAME);
	return true;
}

/* Bits 63:47 of a long-mode address are all copies of bit 47. */
static bool is_canonical(uint64_t gva)
{
	uint64_t top = gva >> 47;

	return top == 0 || top == (UINT64_C(1) << 17) - 1;
}

/*
 * PML4, PDPT, PD, PT: 9 bits of the GVA each. A PDPT entry with PS maps a
 * 1 GiB page and a PD entry with PS a 2 MiB one; in a PML4 entry PS is
 * reserved (the walk fails), in a PT entry bit 7 is PAT, not a size.
 */
static bool walk_long(const struct soft_mmu *mmu, uint64_t gva, uint64_t *gpa)
{
	uint64_t table = mmu->cr3 & LONG_ADDR_MASK;

	if (!is_canonical(gva))
		return false;
	for (unsigned level = 0; level < LONG_LEVELS; level++) {
		unsigned shift = 39 - 9 * level;
		uint64_t page_mask = (UINT64_C(1) << shift) - 1;
		uint64_t entry;
		bool maps_page;

		if (!read_entry(mmu, table + (gva >> shift & LONG_INDEX_MASK) * 8,
				8, &entry) || !(entry & PTE_PRESENT))
			return false;
		if (level == 0 && (entry & PTE_PS))
			return false;
		maps_page = level == LONG_LEVELS - 1 || (entry & PTE_PS);
		if (maps_page) {
			/* In a large page, bit 12 is PAT: masked with the offset. */
			*gpa = (entry & LONG_ADDR_MASK & ~page_mask) | (gva & page_mask);
			return true;
		}
		table = entry & LONG_ADDR_MASK;
	}
	return false; /* not reached: the last level always maps a page */
}

bool soft_mmu_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	const struct soft_mmu *mmu = ctx;

	switch (mmu->mode) {
	case SOFT_MMU_IDENTITY:
		*gpa = gva;
		return true;
	case SOFT_MMU_PAGING32:
		return walk_paging32(mmu, gva, gpa);
	case SOFT_MMU_LONG:
		return walk_long(mmu, gva, gpa);
	}
	return false;
}
