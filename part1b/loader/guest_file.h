#ifndef GUEST_FILE_H
#define GUEST_FILE_H

#include <stddef.h>
#include <stdint.h>

/* A guest image file read whole into host memory. */
struct guest_file {
	const uint8_t *bytes;
	size_t size;
};

/*
 * Reads path, a regular file of at most max_size bytes, or exits with
 * status 2 and one line saying why it cannot. The size is checked first:
 * a larger file is refused without reading it.
 */
void guest_file_read(const char *path, uint64_t max_size,
		     struct guest_file *file);
void guest_file_free(struct guest_file *file);

#endif /* GUEST_FILE_H */
