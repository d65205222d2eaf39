/*
 * Unit tests of soft_mmu.c, the page-table walk that test-hc and fuzz-hc
 * use in place of KVM_TRANSLATE: if it translated wrongly, their results
 * would mean nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pt_build.h"
#include "soft_mmu.h"
#include "x86.h"

#define RAM_SIZE   (UINT64_C(2) << 20)
#define TABLES_AT  UINT64_C(0x110000)   /* where simple-kvm keeps them */
#define TABLES_END UINT64_C(0x120000)
/* The flags of a present, writable entry: one that maps a large page, one
 * that points to a table. */
#define LARGE_PAGE_FLAGS (PTE_PRESENT | PTE_RW | PTE_PS)
#define TABLE_FLAGS      (PTE_PRESENT | PTE_RW)

static uint8_t *ram;

/* Fresh zeroed RAM and page tables of mode; the walker reads them. */
static void setup(struct pt_builder *pt, struct soft_mmu *mmu,
		  enum soft_mmu_mode mode)
{
	free(ram);
	ram = calloc(1, RAM_SIZE);
	if (!ram)
		abort();
	CHECK(pt_init(pt, ram, RAM_SIZE, mode, TABLES_AT, TABLES_END),
	      "pt_init failed");
	soft_mmu_init(mmu, ram, RAM_SIZE, mode, pt->cr3);
}

/* Checks that gva translates to want. */
static void expect_gpa(struct soft_mmu *mmu, uint64_t gva, uint64_t want)
{
	uint64_t gpa = 0;
	bool valid = soft_mmu_translate(mmu, gva, &gpa);

	CHECK(valid && gpa == want, "GVA 0x%llx: %s 0x%llx, expected 0x%llx",
	      (unsigned long long)gva, valid ? "GPA" : "invalid, GPA",
	      (unsigned long long)gpa, (unsigned long long)want);
}

static void expect_invalid(struct soft_mmu *mmu, uint64_t gva)
{
	uint64_t gpa = 0;

	CHECK(!soft_mmu_translate(mmu, gva, &gpa),
	      "GVA 0x%llx translates to 0x%llx, expected invalid",
	      (unsigned long long)gva, (unsigned long long)gpa);
}

static const char *const answer_names[] = {
	[SOFT_MMU_VALID] = "valid", [SOFT_MMU_INVALID] = "invalid",
	[SOFT_MMU_ASK_KVM] = "ask KVM",
};

/* Checks soft_mmu_walk's answer for gva (and the GPA when valid). */
static void expect_answer(struct soft_mmu *mmu, uint64_t gva,
			  enum soft_mmu_answer want, uint64_t want_gpa)
{
	uint64_t gpa = 0;
	enum soft_mmu_answer got = soft_mmu_walk(mmu, gva, &gpa);

	CHECK(got == want && (want != SOFT_MMU_VALID || gpa == want_gpa),
	      "GVA 0x%llx: %s, GPA 0x%llx; expected %s, GPA 0x%llx",
	      (unsigned long long)gva, answer_names[got],
	      (unsigned long long)gpa, answer_names[want],
	      (unsigned long long)want_gpa);
}

/* The entry of the table at table_gpa that maps gva at level (0: PML4). */
static uint64_t long_entry_gpa(uint64_t table_gpa, uint64_t gva, unsigned level)
{
	return table_gpa + (gva >> (39 - 9 * level) & 0x1ff) * 8;
}

static void poke64(uint64_t gpa, uint64_t value)
{
	memcpy(ram + gpa, &value, sizeof(value));
}

static void poke32(uint64_t gpa, uint32_t value)
{
	memcpy(ram + gpa, &value, sizeof(value));
}

static void identity_maps_every_address(void)
{
	struct soft_mmu mmu;

	soft_mmu_init(&mmu, NULL, 0, SOFT_MMU_IDENTITY, 0);
	expect_gpa(&mmu, 0, 0);
	expect_gpa(&mmu, 0x12345, 0x12345);
	expect_gpa(&mmu, 0xffffffff, 0xffffffff);
}

