#include <elf.h>
#include <string.h>

#include "hypercall.h"
#include "loader_model.h"

typedef unsigned __int128 u128;

/* Little-endian fields at any offset: no struct overlays of the file. */
static uint64_t field(const uint8_t *p, unsigned width)
{
	uint64_t value = 0;

	for (unsigned i = 0; i < width; i++)
		value |= (uint64_t)p[i] << (8 * i);
	return value;
}

/* [a, a + a_len) and [b, b + b_len) share an address; an empty range
 * holds none. */
static bool overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
	return a_len && b_len &&
	       (u128)a < (u128)b + b_len && (u128)b < (u128)a + a_len;
}

static bool flat_accepts(size_t size, uint64_t ram_size, struct loader_model *m)
{
	if (size > GUEST_IMAGE_MAX || size > ram_size)
		return false;
	m->segs[0] = (struct model_segment){ 0, size, 0, size };
	m->nsegs = 1;
	m->entry = 0;
	return true;
}

/* Where each class keeps the fields the loader reads. */
struct elf_layout {
	size_t ehdr_size, phdr_size;
	size_t e_entry, e_phoff, e_phentsize, e_phnum, addr_width;
	size_t p_offset, p_paddr, p_filesz, p_memsz;
	uint16_t machine;
};

static const struct elf_layout elf32 = {
	.ehdr_size = 52, .phdr_size = 32, .addr_width = 4,
	.e_entry = 24, .e_phoff = 28, .e_phentsize = 42, .e_phnum = 44,
	.p_offset = 4, .p_paddr = 12, .p_filesz = 16, .p_memsz = 20,
	.machine = EM_386,
};
static const struct elf_layout elf64 = {
	.ehdr_size = 64, .phdr_size = 56, .addr_width = 8,
	.e_entry = 24, .e_phoff = 32, .e_phentsize = 54, .e_phnum = 56,
	.p_offset = 8, .p_paddr = 24, .p_filesz = 32, .p_memsz = 40,
	.machine = EM_X86_64,
};

static bool header_fits(const uint8_t *file, size_t size, unsigned elf_class,
			const struct elf_layout *l)
{
	if (size < EI_NIDENT || file[EI_CLASS] != elf_class ||
	    file[EI_DATA] != ELFDATA2LSB || size < l->ehdr_size)
		return false;
	return field(file + 18, 2) == l->machine &&       /* e_machine */
	       field(file + 16, 2) == ET_EXEC;            /* e_type */
}

static bool read_segments(const uint8_t *file, size_t size,
			  const struct elf_layout *l, struct loader_model *m)
{
	uint64_t phoff = field(file + l->e_phoff, l->addr_width);
	uint64_t phentsize = field(file + l->e_phentsize, 2);
	uint64_t phnum = field(file + l->e_phnum, 2);

	if (phnum == 0 || phentsize != l->phdr_size ||
	    (u128)phoff + phnum * phentsize > size)
		return false;
	m->nsegs = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = file + phoff + i * phentsize;

		if (field(ph, 4) != PT_LOAD)
			continue;
		if (m->nsegs == LOADER_MODEL_MAX_SEGS)
			return false;
		m->segs[m->nsegs++] = (struct model_segment){
			.offset = field(ph + l->p_offset, l->addr_width),
			.filesz = field(ph + l->p_filesz, l->addr_width),
			.gpa = field(ph + l->p_paddr, l->addr_width),
			.memsz = field(ph + l->p_memsz, l->addr_width),
		};
	}
	return m->nsegs > 0;
}

static bool segment_fits(const struct loader_model *m, unsigned i,
			 size_t size, uint64_t ram_size)
{
	const struct model_segment *s = &m->segs[i];

	if ((u128)s->offset + s->filesz > size || s->filesz > s->memsz ||
	    (u128)s->gpa + s->memsz > ram_size ||
	    overlap(s->gpa, s->memsz, HV_AREA_START, HV_AREA_END - HV_AREA_START))
		return false;
	for (unsigned j = 0; j < i; j++)
		if (overlap(s->gpa, s->memsz, m->segs[j].gpa, m->segs[j].memsz))
			return false;
	return true;
}

static bool entry_fits(const struct loader_model *m, uint64_t entry_limit)
{
	if (m->entry >= entry_limit)
		return false;
	for (unsigned i = 0; i < m->nsegs; i++)
		if (m->entry >= m->segs[i].gpa &&
		    (u128)m->entry < (u128)m->segs[i].gpa + m->segs[i].memsz)
			return true;
	return false;
}

bool loader_model_accepts(const uint8_t *file, size_t size, unsigned elf_class,
			  uint64_t entry_limit, uint64_t ram_size,
			  struct loader_model *m)
{
	const struct elf_layout *l = elf_class == ELFCLASS64 ? &elf64 : &elf32;

	if (size == 0)
		return false;
	if (size < SELFMAG || memcmp(file, ELFMAG, SELFMAG) != 0) {
		if (!flat_accepts(size, ram_size, m))
			return false;
	} else {
		if (!header_fits(file, size, elf_class, l) ||
		    !read_segments(file, size, l, m))
			return false;
		m->entry = field(file + l->e_entry, l->addr_width);
	}
	for (unsigned i = 0; i < m->nsegs; i++)
		if (!segment_fits(m, i, size, ram_size))
			return false;
	return entry_fits(m, entry_limit);
}
