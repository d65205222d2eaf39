/*
 * mkseeds: writes the seed inputs of corpus-hc (guests in fuzz-hc's input
 * format, fuzz_hc_input.h) and the synthesized ELFs of corpus-loader.
 * Run once by `make seeds`; its output is committed, so the fuzzers start
 * from guests that reach every hypercall, each paging format and page
 * size, and the checks of every kind of abuse.
 *
 *   mkseeds HC_DIR LOADER_DIR
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_build.h"
#include "fuzz_hc_input.h"
#include "hypercall.h"
#include "pt_build.h"

/* A seed's RAM image; the fuzzer's inputs stay below 64 KiB. */
#define SEED_IMAGE_MAX 0xc000
#define SEED_EXITS_MAX 255

struct seed {
	uint8_t header[FUZZ_HC_HEADER_SIZE];
	uint8_t exits[SEED_EXITS_MAX][sizeof(struct fuzz_hc_exit)];
	unsigned nexits;
	uint8_t image[SEED_IMAGE_MAX];
	size_t image_size;       /* the highest byte put, plus one */
};

static struct seed seed;
static const char *hc_dir, *loader_dir;

static void seed_begin(enum soft_mmu_mode mode, unsigned ram, uint32_t cr3)
{
	memset(&seed, 0, sizeof(seed));
	seed.header[0] = (uint8_t)mode;
	seed.header[1] = (uint8_t)ram;
	memcpy(seed.header + 4, &cr3, sizeof(cr3));  /* x86: little-endian */
}

static void seed_exit(uint16_t port, uint8_t flags, uint8_t size, uint32_t data)
{
	uint8_t *record;

	if (seed.nexits == SEED_EXITS_MAX)
		abort();
	record = seed.exits[seed.nexits++];
	memcpy(record, &port, 2);
	record[2] = flags;
	record[3] = size;
	memcpy(record + 4, &data, 4);
}

static void seed_out(uint16_t port, uint8_t size, uint32_t value)
{
	seed_exit(port, FUZZ_HC_OUT, size, value);
}

static void seed_in(uint16_t port, uint8_t size)
{
	seed_exit(port, 0, size, 0);
}

/* Grows the image to cover [gpa, gpa + len) and returns it. */
static uint8_t *seed_ram(uint64_t gpa, size_t len)
{
	if (gpa + len > SEED_IMAGE_MAX)
		abort();
	if (gpa + len > seed.image_size)
		seed.image_size = gpa + len;
	return seed.image + gpa;
}

static void seed_put(uint64_t gpa, const void *bytes, size_t len)
{
	memcpy(seed_ram(gpa, len), bytes, len);
}

static void seed_str(uint64_t gpa, const char *s)
{
	seed_put(gpa, s, strlen(s) + 1);
}

static void seed_arg(uint64_t gpa, uint32_t gva)
{
	struct hc_gva_to_hva arg = { .gva = gva, .hva = 0 };

	seed_put(gpa, &arg, sizeof(arg));
}

/* Page tables of the seed's own in its image, from tables_at up. */
static void seed_tables(struct pt_builder *pt, enum soft_mmu_mode mode,
			uint64_t tables_at, uint64_t tables_end)
{
	seed_ram(tables_at, tables_end - tables_at);
	if (!pt_init(pt, seed.image, SEED_IMAGE_MAX, mode, tables_at, tables_end))
		abort();
}

static void seed_map(struct pt_builder *pt, uint64_t gva, uint64_t gpa,
		     uint64_t page_size)
{
	if (!pt_map(pt, gva, gpa, page_size))
		abort();
}

static void write_file(const char *dir, const char *name, const void *a,
		       size_t a_len, const void *b, size_t b_len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(a, 1, a_len, f) != a_len ||
	    fwrite(b, 1, b_len, f) != b_len || fclose(f) != 0) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void seed_write(const char *name)
{
	size_t exits_size = seed.nexits * sizeof(seed.exits[0]);
	uint8_t *all = malloc(sizeof(seed.header) + exits_size);

	if (!all)
		abort();
	seed.header[2] = (uint8_t)seed.nexits;
	memcpy(all, seed.header, sizeof(seed.header));
	memcpy(all + sizeof(seed.header), seed.exits, exits_size);
	write_file(hc_dir, name, all, sizeof(seed.header) + exits_size,
		   seed.image, seed.image_size);
	free(all);
}

/* ---- hc seeds ---- */

