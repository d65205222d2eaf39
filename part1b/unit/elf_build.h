/*
 * Builds ELF32 and ELF64 executables in memory, valid or broken on
 * purpose, for the loader's unit tests, the bad images of loader.bats and
 * the fuzzer's seeds. Fields are given in ELF64 widths and cut to the
 * class's own widths when written.
 */
#ifndef ELF_BUILD_H
#define ELF_BUILD_H

#include <stddef.h>
#include <stdint.h>

#define ELF_BUILD_MAX_SEGS 70  /* more than loader.c's 64 PT_LOAD */

struct elf_seg {
	uint32_t type;                  /* PT_LOAD, PT_NOTE, ... */
	uint64_t offset, filesz;        /* bytes of the file */
	uint64_t paddr, memsz;          /* where they go in guest RAM */
};

struct elf_spec {
	uint8_t elf_class;              /* e_ident[EI_CLASS] */
	uint8_t data;                   /* e_ident[EI_DATA] */
	uint16_t type, machine;
	uint64_t entry;
	uint64_t phoff;
	uint16_t phentsize, phnum;
	struct elf_seg segs[ELF_BUILD_MAX_SEGS];
	size_t file_size;               /* the whole file, headers included */
};

/*
 * A valid executable of elf_class (ELFCLASS32: EM_386, ELFCLASS64:
 * EM_X86_64) with one PT_LOAD: file bytes [0x100, 0x200) to guest
 * 0x1000, with 0x80 more bytes of zeros; entry 0x1000; 0x200 bytes long.
 */
/* A PT_LOAD header. */
struct elf_seg elf_load_seg(uint64_t offset, uint64_t filesz,
			    uint64_t paddr, uint64_t memsz);

void elf_spec_valid(struct elf_spec *spec, uint8_t elf_class);

/* Sets phnum segments; the table stays right after the ELF header. */
void elf_spec_segments(struct elf_spec *spec, const struct elf_seg *segs,
		       uint16_t phnum);

/*
 * Writes the file into buf (of buf_size bytes, at least spec->file_size):
 * every byte a pattern first (elf_build_pattern), then the ELF header,
 * then the program headers that fit in buf. Returns spec->file_size.
 */
size_t elf_build(const struct elf_spec *spec, uint8_t *buf, size_t buf_size);

/* The pattern byte at file offset i, never 0 (so that loaded bytes differ
 * from zero-filled ones). */
uint8_t elf_build_pattern(size_t i);

/* The sizes of the class's headers. */
size_t elf_ehdr_size(uint8_t elf_class);
size_t elf_phdr_size(uint8_t elf_class);

#endif /* ELF_BUILD_H */
