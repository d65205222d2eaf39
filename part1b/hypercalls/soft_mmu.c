#include <string.h>

#include "soft_mmu.h"
#include "x86.h"

/* Bits from..to of an entry, inclusive. */
#define BITS(from, to) ((~UINT64_C(0) >> (63 - (to))) & (~UINT64_C(0) << (from)))

/* 32-bit paging: a table address and a 4 KiB frame take bits 31:12. */
#define PAGING32_FRAME     UINT64_C(0xfffff000)
#define PAGING32_4M_FRAME  UINT64_C(0xffc00000)
/* PSE-36 as KVM has it: a 4 MiB page's physical bits 35:32 sit in its
 * PDE's bits 16:13, and bits 21:17 are reserved. */
#define PSE36_SHIFT        13
#define PSE36_MASK         UINT64_C(0xf)
#define PAGING32_4M_RSVD   BITS(17, 21)

/* 4-level paging: table and frame addresses take bits 51:12, the widest
 * physical address x86-64 defines; bits 62:52 are ignored, 63 is NX. */
#define LONG_ADDR_MASK     BITS(12, 51)
#define LONG_INDEX_MASK    UINT64_C(0x1ff)    /* 512 entries per table */
#define LONG_LEVELS        4
/* Physical address bits at or above 36 are reserved on a CPU whose
 * MAXPHYADDR is lower; every x86-64 CPU has at least 36. */
#define ABOVE_MIN_MAXPHYADDR BITS(36, 51)

/* One walk's outcome: what the architecture does, and whether a KVM may
 * answer otherwise (see soft_mmu.h). */
struct walk {
	bool valid;
	bool kvm_dependent;
	uint64_t gpa;
};

void soft_mmu_init(struct soft_mmu *mmu, uint8_t *ram, uint64_t ram_size,
		   enum soft_mmu_mode mode, uint64_t cr3)
{
	*mmu = (struct soft_mmu){
		.tables = { .ram = ram, .ram_size = ram_size },
		.mode = mode,
		.cr3 = cr3,
		.nx = true,
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
	mmu->nx = (efer & EFER_NXE) != 0;
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

/*
 * Page directory (10 bits of the GVA), then page table (10 bits). Only a
 * 4 MiB page has reserved bits, the same on every KVM.
 */
static struct walk walk_paging32(const struct soft_mmu *mmu, uint64_t gva)
{
	struct walk w = { .valid = false };
	uint64_t pde, pte;
	uint64_t dir = mmu->cr3 & PAGING32_FRAME;

	if (gva > UINT32_MAX) {
		/* No such linear address; KVM_TRANSLATE drops bits 63:32. */
		w.kvm_dependent = true;
		return w;
	}
	if (!read_entry(mmu, dir + (gva >> 22) * 4, 4, &pde) ||
	    !(pde & PTE_PRESENT))
		return w;
	if (pde & PTE_PS) {
		w.valid = !(pde & PAGING32_4M_RSVD);
		w.gpa = (pde & PAGING32_4M_FRAME) |
			((pde >> PSE36_SHIFT) & PSE36_MASK) << 32 |
			(gva & ~PAGING32_4M_FRAME);
		return w;
	}
	if (!read_entry(mmu, (pde & PAGING32_FRAME) + (gva >> 12 & 0x3ff) * 4,
			4, &pte) || !(pte & PTE_PRESENT))
		return w;
	w.valid = true;
	w.gpa = (pte & PAGING32_FRAME) | (gva & ~PAGING32_FRAME);
	return w;
}

/* Bits 63:47 of a long-mode address are all copies of bit 47. */
static bool is_canonical(uint64_t gva)
{
	uint64_t top = gva >> 47;

	return top == 0 || top == (UINT64_C(1) << 17) - 1;
}

/*
 * The bits every KVM reserves in a 4-level entry at level (0: PML4 .. 3:
 * PT) that maps a page (large) or a table: PS in a PML4 entry, the bits
 * between a large page's frame and bit 12 (PAT), NX without EFER.NXE.
 */
static uint64_t long_reserved(const struct soft_mmu *mmu, unsigned level,
			      bool large)
{
	uint64_t reserved = mmu->nx ? 0 : PTE_NX;

	if (level == 0)
		reserved |= PTE_PS;
	else if (level == 1 && large)
		reserved |= BITS(13, 29);
	else if (level == 2 && large)
		reserved |= BITS(13, 20);
	return reserved;
}

/*
 * PML4, PDPT, PD, PT: 9 bits of the GVA each. A PDPT entry with PS maps a
 * 1 GiB page and a PD entry with PS a 2 MiB one; in a PML4 entry PS is
 * reserved, in a PT entry bit 7 is PAT, not a size. A table outside guest
 * RAM ends the walk (KVM_TRANSLATE fails there too: RAM is the only
 * memory slot), which also covers table addresses past MAXPHYADDR.
 */
static struct walk walk_long(const struct soft_mmu *mmu, uint64_t gva)
{
	struct walk w = { .valid = false, .kvm_dependent = !is_canonical(gva) };
	uint64_t table = mmu->cr3 & LONG_ADDR_MASK;

	if (w.kvm_dependent)
		return w; /* the CPU refuses it; KVM_TRANSLATE walks it */
	for (unsigned level = 0; level < LONG_LEVELS; level++) {
		unsigned shift = 39 - 9 * level;
		uint64_t page_mask = (UINT64_C(1) << shift) - 1;
		uint64_t entry;
		bool large;

		if (!read_entry(mmu, table + (gva >> shift & LONG_INDEX_MASK) * 8,
				8, &entry) || !(entry & PTE_PRESENT))
			return (struct walk){ .valid = false };
		large = level > 0 && level < LONG_LEVELS - 1 && (entry & PTE_PS);
		if (entry & long_reserved(mmu, level, large))
			return (struct walk){ .valid = false };
		if (level < 2 && !large && (entry & PTE_BIT8))
			w.kvm_dependent = true;       /* reserved on AMD */
		if (large || level == LONG_LEVELS - 1) {
			/* 1 GiB pages exist on some KVMs only; the frame may
			 * lie past this KVM's MAXPHYADDR. In a large page,
			 * bit 12 is PAT: masked with the offset. */
			w.kvm_dependent |= level == 1 ||
					   (entry & ABOVE_MIN_MAXPHYADDR);
			w.valid = true;
			w.gpa = (entry & LONG_ADDR_MASK & ~page_mask) |
				(gva & page_mask);
			return w;
		}
		table = entry & LONG_ADDR_MASK;
	}
	return (struct walk){ .valid = false }; /* not reached */
}

static struct walk walk(const struct soft_mmu *mmu, uint64_t gva)
{
	switch (mmu->mode) {
	case SOFT_MMU_IDENTITY:
		return (struct walk){ .valid = true, .gpa = gva };
	case SOFT_MMU_PAGING32:
		return walk_paging32(mmu, gva);
	case SOFT_MMU_LONG:
		return walk_long(mmu, gva);
	}
	return (struct walk){ .valid = false };
}

enum soft_mmu_answer soft_mmu_walk(const struct soft_mmu *mmu, uint64_t gva,
				   uint64_t *gpa)
{
	struct walk w = walk(mmu, gva);

	*gpa = w.gpa;
	if (w.kvm_dependent)
		return SOFT_MMU_ASK_KVM;
	return w.valid ? SOFT_MMU_VALID : SOFT_MMU_INVALID;
}

bool soft_mmu_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct walk w = walk(ctx, gva);

	*gpa = w.gpa;
	return w.valid;
}
