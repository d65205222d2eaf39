/*
 * A guest image: a flat binary read from a regular file, checked before
 * any VM exists (SPEC §4.6).
 */
#ifndef IMAGE_H
#define IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct image {
	const char *path;
	uint8_t *bytes;         /* exactly size bytes */
	size_t size;
};

/* Reads the image at path, of 1 to max_size bytes. A missing or unreadable
 * file, one that is not a regular file (a FIFO, a device: they could block
 * for ever), an empty one or one over max_size ends the program with one
 * line on stderr and status 2. A file over max_size is refused by its size,
 * without reading it. */
void image_read(struct image *img, const char *path, size_t max_size);
void image_free(struct image *img);

#endif
