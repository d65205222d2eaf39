/*
 * A reference model of image_load() for fuzz-loader (SPEC §3.4): whether
 * an image must be accepted, and what it must put in guest RAM. Written
 * apart from loader.c, with 128-bit sums where loader.c avoids overflow
 * by ordering its comparisons, so the two do not share a mistake.
 */
#ifndef LOADER_MODEL_H
#define LOADER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOADER_MODEL_MAX_SEGS 64

struct model_segment {
	uint64_t offset, filesz, gpa, memsz;
};

struct loader_model {
	struct model_segment segs[LOADER_MODEL_MAX_SEGS];
	unsigned nsegs;
	uint64_t entry;
};

/* True when the image must load; then m holds what must be loaded. */
bool loader_model_accepts(const uint8_t *file, size_t size, unsigned elf_class,
			  uint64_t entry_limit, uint64_t ram_size,
			  struct loader_model *m);

#endif /* LOADER_MODEL_H */
