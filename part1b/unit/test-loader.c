/*
 * Unit tests of image_load (loader.c): valid ELF32, ELF64 and flat images
 * land where their headers say, and every malformed one is refused with
 * its exact message and guest RAM left exactly as it was.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "elf_build.h"
#include "hypercall.h"
#include "loader.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

#define RAM_SIZE GUEST_RAM_DEFAULT
#define FILE_MAX (2 * MIB)
/* What RAM holds before a load: a load must not leave it elsewhere. */
#define RAM_FILL 0xcc

/* What each CPU mode of simple-kvm asks of an image. */
enum mode { REAL, PROTECTED, LONG };

static uint8_t *ram;
static uint8_t *file;   /* the image under test */

struct load_result {
	bool ok;
	uint64_t entry;
	char why[256];
};

static struct load_target target_of(enum mode mode, uint64_t ram_size)
{
	static const struct {
		unsigned elf_class;
		uint64_t entry_limit;
	} modes[] = {
		[REAL] = { ELFCLASS32, MIB },
		[PROTECTED] = { ELFCLASS32, 4 * GIB },
		[LONG] = { ELFCLASS64, UINT64_MAX },
	};

	return (struct load_target){
		.ram = ram, .ram_size = ram_size,
		.elf_class = modes[mode].elf_class,
		.entry_limit = modes[mode].entry_limit,
	};
}

static struct load_result load_in(enum mode mode, uint64_t ram_size,
				  size_t size)
{
	struct load_target target = target_of(mode, ram_size);
	struct load_result r = { .ok = false };

	memset(ram, RAM_FILL, RAM_SIZE);
	r.ok = image_load(file, size, &target, &r.entry, r.why, sizeof(r.why));
	return r;
}

static struct load_result load(enum mode mode, size_t size)
{
	return load_in(mode, RAM_SIZE, size);
}

/* Builds spec into file; returns its size. */
static size_t build(const struct elf_spec *spec)
{
	return elf_build(spec, file, FILE_MAX);
}

static void expect_ram_filled(uint64_t from, uint64_t to, uint8_t byte)
{
	for (uint64_t i = from; i < to; i++)
		if (ram[i] != byte) {
			CHECK(false, "RAM at 0x%" PRIx64 " is 0x%02x, expected "
			      "0x%02x", i, ram[i], byte);
			return;
		}
}

static void expect_loaded(const struct load_result *r, uint64_t entry)
{
	CHECK(r->ok, "refused: %s", r->why);
	CHECK(!r->ok || r->entry == entry, "entry 0x%" PRIx64 ", expected 0x%"
	      PRIx64, r->entry, entry);
}

/* Refused with exactly why, and not a byte of RAM written. */
static void expect_refused(const struct load_result *r, const char *why)
{
	CHECK(!r->ok, "loaded, expected the refusal \"%s\"", why);
	CHECK_TEXT("why", r->why, strlen(r->why), why);
	expect_ram_filled(0, RAM_SIZE, RAM_FILL);
}

/* The valid image of the class with its one segment changed. */
static size_t build_with_segment(uint8_t elf_class, struct elf_seg seg)
{
	struct elf_spec spec;

	elf_spec_valid(&spec, elf_class);
	spec.segs[0] = seg;
	return build(&spec);
}

/* ---- images that load ---- */

/* elf_spec_valid: file [0x100, 0x200) to 0x1000, then 0x80 zeros. */
static void expect_valid_image_loaded(const struct load_result *r)
{
	expect_loaded(r, 0x1000);
	CHECK(memcmp(ram + 0x1000, file + 0x100, 0x100) == 0,
	      "segment bytes differ from the file's");
	expect_ram_filled(0x1100, 0x1180, 0);
	expect_ram_filled(0, 0x1000, RAM_FILL);
	expect_ram_filled(0x1180, RAM_SIZE, RAM_FILL);
}

