#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hypercall.h"
#include "loader.h"

#define MAX_SEGMENTS 64

/* A PT_LOAD header, whatever the ELF class. */
struct segment {
	unsigned phdr;              /* its index in the program header table */
	uint64_t offset, filesz;    /* bytes of the file */
	uint64_t gpa, memsz;        /* where they go in guest RAM */
};

struct image {
	struct segment segs[MAX_SEGMENTS];
	unsigned nsegs;
	uint64_t entry;
};

static bool fault(char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fault(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return false;
}

/* [start, start + len) lies within [0, limit), with no overflow. */
static bool range_within(uint64_t start, uint64_t len, uint64_t limit)
{
	return start <= limit && len <= limit - start;
}

/* Callers check both ranges first, so neither end overflows. An empty
 * range holds no address, so it overlaps nothing. */
static bool ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b,
			   uint64_t b_len)
{
	return a_len && b_len && a < b + b_len && b < a + a_len;
}

static bool parse_flat(size_t size, struct image *img, char *why,
		       size_t why_size)
{
	if (size > GUEST_IMAGE_MAX)
		return fault(why, why_size, "flat image of %zu bytes is larger "
			     "than the %u bytes below the hypervisor area",
			     size, GUEST_IMAGE_MAX);
	img->segs[0] = (struct segment){ .filesz = size, .memsz = size };
	img->nsegs = 1;
	img->entry = 0;
	return true;
}

/*
 * ELF32 and ELF64 headers differ only in field widths and order: each is
 * read into the ELF64 structure, so one parser serves both classes.
 */
static size_t ehdr_size(unsigned elf_class)
{
	return elf_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
}

