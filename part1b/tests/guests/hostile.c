/*
 * Hostile test guests: each abuses the hypercall ABI (or the machine) in
 * one way, then makes a legitimate call, so the test sees that simple-kvm
 * refused the abuse with one stderr line and the guest ran on.
 *
 * Built once per abuse with -DABUSE=<function name>, as a 64-bit image for
 * -l and as a 32-bit one for -s and -p (tests/guests/<name>32.elf); the
 * abuses that edit page tables run in the paged modes only.
 * part1b/tests/hostile.bats holds the expected output of each.
 */
#include "hc_guest.h"
#include "x86.h"

#define MIB             0x100000u

/* Guest RAM (2 MiB by default) the image does not use: scratch pages. */
#define SCRATCH         0x1C0000u

static void fill(uint32_t gva, uint8_t byte, uint32_t len)
{
	volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)gva;

	for (uint32_t i = 0; i < len; i++)
		p[i] = byte;
}

/* ---- simple-kvm's page tables, in the mode the guest runs in ---- */

static uintptr_t read_cr0(void)
{
	uintptr_t cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	return cr0;
}

/*
 * -l, and -p on a KVM that pages only in long mode, use 4-level tables
 * (CR4.PAE) with 2 MiB pages; -p elsewhere a 32-bit page directory of
 * 4 MiB pages. 32-bit code sees which by CR4.PAE.
 */
static int long_tables(void)
{
	uintptr_t cr4;

	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	return (cr4 & CR4_PAE) != 0;
}

static volatile uint64_t *const pdpt = (volatile uint64_t *)(uintptr_t)HV_PDPT;
static volatile uint64_t *const pd = (volatile uint64_t *)(uintptr_t)HV_PD;
static volatile uint32_t *const pd32 = (volatile uint32_t *)(uintptr_t)HV_PD32;

static void flush_tlb(void)
{
	uintptr_t cr3;

	asm volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3) : : "memory");
}

/* The page directory entry for gva (below 1 GiB) becomes entry. */
static void set_pde(uint32_t gva, uint32_t entry)
{
	if (long_tables())
		pd[gva >> 21] = entry;
	else
		pd32[gva >> 22] = entry;
	flush_tlb();
}

/* Maps the large page at gva (below 1 GiB) to gpa: 2 MiB or 4 MiB. */
static void map_large(uint32_t gva, uint32_t gpa)
{
	set_pde(gva, gpa | PTE_PRESENT | PTE_RW | PTE_PS);
}

/* Maps the 4 KiB page at gva, in a large page's slot of its own that
 * holds nothing else, to gpa, with a page table at table. */
static void map_4k(uint32_t table, uint32_t gva, uint32_t gpa)
{
	if (long_tables())
		((volatile uint64_t *)(uintptr_t)table)[gva >> 12 & 511] =
			gpa | PTE_PRESENT | PTE_RW;
	else
		((volatile uint32_t *)(uintptr_t)table)[gva >> 12 & 1023] =
			gpa | PTE_PRESENT | PTE_RW;
	set_pde(gva, table | PTE_PRESENT | PTE_RW);
}

/* -- printStr -- */

void printstr_unmapped(void)
{
	HC_printStr((const char *)(uintptr_t)(4 * MIB));
}

/* A mapped page whose guest physical address lies past the end of RAM. */
void printstr_outside_ram(void)
{
	map_large(4 * MIB, 4 * MIB);
	HC_printStr((const char *)(uintptr_t)(4 * MIB));
}

/* The last 256 bytes of RAM hold no NUL; the mapping ends with RAM. */
void printstr_unterminated(void)
{
	fill(2 * MIB - 256, 'A', 256);
	HC_printStr((const char *)(uintptr_t)(2 * MIB - 256));
}

/* Run with --mem 4M: 1 MiB + 1 bytes without a NUL, all inside RAM. */
void printstr_too_long(void)
{
	fill(2 * MIB, 'A', MIB + 1);
	HC_printStr((const char *)(uintptr_t)(2 * MIB));
}