static void paging32_4k_pages(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_PAGING32);
	CHECK(pt_map(&pt, 0x400000, 0x5000, PT_PAGE_4K), "pt_map");
	CHECK(pt_map(&pt, 0xfffff000, 0x3000, PT_PAGE_4K), "pt_map top");
	expect_gpa(&mmu, 0x400000, 0x5000);
	expect_gpa(&mmu, 0x400fff, 0x5fff);
	expect_gpa(&mmu, 0xffffffff, 0x3fff);
	expect_invalid(&mmu, 0x401000);   /* same table, empty slot */
	expect_invalid(&mmu, 0x3ff000);   /* empty directory slot */
	expect_invalid(&mmu, UINT64_C(0x100400000)); /* beyond 32 bits */
}

static void paging32_4m_pages(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_PAGING32);
	CHECK(pt_map(&pt, 0x800000, 0, PT_PAGE_4M), "pt_map");
	CHECK(pt_map(&pt, 0xc00000, 0xc00000, PT_PAGE_4M), "pt_map");
	expect_gpa(&mmu, 0x800000, 0);
	expect_gpa(&mmu, 0xbfffff, 0x3fffff);
	expect_gpa(&mmu, 0xc01234, 0xc01234);
	expect_invalid(&mmu, 0x1000000);
}

/* PSE-36: PDE bits 16:13 give physical bits 35:32; bit 12 is PAT. */
static void paging32_pse36_high_bits(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_PAGING32);
	poke32(pt.cr3 + 4 * 1, 0x00400000 | 0x5 << 13 | 1 << 12 | LARGE_PAGE_FLAGS);
	expect_gpa(&mmu, 0x400010, UINT64_C(0x500400010));
}

static void long_4k_2m_1g_pages(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0x400000, 0x5000, PT_PAGE_4K), "pt_map 4K");
	CHECK(pt_map(&pt, 0x401000, 0x3000, PT_PAGE_4K), "pt_map 4K");
	CHECK(pt_map(&pt, 0x600000, 0x200000, PT_PAGE_2M), "pt_map 2M");
	CHECK(pt_map(&pt, 0x40000000, 0, PT_PAGE_1G), "pt_map 1G");
	CHECK(pt_map(&pt, UINT64_C(0xffff800000000000), 0x7000, PT_PAGE_4K),
	      "pt_map high half");
	expect_gpa(&mmu, 0x400abc, 0x5abc);
	expect_gpa(&mmu, 0x401abc, 0x3abc);
	expect_gpa(&mmu, 0x7fffff, 0x3fffff);
	expect_gpa(&mmu, 0x7fffffff, 0x3fffffff);
	expect_gpa(&mmu, UINT64_C(0xffff800000000042), 0x7042);
	expect_invalid(&mmu, 0x402000);
	expect_invalid(&mmu, 0x800000);
	expect_invalid(&mmu, 0);
}

static void long_noncanonical_is_invalid(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0, 0, PT_PAGE_1G), "pt_map");
	expect_gpa(&mmu, 0x1000, 0x1000);
	/* Index bits 47:39 are 0 here too; only the sign bits differ. */
	expect_invalid(&mmu, UINT64_C(0x0001000000001000));
	expect_invalid(&mmu, UINT64_C(0x8000000000001000));
}

/* PS is reserved in a PML4 entry; bit 7 of a PT entry is PAT, not PS. */
static void long_ps_bit_by_level(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;
	uint64_t pdpt = TABLES_END - 0x1000;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0x1000, 0x9000, PT_PAGE_4K), "pt_map");
	/* The last table taken is the PT: set PAT on its entry 1. */
	poke64(pt.next_table - 0x1000 + 8, 0x9000 | LARGE_PAGE_FLAGS);
	expect_gpa(&mmu, 0x1234, 0x9234);
	/* A PML4 entry with PS set, in slot 1 (GVA 512 GiB up). */
	memset(ram + pdpt, 0, 0x1000);
	poke64(pdpt, LARGE_PAGE_FLAGS); /* a 1 GiB page at 0, if PS counted there */
	poke64(pt.cr3 + 8, pdpt | LARGE_PAGE_FLAGS);
	expect_invalid(&mmu, UINT64_C(0x8000000000));
	poke64(pt.cr3 + 8, pdpt | TABLE_FLAGS);
	expect_gpa(&mmu, UINT64_C(0x8000000010), 0x10);
}

