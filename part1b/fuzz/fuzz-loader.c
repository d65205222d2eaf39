/*
 * fuzz-loader: libFuzzer target for simple-kvm's image loader (loader.c).
 * Each input is a guest image file, loaded as each CPU mode would load it
 * (ELF32 with real mode's 1 MiB reach, ELF32 for -s/-p, ELF64 for -l) into
 * 2 MiB of guest RAM with inaccessible guard pages on both sides.
 *
 * A finding is a crash, an ASan or UBSan report, or a broken promise of
 * image_load(): it must accept exactly the images loader_model.c accepts,
 * put their segments' bytes and zeros where the model says, never write
 * the hypervisor area, and say why it refuses in one line.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hypercall.h"
#include "loader.h"
#include "loader_model.h"

#define RAM_SIZE   GUEST_RAM_DEFAULT
#define GUARD_SIZE 0x10000
#define MIB        (UINT64_C(1) << 20)
#define GIB        (UINT64_C(1) << 30)

#define HV_CANARY  0x5a

static uint8_t *ram;
static const uint8_t zeros[RAM_SIZE];
static uint8_t canary[HV_AREA_END - HV_AREA_START]; /* the area, unwritten */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t *mapping;

	(void)argc, (void)argv;
	mapping = mmap(NULL, RAM_SIZE + 2 * GUARD_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mapping == MAP_FAILED) {
		perror("mmap guest RAM");
		abort();
	}
	ram = mapping + GUARD_SIZE;
	if (mprotect(ram, RAM_SIZE, PROT_READ | PROT_WRITE) < 0) {
		perror("mprotect guest RAM");
		abort();
	}
	memset(canary, HV_CANARY, sizeof(canary));
	memcpy(ram + HV_AREA_START, canary, sizeof(canary));
	return 0;
}

static void broken_promise(const char *what, const char *why)
{
	fprintf(stderr, "fuzz-loader: %s (why: \"%s\")\n", what, why);
	abort();
}

/* memcmp, not a loop: ASan checks a loop's every byte, memcmp's range once. */
static bool holds(uint64_t gpa, uint64_t len, const uint8_t *bytes)
{
	return memcmp(ram + gpa, bytes, len) == 0;
}

/* An accepted image: each segment as the model says, the area intact. */
static void check_loaded(const uint8_t *file, const struct loader_model *m,
			 uint64_t entry, const char *why)
{
	if (entry != m->entry)
		broken_promise("entry point differs from the model's", why);
	for (unsigned i = 0; i < m->nsegs; i++) {
		const struct model_segment *s = &m->segs[i];

		if (!holds(s->gpa, s->filesz, file + s->offset) ||
		    !holds(s->gpa + s->filesz, s->memsz - s->filesz, zeros))
			broken_promise("a segment's bytes differ from the model's", why);
	}
	if (!holds(HV_AREA_START, sizeof(canary), canary))
		broken_promise("the hypervisor area was written", why);
}

static void load_as(const uint8_t *file, size_t size, unsigned elf_class,
		    uint64_t entry_limit)
{
	struct load_target target = {
		.ram = ram, .ram_size = RAM_SIZE,
		.elf_class = elf_class, .entry_limit = entry_limit,
	};
	struct loader_model model;
	bool must_load = loader_model_accepts(file, size, elf_class, entry_limit,
					      RAM_SIZE, &model);
	char why[256] = "";
	uint64_t entry = UINT64_MAX;
	bool loaded = image_load(file, size, &target, &entry, why, sizeof(why));

	if (loaded != must_load)
		broken_promise(loaded ? "loaded an image the model refuses" :
			       "refused an image the model loads", why);
	if (loaded)
		check_loaded(file, &model, entry, why);
	else if (why[0] == '\0' || strchr(why, '\n'))
		broken_promise("a refusal without a one-line reason", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *file, size_t size)
{
	load_as(file, size, ELFCLASS32, MIB);           /* -r */
	load_as(file, size, ELFCLASS32, 4 * GIB);       /* -s, -p */
	load_as(file, size, ELFCLASS64, UINT64_MAX);    /* -l */
	return 0;
}
