/*
 * mkimage DIR: writes into DIR the guest images ../tests/loader.bats feeds
 * to `simple-kvm --guest`: one per way loader.c refuses an image, and a
 * few valid ones that only halt, to show the refusals are not a setup
 * fault. loader.bats holds the message each must get; the comment at each
 * image names the mode it is meant for.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf_build.h"
#include "hypercall.h"

#define HLT 0xf4
#define IMAGE_MAX (GUEST_IMAGE_MAX + 1)

static uint8_t image[IMAGE_MAX];

typedef size_t (*make_fn)(void);

static size_t built(const struct elf_spec *spec)
{
	return elf_build(spec, image, sizeof(image));
}

static size_t valid_with_segment(uint8_t elf_class, struct elf_seg seg)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, elf_class);
	spec.segs[0] = seg;
	return built(&spec);
}

/* Valid, with HLT at the entry point (file offset 0x100). */
static size_t valid_halting(uint8_t elf_class)
{
	struct elf_spec spec;
	size_t size;

	elf_spec_valid(&spec, elf_class);
	size = built(&spec);
	image[0x100] = HLT;
	return size;
}

static size_t elf32_hlt(void) { return valid_halting(ELFCLASS32); }  /* -s, -p */
static size_t elf64_hlt(void) { return valid_halting(ELFCLASS64); }  /* -l */

/* Any mode: 1 MiB, the largest flat image, HLT at 0 and zeros after. */
static size_t flat_1mib_hlt(void)
{
	memset(image, 0, GUEST_IMAGE_MAX);
	image[0] = HLT;
	return GUEST_IMAGE_MAX;
}

static size_t empty(void) { return 0; }

/* -l: 40 of the 64 bytes of an ELF64 header. */
static size_t truncated_header(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	built(&spec);
	return 40;
}

/* -l: two program headers announced, the file ends inside the second. */
static size_t truncated_phdrs(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.phnum = 2;
	spec.segs[1] = elf_load_seg(0x100, 0, 0x3000, 0x10);
	built(&spec);
	return sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 20;
}

/* -l: file bytes [0x100, 0x201) of a 512-byte file. */
static size_t file_range_outside(void)
{
	return valid_with_segment(ELFCLASS64, elf_load_seg(0x100, 0x101, 0x1000, 0x200));
}

/* -l: p_offset + p_filesz wraps around 64 bits. */
static size_t file_range_wraps(void)
{
	return valid_with_segment(ELFCLASS64, elf_load_seg(
		UINT64_C(0xffffffffffffff00), 0x200, 0x1000, 0x200));
}

/* -s: more file bytes than memory for them. */
static size_t filesz_above_memsz(void)
{
	return valid_with_segment(ELFCLASS32, elf_load_seg(0x100, 0x100, 0x1000, 0xff));
}

/* -l, 2 MiB of RAM: one byte past the end. */
static size_t leaves_ram(void)
{
	return valid_with_segment(ELFCLASS64, elf_load_seg(0x100, 0x100, 0x1ff000, 0x1001));
}

/* -l: p_paddr + p_memsz wraps around 64 bits. */
static size_t range_wraps(void)
{
	return valid_with_segment(ELFCLASS64, elf_load_seg(
		0x100, 0x100, UINT64_C(0xfffffffffffff000), 0x2000));
}

/* -l: one byte into the hypervisor area. */
static size_t hv_overlap(void)
{
	return valid_with_segment(ELFCLASS64, elf_load_seg(
		0x100, 0x100, HV_AREA_START - 0x1000, 0x1001));
}

/* -p: the second segment starts inside the first. */
static size_t segments_overlap(void)
{
	const struct elf_seg segs[] = {
		elf_load_seg(0x100, 0x100, 0x1000, 0x180),
		elf_load_seg(0x100, 0x10, 0x1100, 0x10),
	};
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS32);
	elf_spec_segments(&spec, segs, 2);
	return built(&spec);
}

/* -l: an ELF64 for another machine. */
static size_t wrong_machine(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.machine = EM_386;
	return built(&spec);
}

/* -l: a shared object, not an executable. */
static size_t not_exec(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.type = ET_DYN;
	return built(&spec);
}

/* -l */
static size_t big_endian(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.data = ELFDATA2MSB;
	return built(&spec);
}

/* -l: program headers, none of them PT_LOAD. */
static size_t no_pt_load(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.segs[0].type = PT_NOTE;
	return built(&spec);
}

/* -l: entry 0x5000, the segment covers [0x1000, 0x1180). */
static size_t entry_outside(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.entry = 0x5000;
	return built(&spec);
}

/* -r: a segment above the first MiB, entered there. */
static size_t entry_beyond_reach(void)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, ELFCLASS32);
	spec.segs[0] = elf_load_seg(0x100, 0x100, HV_AREA_END, 0x100);
	spec.entry = HV_AREA_END;
	return built(&spec);
}

/* Any mode: one byte more than fits below the hypervisor area. */
static size_t flat_too_big(void)
{
	memset(image, 0x90, IMAGE_MAX);
	return IMAGE_MAX;
}

static const struct {
	const char *name;
	make_fn make;
} images[] = {
	{ "elf32-hlt", elf32_hlt },
	{ "elf64-hlt", elf64_hlt },
	{ "flat-1mib-hlt", flat_1mib_hlt },
	{ "empty", empty },
	{ "truncated-header", truncated_header },
	{ "truncated-phdrs", truncated_phdrs },
	{ "file-range-outside", file_range_outside },
	{ "file-range-wraps", file_range_wraps },
	{ "filesz-above-memsz", filesz_above_memsz },
	{ "leaves-ram", leaves_ram },
	{ "range-wraps", range_wraps },
	{ "hv-overlap", hv_overlap },
	{ "segments-overlap", segments_overlap },
	{ "wrong-machine", wrong_machine },
	{ "not-exec", not_exec },
	{ "big-endian", big_endian },
	{ "no-pt-load", no_pt_load },
	{ "entry-outside", entry_outside },
	{ "entry-beyond-reach", entry_beyond_reach },
	{ "flat-too-big", flat_too_big },
};

static int write_image(const char *dir, const char *name, size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(image, 1, size, f) != size || fclose(f) != 0) {
		fprintf(stderr, "mkimage: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkimage DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if (write_image(argv[1], images[i].name, images[i].make()) < 0)
			return 1;
	return 0;
}
