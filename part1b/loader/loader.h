/*
 * Guest images: an ELF executable, loaded by its PT_LOAD program headers,
 * or a flat binary, loaded at guest physical 0 with entry 0. The whole
 * image is checked before a byte of it is copied, because the file is as
 * untrusted as the guest it holds.
 */
#ifndef LOADER_H
#define LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct load_target {
	uint8_t *ram;           /* guest RAM, zero-filled */
	uint64_t ram_size;
	unsigned elf_class;     /* ELFCLASS32 or ELFCLASS64: what the mode runs */
	uint64_t entry_limit;   /* the entry point must lie below this */
};

/*
 * Copies the image in file[0, size) into target->ram and sets *entry.
 * On a fault, copies nothing and writes one line naming it into why.
 */
bool image_load(const uint8_t *file, size_t size,
		const struct load_target *target, uint64_t *entry,
		char *why, size_t why_size);

#endif /* LOADER_H */