static void elf32_loads_in_real_and_protected_modes(void)
{
	struct elf_spec spec;
	size_t size;

	elf_spec_valid(&spec, ELFCLASS32);
	size = build(&spec);
	for (enum mode mode = REAL; mode <= PROTECTED; mode++) {
		struct load_result r = load(mode, size);

		expect_valid_image_loaded(&r);
	}
}

static void elf64_loads_in_long_mode(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	r = load(LONG, build(&spec));
	expect_valid_image_loaded(&r);
}

/*
 * Two PT_LOADs, one above the hypervisor area, side by side with another
 * kind of program header whose fields are nonsense: only PT_LOAD counts.
 */
static void elf_loads_several_segments_and_skips_other_headers(void)
{
	const struct elf_seg segs[] = {
		{ PT_NOTE, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1 },
		elf_load_seg(0x100, 0x80, 0x2000, 0x80),
		elf_load_seg(0x180, 0x80, HV_AREA_END, 0x1000),
	};

	for (uint8_t elf_class = ELFCLASS32; elf_class <= ELFCLASS64; elf_class++) {
		struct elf_spec spec;
		struct load_result r;

		elf_spec_valid(&spec, elf_class);
		elf_spec_segments(&spec, segs, 3);
		spec.entry = HV_AREA_END + 0x10;
		r = load(elf_class == ELFCLASS64 ? LONG : PROTECTED, build(&spec));
		expect_loaded(&r, HV_AREA_END + 0x10);
		CHECK(memcmp(ram + 0x2000, file + 0x100, 0x80) == 0 &&
		      memcmp(ram + HV_AREA_END, file + 0x180, 0x80) == 0,
		      "segment bytes differ from the file's");
		expect_ram_filled(HV_AREA_END + 0x80, HV_AREA_END + 0x1000, 0);
		expect_ram_filled(HV_AREA_START, HV_AREA_END, RAM_FILL);
	}
}

/* Up to the hypervisor area and from its end: touching is not overlapping. */
static void elf_segments_may_touch_the_hypervisor_area(void)
{
	const struct elf_seg segs[] = {
		elf_load_seg(0x100, 0x100, HV_AREA_START - 0x1000, 0x1000),
		elf_load_seg(0x100, 0x100, HV_AREA_END, RAM_SIZE - HV_AREA_END),
	};
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	elf_spec_segments(&spec, segs, 2);
	spec.entry = HV_AREA_START - 1;
	r = load(LONG, build(&spec));
	expect_loaded(&r, HV_AREA_START - 1);
	expect_ram_filled(HV_AREA_START, HV_AREA_END, RAM_FILL);
}

/* The last byte of a segment is a valid entry; one more is not. */
static void elf_entry_at_the_last_byte_of_a_segment(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS32);
	spec.entry = 0x117f;
	r = load(PROTECTED, build(&spec));
	expect_loaded(&r, 0x117f);
}

/* 64 PT_LOADs side by side: the most the loader takes. */
static void elf_with_64_segments_loads(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.phnum = 64;
	for (unsigned i = 0; i < 64; i++)
		spec.segs[i] = elf_load_seg(0x1000, 0x10, 0x10000 + i * 0x10, 0x10);
	spec.entry = 0x10000;
	spec.file_size = 0x1010;
	r = load(LONG, build(&spec));
	expect_loaded(&r, 0x10000);
	for (unsigned i = 0; i < 64; i++)
		CHECK(memcmp(ram + 0x10000 + i * 0x10, file + 0x1000, 0x10) == 0,
		      "segment %u differs from the file", i);
}

static void flat_image_loads_at_0_with_entry_0(void)
{
	static const uint8_t code[] = { 0xb0, 0x2a, 0xe6, 0xe9, 0xf4, 0x00, 0x7f };
	struct load_result r;

	for (enum mode mode = REAL; mode <= LONG; mode++) {
		memcpy(file, code, sizeof(code));
		r = load(mode, sizeof(code));
		expect_loaded(&r, 0);
		CHECK(memcmp(ram, code, sizeof(code)) == 0, "RAM differs from the image");
		expect_ram_filled(sizeof(code), RAM_SIZE, RAM_FILL);
	}
}