/* Bits 12 (PAT), 52-62 (ignored) and 63 (NX) are no part of the address. */
static void long_flag_bits_are_not_address(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0x200000, 0x200000, PT_PAGE_2M), "pt_map");
	CHECK(pt_map(&pt, 0x1000, 0x7000, PT_PAGE_4K), "pt_map");
	/* PD entry 1 maps the 2 MiB page: add PAT and NX and ignored bits. */
	for (uint64_t pd = TABLES_AT; pd < pt.next_table; pd += 0x1000) {
		uint64_t entry;

		memcpy(&entry, ram + pd + 8, sizeof(entry));
		if (entry == (0x200000 | LARGE_PAGE_FLAGS))
			poke64(pd + 8, entry | 1 << 12 | UINT64_C(0xfff) << 52);
	}
	expect_gpa(&mmu, 0x200123, 0x200123);
	expect_gpa(&mmu, 0x1123, 0x7123);
}

/*
 * Reserved bits that every KVM reserves: KVM_TRANSLATE and the guest's own
 * access refuse the address, so the walk does too (an earlier walk printed
 * from a 2 MiB page with bit 13 set).
 */
static void long_reserved_bits_are_refused(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;
	uint64_t pml4e = long_entry_gpa(TABLES_AT, 0x200000, 0);
	uint64_t entry, pde;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0x200000, 0x200000, PT_PAGE_2M), "pt_map");
	expect_answer(&mmu, 0x200123, SOFT_MMU_VALID, 0x200123);
	pde = pt.next_table - 0x1000 + 8;   /* the PD, entry 1 */
	for (unsigned bit = 13; bit <= 20; bit++) {
		poke64(pde, 0x200000 | LARGE_PAGE_FLAGS | UINT64_C(1) << bit);
		expect_answer(&mmu, 0x200123, SOFT_MMU_INVALID, 0);
	}
	poke64(pde, 0x200000 | LARGE_PAGE_FLAGS | PTE_NX);
	expect_answer(&mmu, 0x200123, SOFT_MMU_VALID, 0x200123);
	mmu.nx = false;                     /* EFER.NXE clear: reserved */
	expect_answer(&mmu, 0x200123, SOFT_MMU_INVALID, 0);
	mmu.nx = true;
	poke64(pde, 0x200000 | LARGE_PAGE_FLAGS);
	memcpy(&entry, ram + pml4e, sizeof(entry));
	poke64(pml4e, entry | 0x80);        /* PS in a PML4 entry */
	expect_answer(&mmu, 0x200123, SOFT_MMU_INVALID, 0);
}

/* A 1 GiB page with a bit of 29:13 set is refused by every KVM, with or
 * without 1 GiB pages; without such a bit it depends on the KVM. */
static void long_1g_pages_depend_on_the_kvm(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;
	uint64_t pdpte = TABLES_AT + 0x1000 + 1 * 8; /* PDPT after PML4 */

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0x40000000, 0, PT_PAGE_1G), "pt_map 1G");
	expect_answer(&mmu, 0x40000123, SOFT_MMU_ASK_KVM, 0);
	expect_gpa(&mmu, 0x40000123, 0x123);
	poke64(pdpte, LARGE_PAGE_FLAGS | UINT64_C(1) << 13);
	expect_answer(&mmu, 0x40000123, SOFT_MMU_INVALID, 0);
	poke64(pdpte, LARGE_PAGE_FLAGS | UINT64_C(1) << 29);
	expect_answer(&mmu, 0x40000123, SOFT_MMU_INVALID, 0);
}