static size_t phdr_size(unsigned elf_class)
{
	return elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

static void read_ehdr(const uint8_t *file, unsigned elf_class, Elf64_Ehdr *eh)
{
	Elf32_Ehdr eh32;

	if (elf_class == ELFCLASS64) {
		memcpy(eh, file, sizeof(*eh));
		return;
	}
	memcpy(&eh32, file, sizeof(eh32));
	eh->e_type = eh32.e_type;
	eh->e_machine = eh32.e_machine;
	eh->e_entry = eh32.e_entry;
	eh->e_phoff = eh32.e_phoff;
	eh->e_phentsize = eh32.e_phentsize;
	eh->e_phnum = eh32.e_phnum;
}

static void read_phdr(const uint8_t *file, unsigned elf_class, Elf64_Phdr *ph)
{
	Elf32_Phdr ph32;

	if (elf_class == ELFCLASS64) {
		memcpy(ph, file, sizeof(*ph));
		return;
	}
	memcpy(&ph32, file, sizeof(ph32));
	ph->p_type = ph32.p_type;
	ph->p_offset = ph32.p_offset;
	ph->p_paddr = ph32.p_paddr;
	ph->p_filesz = ph32.p_filesz;
	ph->p_memsz = ph32.p_memsz;
}

static const char *class_name(unsigned elf_class)
{
	return elf_class == ELFCLASS64 ? "ELF64" :
	       elf_class == ELFCLASS32 ? "ELF32" : "(invalid)";
}

static bool parse_elf(const uint8_t *file, size_t size, unsigned elf_class,
		      struct image *img, char *why, size_t why_size)
{
	unsigned machine = elf_class == ELFCLASS64 ? EM_X86_64 : EM_386;
	Elf64_Ehdr eh;

	if (size < EI_NIDENT)
		return fault(why, why_size, "truncated ELF header (%zu bytes)", size);
	if (file[EI_CLASS] != elf_class)
		return fault(why, why_size, "%s image does not fit this mode, "
			     "which runs %s", class_name(file[EI_CLASS]),
			     class_name(elf_class));
	if (file[EI_DATA] != ELFDATA2LSB)
		return fault(why, why_size, "ELF data is not little-endian");
	if (size < ehdr_size(elf_class))
		return fault(why, why_size, "truncated ELF header (%zu bytes)", size);

	read_ehdr(file, elf_class, &eh);
	if (eh.e_machine != machine)
		return fault(why, why_size, "ELF machine %u does not fit this "
			     "mode, which runs %u", eh.e_machine, machine);
	if (eh.e_type != ET_EXEC)
		return fault(why, why_size, "ELF type %u is not ET_EXEC", eh.e_type);
	if (eh.e_phnum == 0 || eh.e_phentsize != phdr_size(elf_class))
		return fault(why, why_size, "no usable program header table");
	if (!range_within(eh.e_phoff, (uint64_t)eh.e_phnum * eh.e_phentsize, size))
		return fault(why, why_size, "truncated program header table");

	img->entry = eh.e_entry;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		read_phdr(file + eh.e_phoff + (size_t)i * eh.e_phentsize,
			  elf_class, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		if (img->nsegs == MAX_SEGMENTS)
			return fault(why, why_size, "more than %d PT_LOAD "
				     "segments", MAX_SEGMENTS);
		img->segs[img->nsegs++] = (struct segment){
			.phdr = i,
			.offset = ph.p_offset, .filesz = ph.p_filesz,
			.gpa = ph.p_paddr, .memsz = ph.p_memsz,
		};
	}
	if (img->nsegs == 0)
		return fault(why, why_size, "no PT_LOAD segment");
	return true;
}

/* Messages name a segment by its program header, as readelf -l numbers them. */
static bool check_segment(const struct image *img, unsigned i, size_t size,
			  uint64_t ram_size, char *why, size_t why_size)
{
	const struct segment *s = &img->segs[i];
	unsigned n = s->phdr;

	if (!range_within(s->offset, s->filesz, size))
		return fault(why, why_size, "program header %u: file range 0x%"
			     PRIx64 "+0x%" PRIx64 " lies outside the file "
			     "(%zu bytes)", n, s->offset, s->filesz, size);
	if (s->filesz > s->memsz)
		return fault(why, why_size, "program header %u: p_filesz 0x%"
			     PRIx64 " > p_memsz 0x%" PRIx64, n, s->filesz,
			     s->memsz);
	if (!range_within(s->gpa, s->memsz, ram_size))
		return fault(why, why_size, "program header %u: guest range 0x%"
			     PRIx64 "+0x%" PRIx64 " leaves guest RAM (0x%"
			     PRIx64 " bytes)", n, s->gpa, s->memsz, ram_size);
	if (ranges_overlap(s->gpa, s->memsz, HV_AREA_START,
			   HV_AREA_END - HV_AREA_START))
		return fault(why, why_size, "program header %u: guest range 0x%"
			     PRIx64 "+0x%" PRIx64 " overlaps the hypervisor "
			     "area 0x%x-0x%x", n, s->gpa, s->memsz,
			     HV_AREA_START, HV_AREA_END);
	for (unsigned j = 0; j < i; j++)
		if (ranges_overlap(s->gpa, s->memsz, img->segs[j].gpa,
				   img->segs[j].memsz))
			return fault(why, why_size, "program header %u overlaps "
				     "program header %u", n, img->segs[j].phdr);
	return true;
}

static bool entry_in_segment(const struct image *img)
{
	for (unsigned i = 0; i < img->nsegs; i++)
		if (img->entry >= img->segs[i].gpa &&
		    img->entry - img->segs[i].gpa < img->segs[i].memsz)
			return true;
	return false;
}

bool image_load(const uint8_t *file, size_t size,
		const struct load_target *target, uint64_t *entry,
		char *why, size_t why_size)
{
	static const uint8_t elf_magic[SELFMAG] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3 };
	struct image img = { .nsegs = 0 };
	bool parsed;

	if (size == 0)
		return fault(why, why_size, "empty image");
	if (size >= SELFMAG && memcmp(file, elf_magic, SELFMAG) == 0)
		parsed = parse_elf(file, size, target->elf_class, &img, why, why_size);
	else
		parsed = parse_flat(size, &img, why, why_size);
	if (!parsed)
		return false;

	for (unsigned i = 0; i < img.nsegs; i++)
		if (!check_segment(&img, i, size, target->ram_size, why, why_size))
			return false;
	if (!entry_in_segment(&img))
		return fault(why, why_size, "entry point 0x%" PRIx64
			     " is outside every loaded segment", img.entry);
	if (img.entry >= target->entry_limit)
		return fault(why, why_size, "entry point 0x%" PRIx64
			     " is out of this mode's reach (below 0x%" PRIx64 ")",
			     img.entry, target->entry_limit);

	for (unsigned i = 0; i < img.nsegs; i++) {
		const struct segment *s = &img.segs[i];

		memcpy(target->ram + s->gpa, file + s->offset, s->filesz);
		memset(target->ram + s->gpa + s->filesz, 0, s->memsz - s->filesz);
	}
	*entry = img.entry;
	return true;
}
