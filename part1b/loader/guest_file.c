#include <err.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_file.h"

void guest_file_read(const char *path, uint64_t max_size,
		     struct guest_file *file)
{
	struct stat st;
	uint8_t *bytes;
	size_t done = 0;
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer
	 * before fstat could refuse it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		err(2, "%s", path);
	if (fstat(fd, &st) < 0)
		err(2, "%s", path);
	if (!S_ISREG(st.st_mode))
		errx(2, "%s: not a regular file", path);
	/* By its size, before a byte of it is read. */
	if ((uint64_t)st.st_size > max_size)
		errx(2, "%s: %lld bytes, larger than the largest guest RAM "
		     "(%" PRIu64 " MiB)", path, (long long)st.st_size,
		     max_size >> 20);

	bytes = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!bytes)
		err(2, "%s", path);
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, bytes + done, (size_t)st.st_size - done);

		if (n < 0)
			err(2, "%s", path);
		if (n == 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	file->bytes = bytes;
	file->size = done;
}

void guest_file_free(struct guest_file *file)
{
	free((void *)file->bytes);
	file->bytes = NULL;
}