/* SPEC §1.2, as the embedded guest makes it, on simple-kvm's tables. */
static void demo(const char *name, enum soft_mmu_mode mode, unsigned ram)
{
	seed_begin(mode, ram, HV_PAGE_TABLES);
	seed_str(0x2000, "CS695 Assignment 2\n");
	seed_arg(0x3000, 1024);
	seed_arg(0x3008, 0xffffffff);
	for (const char *c = "Hello 695!\n"; *c; c++)
		seed_out(HC_PORT_PRINT8BIT, 1, (uint8_t)*c);
	seed_out(HC_PORT_PRINT32BIT, 4, 2048);
	seed_out(HC_PORT_PRINT32BIT, 4, 4294967295u);
	seed_in(HC_PORT_NUMEXITS, 4);
	seed_out(HC_PORT_PRINTSTR, 4, 0x2000);
	seed_in(HC_PORT_NUMEXITS, 4);
	seed_out(HC_PORT_PRINT32BIT, 4, 14);
	seed_out(HC_PORT_PRINT32BIT, 4, 16);
	seed_in(HC_PORT_NUMEXITSBYTYPE, 4);
	seed_out(HC_PORT_GVATOHVA, 4, 0x3000);
	seed_out(HC_PORT_PRINT32BIT, 4, 0);
	seed_out(HC_PORT_GVATOHVA, 4, 0x3008);
	seed_out(HC_PORT_PRINT32BIT, 4, 0);
	seed_in(HC_PORT_NUMEXITSBYTYPE, 4);
	seed_out(HC_PORT_PRINTSTR, 4, HV_RESULT_AREA);
	seed_out(HC_PORT_PRINTSTR, 4, HV_RESULT_AREA + HV_RESULT_SLOT_SIZE);
	seed_write(name);
}

/*
 * 4-level tables of the seed's own: two virtual pages in a row on frames
 * in reverse order, a 2 MiB and a 1 GiB page, a page whose successor is
 * mapped outside RAM, and the top page of the 32-bit space ending in
 * bytes with no NUL, with the page at 4 GiB mapped after it (so that
 * only the ABI's 32-bit address space refuses what crosses there).
 */
static void long_mode_pages(void)
{
	struct pt_builder pt;

	seed_begin(SOFT_MMU_LONG, FUZZ_HC_RAM_64K, 0x1000);
	seed_tables(&pt, SOFT_MMU_LONG, 0x1000, 0x9000);
	seed_map(&pt, 0x400000, 0xa000, PT_PAGE_4K);
	seed_map(&pt, 0x401000, 0x9000, PT_PAGE_4K);
	seed_map(&pt, 0x403000, 0xa000, PT_PAGE_4K);
	seed_map(&pt, 0x404000, 0x100000, PT_PAGE_4K);
	seed_map(&pt, 0x200000, 0, PT_PAGE_2M);
	seed_map(&pt, 0x40000000, 0, PT_PAGE_1G);
	seed_map(&pt, 0xfffff000, 0x9000, PT_PAGE_4K);
	seed_map(&pt, UINT64_C(0x100000000), 0xa000, PT_PAGE_4K);
	seed_put(0xaff8, "crossing", 8);
	seed_str(0x9000, " pages\n");
	seed_arg(0x9100, 0x400ff8);
	seed_put(0x9ff8, "wrapping", 8);
	seed_out(HC_PORT_PRINTSTR, 4, 0x400ff8);
	seed_out(HC_PORT_GVATOHVA, 4, 0x401100);
	seed_out(HC_PORT_PRINTSTR, 4, 0x200000 + 0x9000);
	seed_out(HC_PORT_PRINTSTR, 4, 0x40000000 + 0x9000);
	seed_out(HC_PORT_PRINTSTR, 4, 0xfffffff8);
	seed_out(HC_PORT_GVATOHVA, 4, 0xfffffffc);
	seed_out(HC_PORT_GVATOHVA, 4, 0xfffffff9);
	seed_out(HC_PORT_PRINTSTR, 4, 0x403ff8);
	seed_out(HC_PORT_PRINTSTR, 4, 0x402000);
	seed_write("long-mode-pages");
}