/*
 * A string in the top page of the 4 GiB space that ends at its top: the
 * next byte would be at 4 GiB, past what a 32-bit pointer can name. The
 * top 4 KiB page of the space is mapped onto a page of RAM for this.
 */
void printstr_wraps(void)
{
	if (long_tables()) {
		volatile uint64_t *top_pd = (volatile uint64_t *)(uintptr_t)SCRATCH;
		volatile uint64_t *top_pt = top_pd + 512;

		top_pt[511] = (SCRATCH + 0x2000) | PTE_PRESENT | PTE_RW;
		top_pd[511] = hc_gva(top_pt) | PTE_PRESENT | PTE_RW;
		pdpt[3] = SCRATCH | PTE_PRESENT | PTE_RW;
		flush_tlb();
	} else {
		map_4k(SCRATCH, 0xFFFFF000u, SCRATCH + 0x2000);
	}
	fill(0xFFFFFF00u, 'W', 256);
	HC_printStr((const char *)(uintptr_t)0xFFFFFF00u);
}

/*
 * Virtually contiguous, physically apart: the string starts 7 bytes before
 * the end of one 4 KiB page and goes on in another, mapped from a page
 * 128 KiB lower in RAM.
 */
void printstr_split_pages(void)
{
	const char *first = "Hello, ", *second = "pages!\n";
	volatile char *low = (volatile char *)(uintptr_t)(SCRATCH + 0x10000);
	volatile char *high = (volatile char *)(uintptr_t)(SCRATCH + 0x30000);

	map_4k(SCRATCH, 4 * MIB, SCRATCH + 0x30000);
	map_4k(SCRATCH, 4 * MIB + 0x1000, SCRATCH + 0x10000);
	for (int i = 0; i < 7; i++) {
		high[4096 - 7 + i] = first[i];
		low[i] = second[i];
	}
	low[7] = 0;
	HC_printStr((const char *)(uintptr_t)(4 * MIB + 4096 - 7));
}

/*
 * A large page whose entry has a reserved bit set (bit 13 of a 2 MiB page,
 * bit 21 of a 4 MiB one): the CPU and KVM_TRANSLATE refuse every address
 * in it, so printStr and gvaToHva do.
 */
void printstr_reserved_bit(void)
{
	const char *text = "through a reserved bit\n";
	volatile char *copy = (volatile char *)(uintptr_t)SCRATCH;

	for (int i = 0; text[i]; i++)
		copy[i] = text[i];
	set_pde(4 * MIB, 0 | PTE_PRESENT | PTE_RW | PTE_PS |
		(long_tables() ? 1u << 13 : 1u << 21));
	HC_printStr((const char *)(uintptr_t)(4 * MIB + SCRATCH));
	HC_print32bit(HC_gvaToHva(4 * MIB + SCRATCH));
}