/* Up to 1 MiB: everything below the hypervisor area. */
static void flat_image_of_1mib_loads(void)
{
	struct load_result r;

	memset(file, 0x90, GUEST_IMAGE_MAX);
	r = load(REAL, GUEST_IMAGE_MAX);
	expect_loaded(&r, 0);
	expect_ram_filled(0, GUEST_IMAGE_MAX, 0x90);
	expect_ram_filled(GUEST_IMAGE_MAX, RAM_SIZE, RAM_FILL);
}

/* The ELF magic needs 4 bytes: fewer are a flat image that starts alike. */
static void flat_image_shorter_than_the_elf_magic(void)
{
	struct load_result r;

	memcpy(file, ELFMAG, 3);
	r = load(LONG, 3);
	expect_loaded(&r, 0);
	CHECK(memcmp(ram, ELFMAG, 3) == 0, "RAM differs from the image");
}

/* ---- images refused ---- */

static void empty_image(void)
{
	struct load_result r = load(LONG, 0);

	expect_refused(&r, "empty image");
}

static void truncated_elf_header(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	build(&spec);
	r = load(LONG, 10);
	expect_refused(&r, "truncated ELF header (10 bytes)");
	r = load(LONG, sizeof(Elf64_Ehdr) - 1);
	expect_refused(&r, "truncated ELF header (63 bytes)");
	elf_spec_valid(&spec, ELFCLASS32);
	build(&spec);
	r = load(PROTECTED, sizeof(Elf32_Ehdr) - 1);
	expect_refused(&r, "truncated ELF header (51 bytes)");
}

static void truncated_program_header_table(void)
{
	struct elf_spec spec;
	struct load_result r;

	/* The second header ends past the end of the file. */
	elf_spec_valid(&spec, ELFCLASS64);
	spec.phnum = 2;
	spec.segs[1] = elf_load_seg(0x100, 0, 0x3000, 0x10);
	build(&spec);
	r = load(LONG, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) + 20);
	expect_refused(&r, "truncated program header table");
	/* e_phoff beyond the file, and at the top of 64 bits (it wraps). */
	spec.phoff = 0x1000;
	r = load(LONG, build(&spec));
	expect_refused(&r, "truncated program header table");
	spec.phoff = UINT64_MAX - 8;
	r = load(LONG, build(&spec));
	expect_refused(&r, "truncated program header table");
	elf_spec_valid(&spec, ELFCLASS32);
	spec.phoff = 0xffffffe0;
	r = load(PROTECTED, build(&spec));
	expect_refused(&r, "truncated program header table");
}

static void no_usable_program_header_table(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.phnum = 0;
	r = load(LONG, build(&spec));
	expect_refused(&r, "no usable program header table");
	elf_spec_valid(&spec, ELFCLASS64);
	spec.phentsize = sizeof(Elf32_Phdr);
	r = load(LONG, build(&spec));
	expect_refused(&r, "no usable program header table");
}

static void segment_file_range_outside_the_file(void)
{
	struct load_result r;

	r = load(LONG, build_with_segment(ELFCLASS64,
					  elf_load_seg(0x100, 0x101, 0x1000, 0x200)));
	expect_refused(&r, "program header 0: file range 0x100+0x101 lies outside the "
		       "file (512 bytes)");
	r = load(LONG, build_with_segment(ELFCLASS64,
					  elf_load_seg(0x201, 0, 0x1000, 0x200)));
	expect_refused(&r, "program header 0: file range 0x201+0x0 lies outside the "
		       "file (512 bytes)");
	/* offset + filesz wraps around 64 bits. */
	r = load(LONG, build_with_segment(ELFCLASS64, elf_load_seg(
		UINT64_C(0xffffffffffffff00), 0x200, 0x1000, 0x200)));
	expect_refused(&r, "program header 0: file range 0xffffffffffffff00+0x200 lies "
		       "outside the file (512 bytes)");
	/* ... and around 32 bits, for a loader that would add in 32 bits. */
	r = load(PROTECTED, build_with_segment(ELFCLASS32, elf_load_seg(
		0xffffff00, 0x200, 0x1000, 0x200)));
	expect_refused(&r, "program header 0: file range 0xffffff00+0x200 lies outside "
		       "the file (512 bytes)");
}