/* 32-bit tables of the seed's own: 4 KiB pages in reverse, a 4 MiB page. */
static void paging32_pages(void)
{
	struct pt_builder pt;

	seed_begin(SOFT_MMU_PAGING32, FUZZ_HC_RAM_64K, 0x1000);
	seed_tables(&pt, SOFT_MMU_PAGING32, 0x1000, 0x3000);
	seed_map(&pt, 0x400000, 0x4000, PT_PAGE_4K);
	seed_map(&pt, 0x401000, 0x3000, PT_PAGE_4K);
	seed_map(&pt, 0x800000, 0, PT_PAGE_4M);
	seed_put(0x4ff8, "crossing", 8);
	seed_str(0x3000, " pages\n");
	seed_arg(0x3100, 0x800000 + 0x3000);
	seed_out(HC_PORT_PRINTSTR, 4, 0x400ff8);
	seed_out(HC_PORT_GVATOHVA, 4, 0x401100);
	seed_out(HC_PORT_PRINTSTR, 4, 0x800000 + 0x3000);
	seed_out(HC_PORT_PRINTSTR, 4, 0x402000);
	seed_write("paging32-pages");
}

/* Every kind of refused exit, then legitimate ones, in 64 KiB of RAM. */
static void abuse(void)
{
	seed_begin(SOFT_MMU_IDENTITY, FUZZ_HC_RAM_64K, 0);
	seed_str(0x100, "ok\n");
	seed_arg(0x200, 0x100);
	seed_out(HC_PORT_PRINT32BIT, 1, 7);                  /* wrong size */
	seed_in(HC_PORT_PRINTSTR, 4);                        /* wrong direction */
	seed_exit(HC_PORT_PRINT8BIT, FUZZ_HC_OUT | 3 << FUZZ_HC_COUNT_SHIFT,
		  1, 'r');                                   /* rep outsb */
	seed_exit(HC_PORT_NUMEXITS, 2 << FUZZ_HC_COUNT_SHIFT, 4, 0); /* rep insl */
	seed_out(0x80, 1, 0);                                /* unknown port */
	seed_in(0x80, 2);
	seed_exit(0x81, 7 << FUZZ_HC_COUNT_SHIFT, 2, 0);      /* rep insw */
	seed_exit(0, FUZZ_HC_NOT_IO, 0, 0);                  /* not an I/O exit */
	seed_out(HC_PORT_PRINTSTR, 4, 0x10000);              /* outside RAM */
	seed_out(HC_PORT_PRINTSTR, 4, 0xfffffff0);
	seed_out(HC_PORT_GVATOHVA, 4, 0xfffc);               /* straddles end */
	seed_out(HC_PORT_GVATOHVA, 4, 0xfffffffc);
	seed_in(HC_PORT_NUMEXITSBYTYPE, 4);                  /* no result area */
	seed_out(HC_PORT_PRINTSTR, 4, 0x100);
	seed_out(HC_PORT_GVATOHVA, 4, 0x200);
	seed_in(HC_PORT_NUMEXITS, 4);
	seed_write("abuse");
}

/* ---- loader seeds ---- */

static void write_elf(const char *name, const struct elf_spec *spec)
{
	static uint8_t file[0x2000];
	size_t size = elf_build(spec, file, sizeof(file));

	write_file(loader_dir, name, file, size, NULL, 0);
}

/* Two PT_LOADs, one above the hypervisor area, and a PT_NOTE. */
static void elf_several_segments(const char *name, uint8_t elf_class)
{
	const struct elf_seg segs[] = {
		{ PT_NOTE, 0x40, 0x10, 0, 0x10 },
		{ PT_LOAD, 0x100, 0x80, 0x2000, 0x100 },
		{ PT_LOAD, 0x180, 0x80, HV_AREA_END, 0x1000 },
	};
	struct elf_spec spec;

	elf_spec_valid(&spec, elf_class);
	elf_spec_segments(&spec, segs, 3);
	spec.entry = 0x2000;
	write_elf(name, &spec);
}

static void loader_seeds(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS32);
	write_elf("elf32-one-segment", &spec);
	elf_spec_valid(&spec, ELFCLASS64);
	write_elf("elf64-one-segment", &spec);
	elf_several_segments("elf32-several-segments", ELFCLASS32);
	elf_several_segments("elf64-several-segments", ELFCLASS64);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkseeds HC_DIR LOADER_DIR\n");
		return 2;
	}
	hc_dir = argv[1];
	loader_dir = argv[2];
	demo("demo-long", SOFT_MMU_LONG, FUZZ_HC_RAM_2M);
	demo("demo-paging32", SOFT_MMU_PAGING32, FUZZ_HC_RAM_HV_END);
	demo("demo-flat", SOFT_MMU_IDENTITY, FUZZ_HC_RAM_HV_END);
	long_mode_pages();
	paging32_pages();
	abuse();
	loader_seeds();
	return 0;
}
