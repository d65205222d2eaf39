#include <err.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_file.h"

/* No image can fill more than the largest guest RAM, 1 GiB. */
#define GUEST_FILE_MAX (UINT64_C(1) << 30)

void guest_file_read(const char *path, struct guest_file *file)
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
	if ((uint64_t)st.st_size > GUEST_FILE_MAX)
		errx(2, "%s: %lld bytes, larger than any guest RAM",
		     path, (long long)st.st_size);

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