static void segment_filesz_above_memsz(void)
{
	struct load_result r = load(PROTECTED, build_with_segment(ELFCLASS32,
		elf_load_seg(0x100, 0x100, 0x1000, 0xff)));

	expect_refused(&r, "program header 0: p_filesz 0x100 > p_memsz 0xff");
}

static void segment_leaving_guest_ram(void)
{
	struct load_result r;

	r = load(LONG, build_with_segment(ELFCLASS64,
		 elf_load_seg(0x100, 0x100, RAM_SIZE - 0x1000, 0x1001)));
	expect_refused(&r, "program header 0: guest range 0x1ff000+0x1001 leaves guest "
		       "RAM (0x200000 bytes)");
	r = load(LONG, build_with_segment(ELFCLASS64,
		 elf_load_seg(0x100, 0x100, 0x40000000, 0x100)));
	expect_refused(&r, "program header 0: guest range 0x40000000+0x100 leaves guest "
		       "RAM (0x200000 bytes)");
	/* paddr + memsz wraps around 64 bits. */
	r = load(LONG, build_with_segment(ELFCLASS64, elf_load_seg(
		0x100, 0x100, UINT64_C(0xfffffffffffff000), 0x2000)));
	expect_refused(&r, "program header 0: guest range 0xfffffffffffff000+0x2000 "
		       "leaves guest RAM (0x200000 bytes)");
	r = load(PROTECTED, build_with_segment(ELFCLASS32, elf_load_seg(
		0x100, 0x100, 0xfffff000, 0x2000)));
	expect_refused(&r, "program header 0: guest range 0xfffff000+0x2000 leaves "
		       "guest RAM (0x200000 bytes)");
	/* memsz alone larger than RAM, from 0. */
	r = load(PROTECTED, build_with_segment(ELFCLASS32, elf_load_seg(
		0x100, 0x100, 0, 0xffffffff)));
	expect_refused(&r, "program header 0: guest range 0x0+0xffffffff leaves guest "
		       "RAM (0x200000 bytes)");
}

static void segment_overlapping_the_hypervisor_area(void)
{
	struct load_result r;

	r = load(LONG, build_with_segment(ELFCLASS64,
		 elf_load_seg(0x100, 0x100, HV_AREA_START - 0x1000, 0x1001)));
	expect_refused(&r, "program header 0: guest range 0xff000+0x1001 overlaps the "
		       "hypervisor area 0x100000-0x121000");
	r = load(LONG, build_with_segment(ELFCLASS64,
		 elf_load_seg(0x100, 0, HV_AREA_END - 1, 1)));
	expect_refused(&r, "program header 0: guest range 0x120fff+0x1 overlaps the "
		       "hypervisor area 0x100000-0x121000");
	r = load(PROTECTED, build_with_segment(ELFCLASS32,
		 elf_load_seg(0x100, 0x100, 0, RAM_SIZE)));
	expect_refused(&r, "program header 0: guest range 0x0+0x200000 overlaps the "
		       "hypervisor area 0x100000-0x121000");
}

/* Named by program header index, as readelf numbers them: the note is 0. */
static void segments_overlapping_each_other(void)
{
	const struct elf_seg segs[] = {
		{ PT_NOTE, 0, 0, 0, 0 },
		elf_load_seg(0x100, 0x100, 0x1000, 0x180),
		elf_load_seg(0x100, 0x10, 0x3000, 0x10),
		elf_load_seg(0x100, 0x10, 0x117f, 0x10),
	};
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS32);
	elf_spec_segments(&spec, segs, 4);
	r = load(PROTECTED, build(&spec));
	expect_refused(&r, "program header 3 overlaps program header 1");
}

