/*
 * fuzz-hc: libFuzzer target for simple-kvm's host side of the hypercall
 * ABI (hc_host.c on guest_mem.c). Each input is a guest: its RAM, its
 * paging mode and CR3, and a sequence of I/O exits (fuzz_hc_input.h),
 * served as simple-kvm's run loop serves them, with soft_mmu.c walking
 * the page tables where simple-kvm asks KVM_TRANSLATE.
 *
 * A finding is a crash, an ASan or UBSan report, a hang, or an exit whose
 * effect differs from that of hc_model.c, a plain reference model of the
 * ABI (the bytes printed, the one stderr line of a violation, the data of
 * an `in`, what is written into guest RAM).
 *
 * Guest RAM is host memory below 4 GiB (as in simple-kvm, so gvaToHva
 * succeeds) that ends at an inaccessible guard page; the unused space
 * before it is poisoned for ASan, so an access just outside RAM on either
 * side is caught. What the guest prints goes to the model's memory
 * streams, and with FUZZ_HC_SHOW set in the environment to stdout and
 * stderr too (to replay one input).
 */
#include <sanitizer/asan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_hc_input.h"
#include "hc_host.h"
#include "hc_model.h"
#include "hypercall.h"
#include "pt_build.h"
#include "soft_mmu.h"

#define GUARD_SIZE 0x10000

static uint8_t *ram_region;     /* FUZZ_HC_RAM_MAX bytes, guards around */
static struct hc_model model;

struct fuzz_guest {
	enum soft_mmu_mode mode;
	uint64_t ram_size;
	uint64_t cr3;
	unsigned nexits;
	const uint8_t *exits;       /* nexits records */
	const uint8_t *image;
	size_t image_size;
};