/* Frames past 36 bits (the least MAXPHYADDR), bit 8 of a PML4 entry
 * (reserved on AMD), non-canonical addresses: KVM_TRANSLATE decides. */
static void long_kvm_dependent_entries(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;
	uint64_t pml4e = long_entry_gpa(TABLES_AT, 0x200000, 0);
	uint64_t pde, entry;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	CHECK(pt_map(&pt, 0x200000, 0x200000, PT_PAGE_2M), "pt_map");
	pde = pt.next_table - 0x1000 + 8;
	poke64(pde, UINT64_C(0xf00200000) | LARGE_PAGE_FLAGS);   /* bits 35:32: fine */
	expect_answer(&mmu, 0x200123, SOFT_MMU_VALID, UINT64_C(0xf00200123));
	poke64(pde, UINT64_C(0x1000200000) | LARGE_PAGE_FLAGS);  /* bit 36 */
	expect_answer(&mmu, 0x200123, SOFT_MMU_ASK_KVM, 0);
	expect_gpa(&mmu, 0x200123, UINT64_C(0x1000200123));
	poke64(pde, 0x200000 | LARGE_PAGE_FLAGS);
	memcpy(&entry, ram + pml4e, sizeof(entry));
	poke64(pml4e, entry | 0x100);
	expect_answer(&mmu, 0x200123, SOFT_MMU_ASK_KVM, 0);
	poke64(pml4e, entry);
	expect_answer(&mmu, UINT64_C(0x0001000000200123), SOFT_MMU_ASK_KVM, 0);
	expect_invalid(&mmu, UINT64_C(0x0001000000200123));
}

/* A 4 MiB page: bits 16:13 are physical bits 35:32, 21:17 reserved. */
static void paging32_4m_reserved_bits_are_refused(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_PAGING32);
	for (unsigned bit = 17; bit <= 21; bit++) {
		poke32(pt.cr3 + 4, 0x00400000 | 1u << bit | LARGE_PAGE_FLAGS);
		expect_answer(&mmu, 0x400010, SOFT_MMU_INVALID, 0);
	}
	poke32(pt.cr3 + 4, 0x00400000 | 0xfu << 13 | LARGE_PAGE_FLAGS);
	expect_answer(&mmu, 0x400010, SOFT_MMU_VALID, UINT64_C(0xf00400010));
}

static void cr3_outside_ram_is_invalid(void)
{
	struct soft_mmu mmu;

	soft_mmu_init(&mmu, ram, RAM_SIZE, SOFT_MMU_LONG, RAM_SIZE);
	expect_invalid(&mmu, 0);
	soft_mmu_init(&mmu, ram, RAM_SIZE, SOFT_MMU_PAGING32, 0xfffff000);
	expect_invalid(&mmu, 0xfffff000);
}

/* A table entry that points outside RAM ends the walk there. */
static void table_outside_ram_is_invalid(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	poke64(pt.cr3, UINT64_C(0x7ffff000) | TABLE_FLAGS);
	expect_invalid(&mmu, 0x1000);
	setup(&pt, &mmu, SOFT_MMU_PAGING32);
	poke32(pt.cr3, 0xfffff000 | TABLE_FLAGS);
	expect_invalid(&mmu, 0x1000);
}

/*
 * RAM of a size no multiple of 8: an entry straddling its end is refused,
 * not half read (ASan watches the exact-size buffer).
 */
static void entry_straddling_ram_end_is_invalid(void)
{
	uint64_t size = 0x1004;
	uint8_t *small = malloc(size);
	struct soft_mmu mmu;

	if (!small)
		abort();
	memset(small, 0, size);
	small[0x1000] = 0x3;  /* a present entry, if its 8 bytes were read */
	soft_mmu_init(&mmu, small, size, SOFT_MMU_LONG, 0x1000);
	expect_invalid(&mmu, 0);
	soft_mmu_init(&mmu, small, size, SOFT_MMU_PAGING32, 0x1000);
	/* 4-byte entries fit: the PDE at 0x1000 is read, its table at 0
	 * holds a zero PTE. */
	expect_invalid(&mmu, 0);
	free(small);
}

