#include <elf.h>
#include <string.h>

#include "elf_build.h"

size_t elf_ehdr_size(uint8_t elf_class)
{
	return elf_class == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
}

size_t elf_phdr_size(uint8_t elf_class)
{
	return elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

uint8_t elf_build_pattern(size_t i)
{
	return (uint8_t)(i % 251 + 1);
}

void elf_spec_valid(struct elf_spec *spec, uint8_t elf_class)
{
	static const struct elf_seg text = {
		.type = PT_LOAD, .offset = 0x100, .filesz = 0x100,
		.paddr = 0x1000, .memsz = 0x180,
	};

	memset(spec, 0, sizeof(*spec));
	spec->elf_class = elf_class;
	spec->data = ELFDATA2LSB;
	spec->type = ET_EXEC;
	spec->machine = elf_class == ELFCLASS64 ? EM_X86_64 : EM_386;
	spec->entry = text.paddr;
	spec->phoff = elf_ehdr_size(elf_class);
	spec->phentsize = (uint16_t)elf_phdr_size(elf_class);
	spec->file_size = 0x200;
	elf_spec_segments(spec, &text, 1);
}

void elf_spec_segments(struct elf_spec *spec, const struct elf_seg *segs,
		       uint16_t phnum)
{
	memcpy(spec->segs, segs, phnum * sizeof(*segs));
	spec->phnum = phnum;
}

static void fill_ident(const struct elf_spec *spec, unsigned char *ident)
{
	memset(ident, 0, EI_NIDENT);
	memcpy(ident, ELFMAG, SELFMAG);
	ident[EI_CLASS] = spec->elf_class;
	ident[EI_DATA] = spec->data;
	ident[EI_VERSION] = EV_CURRENT;
}

/* The header in the class the spec names; ELFCLASS64 layout for class 2,
 * ELF32 layout for anything else (an invalid class needs some bytes). */
static size_t write_ehdr(const struct elf_spec *spec, uint8_t *buf)
{
	if (spec->elf_class == ELFCLASS64) {
		Elf64_Ehdr eh = {
			.e_type = spec->type, .e_machine = spec->machine,
			.e_version = EV_CURRENT, .e_entry = spec->entry,
			.e_phoff = spec->phoff, .e_ehsize = sizeof(eh),
			.e_phentsize = spec->phentsize, .e_phnum = spec->phnum,
		};

		fill_ident(spec, eh.e_ident);
		memcpy(buf, &eh, sizeof(eh));
		return sizeof(eh);
	} else {
		Elf32_Ehdr eh = {
			.e_type = spec->type, .e_machine = spec->machine,
			.e_version = EV_CURRENT, .e_entry = (Elf32_Addr)spec->entry,
			.e_phoff = (Elf32_Off)spec->phoff, .e_ehsize = sizeof(eh),
			.e_phentsize = spec->phentsize, .e_phnum = spec->phnum,
		};

		fill_ident(spec, eh.e_ident);
		memcpy(buf, &eh, sizeof(eh));
		return sizeof(eh);
	}
}

/* Program headers are written with the class's own layout and size;
 * a spec with another e_phentsize still gets them at that stride. */
static void write_phdr(const struct elf_spec *spec, const struct elf_seg *seg,
		       uint8_t *at)
{
	if (spec->elf_class == ELFCLASS64) {
		Elf64_Phdr ph = {
			.p_type = seg->type, .p_flags = PF_R | PF_W | PF_X,
			.p_offset = seg->offset, .p_vaddr = seg->paddr,
			.p_paddr = seg->paddr, .p_filesz = seg->filesz,
			.p_memsz = seg->memsz, .p_align = 0x1000,
		};

		memcpy(at, &ph, sizeof(ph));
	} else {
		Elf32_Phdr ph = {
			.p_type = seg->type, .p_flags = PF_R | PF_W | PF_X,
			.p_offset = (Elf32_Off)seg->offset,
			.p_vaddr = (Elf32_Addr)seg->paddr,
			.p_paddr = (Elf32_Addr)seg->paddr,
			.p_filesz = (Elf32_Word)seg->filesz,
			.p_memsz = (Elf32_Word)seg->memsz, .p_align = 0x1000,
		};

		memcpy(at, &ph, sizeof(ph));
	}
}

size_t elf_build(const struct elf_spec *spec, uint8_t *buf, size_t buf_size)
{
	size_t phdr_size = elf_phdr_size(spec->elf_class);
	size_t stride = spec->phentsize ? spec->phentsize : phdr_size;

	for (size_t i = 0; i < buf_size; i++)
		buf[i] = elf_build_pattern(i);
	if (buf_size >= elf_ehdr_size(spec->elf_class))
		write_ehdr(spec, buf);
	for (size_t i = 0; i < spec->phnum && i < ELF_BUILD_MAX_SEGS; i++) {
		/* No sum formed before it is known not to wrap: broken specs
		 * put phoff near the top of 64 bits. */
		uint64_t room = spec->phoff <= buf_size ? buf_size - spec->phoff : 0;

		if (i * stride <= room && phdr_size <= room - i * stride)
			write_phdr(spec, &spec->segs[i], buf + spec->phoff + i * stride);
	}
	return spec->file_size;
}

struct elf_seg elf_load_seg(uint64_t offset, uint64_t filesz,
			    uint64_t paddr, uint64_t memsz)
{
	return (struct elf_seg){ PT_LOAD, offset, filesz, paddr, memsz };
}