static void fail_setup(const char *what)
{
	perror(what);
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t *mapping;

	(void)argc, (void)argv;
	mapping = mmap(NULL, FUZZ_HC_RAM_MAX + 2 * GUARD_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (mapping == MAP_FAILED)
		fail_setup("mmap guest RAM below 4 GiB");
	ram_region = mapping + GUARD_SIZE;
	if (mprotect(ram_region, FUZZ_HC_RAM_MAX, PROT_READ | PROT_WRITE) < 0)
		fail_setup("mprotect guest RAM");
	if (!hc_model_open(&model))
		fail_setup("hc_model_open");
	model.echo = getenv("FUZZ_HC_SHOW") != NULL;
	return 0;
}

static uint32_t read_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* False when the input is too short for its header and exit records. */
static bool parse_guest(const uint8_t *data, size_t size, struct fuzz_guest *g)
{
	static const uint64_t ram_sizes[] = FUZZ_HC_RAM_SIZES;
	size_t exits_size;

	if (size < FUZZ_HC_HEADER_SIZE)
		return false;
	g->mode = (enum soft_mmu_mode)(data[0] % SOFT_MMU_MODES);
	g->ram_size = ram_sizes[data[1] % (sizeof(ram_sizes) / sizeof(ram_sizes[0]))];
	g->nexits = data[2];
	g->cr3 = read_le32(data + 4);
	exits_size = (size_t)g->nexits * sizeof(struct fuzz_hc_exit);
	if (size - FUZZ_HC_HEADER_SIZE < exits_size)
		return false;
	g->exits = data + FUZZ_HC_HEADER_SIZE;
	g->image = g->exits + exits_size;
	g->image_size = size - FUZZ_HC_HEADER_SIZE - exits_size;
	if (g->image_size > g->ram_size)
		g->image_size = g->ram_size;
	return true;
}

/*
 * Zeroed RAM of ram_size bytes that ends at the guard page, the region's
 * unused start poisoned. Returns the host address of guest physical 0.
 * MADV_DONTNEED zeroes by dropping the pages: only those an input touched
 * fault in again.
 */
static uint8_t *fresh_ram(uint64_t ram_size)
{
	static uint64_t poisoned_for;
	uint8_t *ram = ram_region + FUZZ_HC_RAM_MAX - ram_size;

	if (madvise(ram, ram_size, MADV_DONTNEED) < 0)
		fail_setup("madvise");
	if (poisoned_for != ram_size) {
		ASAN_UNPOISON_MEMORY_REGION(ram_region, FUZZ_HC_RAM_MAX);
		ASAN_POISON_MEMORY_REGION(ram_region, FUZZ_HC_RAM_MAX - ram_size);
		poisoned_for = ram_size;
	}
	return ram;
}

/*
 * A host as hc_host_init() leaves it, made once: its one allocation, the
 * printStr buffer, is scratch space, so a copy of it is a fresh host.
 * (A 1 MiB malloc and free per input took two thirds of the time.)
 */
static void fresh_host(struct hc_host *hc, const struct guest_mem *mem)
{
	static struct hc_host pristine;
	static bool made;

	if (!made) {
		if (!hc_host_init(&pristine, mem, mem->translate, model.out,
				  model.err))
			abort();
		made = true;
	}
	*hc = pristine;
	hc->mem = *mem;
}

/* simple-kvm's tables: all of RAM at the same addresses, large pages. */
static void add_hypervisor_tables(uint8_t *ram, const struct fuzz_guest *g)
{
	struct pt_builder pt;
	uint64_t page = g->mode == SOFT_MMU_LONG ? PT_PAGE_2M : PT_PAGE_4M;

	if (g->mode == SOFT_MMU_IDENTITY || g->ram_size < HV_PAGE_TABLES_END)
		return;
	if (!pt_init(&pt, ram, g->ram_size, g->mode, HV_PAGE_TABLES,
		     HV_PAGE_TABLES_END) ||
	    !pt_map_identity(&pt, 0, (g->ram_size + page - 1) / page * page, page))
		abort();
}

/* One exit record, served as simple-kvm's run loop would. */
static void serve_exit(struct hc_host *hc, const uint8_t *record)
{
	struct fuzz_hc_exit e;
	struct hc_io io;
	uint8_t *data;
	size_t data_size;

	e.port = (uint16_t)(record[0] | record[1] << 8);
	e.flags = record[2];
	e.size = record[3] % 8;
	e.data = read_le32(record + 4);

	hc_count_exit(hc);
	if (e.flags & FUZZ_HC_NOT_IO) {
		hc_model_other_exit(&model);
		return;
	}
	io = (struct hc_io){
		.port = e.port,
		.is_out = e.flags & FUZZ_HC_OUT,
		.size = e.size,
		.count = 1 + (e.flags >> FUZZ_HC_COUNT_SHIFT),
	};
	/* Exactly size * count bytes, so ASan sees any access beyond. */
	data_size = (size_t)io.size * io.count;
	data = malloc(data_size ? data_size : 1);
	if (!data)
		abort();
	for (size_t i = 0; i < data_size; i++)
		data[i] = (uint8_t)(e.data >> (8 * (i % 4)));
	io.data = data;
	hc_model_serve_and_check(&model, hc, &io);
	free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size)
{
	struct fuzz_guest g;
	struct soft_mmu mmu;
	struct guest_mem mem;
	struct hc_host hc;
	uint8_t *ram;

	if (!parse_guest(input, size, &g))
		return 0;
	ram = fresh_ram(g.ram_size);
	add_hypervisor_tables(ram, &g);
	memcpy(ram, g.image, g.image_size);

	soft_mmu_init(&mmu, ram, g.ram_size, g.mode, g.cr3);
	mem = (struct guest_mem){
		.ram = ram, .ram_size = g.ram_size,
		.translate = soft_mmu_translate, .translate_ctx = &mmu,
	};
	fresh_host(&hc, &mem);
	hc_model_reset(&model, &mem);
	for (unsigned i = 0; i < g.nexits; i++)
		serve_exit(&hc, g.exits + i * sizeof(struct fuzz_hc_exit));
	return 0;
}