/* A table that points at itself: the walk still ends after 4 levels. */
static void self_referencing_table_terminates(void)
{
	struct pt_builder pt;
	struct soft_mmu mmu;

	setup(&pt, &mmu, SOFT_MMU_LONG);
	poke64(pt.cr3, pt.cr3 | TABLE_FLAGS);
	expect_gpa(&mmu, 0x123, pt.cr3 | 0x123);
}

/* The registers of simple-kvm's modes, as the table below names them. */
#define PROTECTED (CR0_PE | CR0_ET)
#define PAGED     (PROTECTED | CR0_WP | CR0_PG)
#define LONG      (EFER_LME | EFER_LMA)

/* simple-kvm picks the walk from the control registers synced at an exit. */
static void mode_from_registers(void)
{
	static const struct {
		uint64_t cr0, cr4, efer;
		bool walks;
		enum soft_mmu_mode mode;
	} regs[] = {
		{ CR0_ET, 0, 0, true, SOFT_MMU_IDENTITY },            /* real */
		{ PROTECTED, 0, 0, true, SOFT_MMU_IDENTITY },         /* -s */
		{ PAGED, CR4_PSE, 0, true, SOFT_MMU_PAGING32 },       /* -p */
		{ PAGED, CR4_PAE, LONG, true, SOFT_MMU_LONG },        /* -l */
		{ PAGED, 0, 0, false, SOFT_MMU_IDENTITY },            /* no PSE */
		{ PAGED, CR4_PSE | CR4_PAE, 0, false, SOFT_MMU_IDENTITY }, /* PAE */
	};
	uint8_t ram_byte;

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		struct soft_mmu mmu;
		bool walks = soft_mmu_init_from_registers(&mmu, &ram_byte, 1,
			regs[i].cr0, 0x110000, regs[i].cr4, regs[i].efer);

		CHECK(walks == regs[i].walks, "case %zu: walks %d", i, walks);
		if (walks)
			CHECK(mmu.mode == regs[i].mode && mmu.cr3 == 0x110000,
			      "case %zu: mode %s", i, soft_mmu_mode_name(mmu.mode));
	}
}

static const struct check_case cases[] = {
	{ "identity_maps_every_address", identity_maps_every_address },
	{ "paging32_4k_pages", paging32_4k_pages },
	{ "paging32_4m_pages", paging32_4m_pages },
	{ "paging32_pse36_high_bits", paging32_pse36_high_bits },
	{ "long_4k_2m_1g_pages", long_4k_2m_1g_pages },
	{ "long_noncanonical_is_invalid", long_noncanonical_is_invalid },
	{ "long_ps_bit_by_level", long_ps_bit_by_level },
	{ "long_flag_bits_are_not_address", long_flag_bits_are_not_address },
	{ "long_reserved_bits_are_refused", long_reserved_bits_are_refused },
	{ "long_1g_pages_depend_on_the_kvm", long_1g_pages_depend_on_the_kvm },
	{ "long_kvm_dependent_entries", long_kvm_dependent_entries },
	{ "paging32_4m_reserved_bits_are_refused", paging32_4m_reserved_bits_are_refused },
	{ "cr3_outside_ram_is_invalid", cr3_outside_ram_is_invalid },
	{ "table_outside_ram_is_invalid", table_outside_ram_is_invalid },
	{ "entry_straddling_ram_end_is_invalid", entry_straddling_ram_end_is_invalid },
	{ "self_referencing_table_terminates", self_referencing_table_terminates },
	{ "mode_from_registers", mode_from_registers },
};

int main(int argc, char **argv)
{
	int status = check_main(cases, sizeof(cases) / sizeof(cases[0]),
				argc, argv);

	free(ram);
	return status;
}