/* 64 KiB of text in one call: the exit count moves by 2 (this and the next). */
void printstr_64k(void)
{
	volatile char *s = (volatile char *)(uintptr_t)SCRATCH;
	uint32_t before, after;

	for (uint32_t i = 0; i < 65536; i++)
		s[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	s[65536] = 0;
	before = HC_numExits();
	HC_printStr((const char *)s);
	after = HC_numExits();
	HC_print32bit(after - before);
}

/* -- gvaToHva -- */

/* The argument struct's 8 bytes would cross 4 GiB. */
void gvatohva_arg_wraps(void)
{
	hc_outl(HC_PORT_GVATOHVA, 0xFFFFFFFCu);
}

/* The struct's first 4 bytes are the last of RAM, the rest lie past it. */
void gvatohva_arg_straddles_end(void)
{
	hc_outl(HC_PORT_GVATOHVA, 2 * MIB - 4);
}

void gvatohva_arg_unmapped(void)
{
	hc_outl(HC_PORT_GVATOHVA, 4 * MIB);
}

/* A valid argument naming a GVA whose page lies past the end of RAM
 * (without paging, the GVA itself lies there). */
void gvatohva_gpa_outside_ram(void)
{
	if (read_cr0() & CR0_PG)
		map_large(4 * MIB, 4 * MIB);
	HC_print32bit(HC_gvaToHva(4 * MIB));
}

/* -- the instruction does not fit the ABI -- */

void wrong_size(void)
{
	uint16_t result;

	hc_outb(HC_PORT_PRINT32BIT, 7);
	asm volatile("inw %1, %0" : "=a"(result) : "Nd"((uint16_t)HC_PORT_NUMEXITS));
	HC_print32bit(result);
}

void wrong_direction(void)
{
	HC_print32bit(hc_inl(HC_PORT_PRINT32BIT));
	hc_outl(HC_PORT_NUMEXITS, 1);
}

/* A string instruction: five bytes to print8bit in one exit. */
void rep_outs(void)
{
	const char *s = "12345";
	uintptr_t src = (uintptr_t)s;
	uintptr_t count = 5;

	asm volatile("rep outsb" : "+S"(src), "+c"(count)
		     : "d"((uint16_t)HC_PORT_PRINT8BIT) : "memory");
}

/*
 * A string in: five dwords from numExits into a buffer set to 0x77777777
 * first, at the start of a page, then the buffer printed. KVM reads ahead
 * for rep ins: as many as fit in the page, in one exit with count 5.
 */
void rep_ins(void)
{
	volatile uint32_t *buf = (volatile uint32_t *)(uintptr_t)SCRATCH;
	uintptr_t dst = SCRATCH;
	uintptr_t count = 5;

	for (int i = 0; i < 5; i++)
		buf[i] = 0x77777777u;
	asm volatile("rep insl" : "+D"(dst), "+c"(count)
		     : "d"((uint16_t)HC_PORT_NUMEXITS) : "memory");
	for (int i = 0; i < 5; i++)
		HC_print32bit(buf[i]);
}

/* Unknown ports: one warning per port, reads give all ones. */
void unknown_ports(void)
{
	hc_outb(0x80, 1);
	hc_outb(0x80, 2);
	HC_print32bit(hc_inl(0x81));
	HC_print32bit(hc_inl(0x81));
}

/* -- the hypervisor's own structures -- */

/*
 * Scribbles over the whole result area, so an old result has no NUL left
 * in it (the rest of its page is zero); a new call writes a fresh one.
 */
void overwrite_result_area(void)
{
	char *first = HC_numExitsByType();

	fill(HV_RESULT_AREA, 'X', HV_RESULT_SLOTS * HV_RESULT_SLOT_SIZE);
	HC_printStr(first);
	HC_print8bit('\n');
	HC_printStr(HC_numExitsByType());
}

/* The GDT, too, is the guest's to break: simple-kvm never reads it back. */
void overwrite_gdt(void)
{
	fill(HV_GDT, 0xFF, 4096);
	HC_printStr("GDT gone\n");
}

/* -- fatal -- */

/* No usable IDT, then an exception: a triple fault, KVM_EXIT_SHUTDOWN. */
void triple_fault(void)
{
	struct __attribute__((packed)) { uint16_t limit; uintptr_t base; } idt = { 0, 0 };

	asm volatile("lidt %0; ud2" : : "m"(idt));
}

/* A store to guest physical memory that no RAM backs: KVM_EXIT_MMIO. */
void mmio_outside_ram(void)
{
	if (read_cr0() & CR0_PG)
		map_large(4 * MIB, 4 * MIB);
	*(volatile uint32_t *)(uintptr_t)(4 * MIB + 0x10) = 0xdeadbeef;
}

static void __attribute__((used)) guest_main(void)
{
	ABUSE();
	HC_printStr("still running\n");
	hc_halt(0);
}

HC_GUEST_ENTRY(guest_main);