/* An empty segment holds no address: inside another one, or inside the
 * hypervisor area, it overlaps nothing. */
static void empty_segments_overlap_nothing(void)
{
	const struct elf_seg segs[] = {
		elf_load_seg(0x100, 0x100, 0x1000, 0x180),
		elf_load_seg(0x100, 0, 0x1080, 0),
		elf_load_seg(0x100, 0, HV_AREA_START + 0x1000, 0),
	};
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	elf_spec_segments(&spec, segs, 3);
	spec.entry = 0x1000;
	r = load(LONG, build(&spec));
	expect_loaded(&r, 0x1000);
}

static void elf_class_not_fitting_the_mode(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	r = load(PROTECTED, build(&spec));
	expect_refused(&r, "ELF64 image does not fit this mode, which runs ELF32");
	r = load(REAL, build(&spec));
	expect_refused(&r, "ELF64 image does not fit this mode, which runs ELF32");
	elf_spec_valid(&spec, ELFCLASS32);
	r = load(LONG, build(&spec));
	expect_refused(&r, "ELF32 image does not fit this mode, which runs ELF64");
	spec.elf_class = ELFCLASSNONE;
	r = load(LONG, build(&spec));
	expect_refused(&r, "(invalid) image does not fit this mode, which runs "
		       "ELF64");
	spec.elf_class = 3;
	r = load(PROTECTED, build(&spec));
	expect_refused(&r, "(invalid) image does not fit this mode, which runs "
		       "ELF32");
}

static void elf_big_endian(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.data = ELFDATA2MSB;
	r = load(LONG, build(&spec));
	expect_refused(&r, "ELF data is not little-endian");
}

static void elf_machine_not_fitting_the_mode(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS32);
	spec.machine = EM_X86_64;
	r = load(PROTECTED, build(&spec));
	expect_refused(&r, "ELF machine 62 does not fit this mode, which runs 3");
	elf_spec_valid(&spec, ELFCLASS64);
	spec.machine = EM_386;
	r = load(LONG, build(&spec));
	expect_refused(&r, "ELF machine 3 does not fit this mode, which runs 62");
	spec.machine = EM_AARCH64;
	r = load(LONG, build(&spec));
	expect_refused(&r, "ELF machine 183 does not fit this mode, which runs 62");
}

static void elf_not_an_executable(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.type = ET_DYN;
	r = load(LONG, build(&spec));
	expect_refused(&r, "ELF type 3 is not ET_EXEC");
	spec.type = ET_REL;
	r = load(LONG, build(&spec));
	expect_refused(&r, "ELF type 1 is not ET_EXEC");
}

static void elf_without_pt_load(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.segs[0].type = PT_NOTE;
	r = load(LONG, build(&spec));
	expect_refused(&r, "no PT_LOAD segment");
}

static void elf_with_65_segments(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS32);
	spec.phnum = 65;
	for (unsigned i = 0; i < 65; i++)
		spec.segs[i] = elf_load_seg(0x1000, 0x10, 0x10000 + i * 0x10, 0x10);
	spec.file_size = 0x1010;
	r = load(PROTECTED, build(&spec));
	expect_refused(&r, "more than 64 PT_LOAD segments");
}

static void elf_entry_outside_every_segment(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS64);
	spec.entry = 0x5000;
	r = load(LONG, build(&spec));
	expect_refused(&r, "entry point 0x5000 is outside every loaded segment");
	spec.entry = 0x1180;  /* one past the end of the segment */
	r = load(LONG, build(&spec));
	expect_refused(&r, "entry point 0x1180 is outside every loaded segment");
	spec.entry = 0xfff;
	r = load(LONG, build(&spec));
	expect_refused(&r, "entry point 0xfff is outside every loaded segment");
}

/* Real mode reaches the first MiB: a segment above it can't be entered. */
static void elf_entry_beyond_the_modes_reach(void)
{
	struct elf_spec spec;
	struct load_result r;

	elf_spec_valid(&spec, ELFCLASS32);
	spec.segs[0] = elf_load_seg(0x100, 0x100, HV_AREA_END, 0x100);
	spec.entry = HV_AREA_END;
	r = load(REAL, build(&spec));
	expect_refused(&r, "entry point 0x121000 is out of this mode's reach "
		       "(below 0x100000)");
	r = load(PROTECTED, spec.file_size);
	expect_loaded(&r, HV_AREA_END);
}

static void flat_image_over_1mib(void)
{
	struct load_result r;

	memset(file, 0x90, GUEST_IMAGE_MAX + 1);
	r = load(LONG, GUEST_IMAGE_MAX + 1);
	expect_refused(&r, "flat image of 1048577 bytes is larger than the "
		       "1048576 bytes below the hypervisor area");
}

/* Guest RAM smaller than the image (not a size simple-kvm allows). */
static void flat_image_larger_than_guest_ram(void)
{
	struct load_result r;

	memset(file, 0x90, 0x10001);
	r = load_in(LONG, 0x10000, 0x10001);
	expect_refused(&r, "program header 0: guest range 0x0+0x10001 leaves guest RAM "
		       "(0x10000 bytes)");
}

/* A short why buffer gets a cut, terminated message and no more. */
static void why_is_cut_to_its_buffer(void)
{
	struct load_target target = target_of(LONG, RAM_SIZE);
	char why[32];
	uint64_t entry;

	memset(why, 'W', sizeof(why));
	CHECK(!image_load(file, 0, &target, &entry, why, 8), "loaded");
	CHECK_TEXT("why", why, strlen(why), "empty i");
	for (size_t i = 8; i < sizeof(why); i++)
		CHECK(why[i] == 'W', "why[%zu] written past its size", i);
}

static const struct check_case cases[] = {
#define CASE(name) { #name, name }
	CASE(elf32_loads_in_real_and_protected_modes),
	CASE(elf64_loads_in_long_mode),
	CASE(elf_loads_several_segments_and_skips_other_headers),
	CASE(elf_segments_may_touch_the_hypervisor_area),
	CASE(elf_entry_at_the_last_byte_of_a_segment),
	CASE(elf_with_64_segments_loads),
	CASE(flat_image_loads_at_0_with_entry_0),
	CASE(flat_image_of_1mib_loads),
	CASE(flat_image_shorter_than_the_elf_magic),
	CASE(empty_image),
	CASE(truncated_elf_header),
	CASE(truncated_program_header_table),
	CASE(no_usable_program_header_table),
	CASE(segment_file_range_outside_the_file),
	CASE(segment_filesz_above_memsz),
	CASE(segment_leaving_guest_ram),
	CASE(segment_overlapping_the_hypervisor_area),
	CASE(segments_overlapping_each_other),
	CASE(empty_segments_overlap_nothing),
	CASE(elf_class_not_fitting_the_mode),
	CASE(elf_big_endian),
	CASE(elf_machine_not_fitting_the_mode),
	CASE(elf_not_an_executable),
	CASE(elf_without_pt_load),
	CASE(elf_with_65_segments),
	CASE(elf_entry_outside_every_segment),
	CASE(elf_entry_beyond_the_modes_reach),
	CASE(flat_image_over_1mib),
	CASE(flat_image_larger_than_guest_ram),
	CASE(why_is_cut_to_its_buffer),
#undef CASE
};

int main(int argc, char **argv)
{
	int status;

	ram = malloc(RAM_SIZE);
	file = malloc(FILE_MAX);
	if (!ram || !file)
		return 2;
	status = check_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
	free(ram);
	free(file);
	return status;
}
