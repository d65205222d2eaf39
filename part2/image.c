#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

/* Frees the half-read buffer first, so that exiting leaks nothing. */
static void image_reject(struct image *img, int fd, const char *why)
{
	free(img->bytes);
	img->bytes = NULL;
	close(fd);
	errx(2, "%s: %s", img->path, why);
}

/* Reads up to want bytes; fewer only at the end of the file. */
static size_t read_all(int fd, uint8_t *buf, size_t want, struct image *img)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);

		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			image_reject(img, fd, strerror(errno));
		got += n;
	}
	return got;
}

void image_read(struct image *img, const char *path, size_t max_size)
{
	struct stat st;
	int fd;

	*img = (struct image){ .path = path };
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		err(2, "%s", path);
	if (fstat(fd, &st) < 0)
		image_reject(img, fd, strerror(errno));
	if (S_ISDIR(st.st_mode))
		image_reject(img, fd, strerror(EISDIR));
	if (!S_ISREG(st.st_mode))
		image_reject(img, fd, "not a regular file");
	if (st.st_size == 0)
		image_reject(img, fd, "empty image");
	if ((uint64_t)st.st_size > max_size)
		image_reject(img, fd, "image larger than the VM's 1 MiB of RAM");

	img->bytes = malloc(st.st_size);
	if (!img->bytes)
		err(1, "malloc");
	/* Should the file shrink meanwhile, what read gives is the image. */
	img->size = read_all(fd, img->bytes, st.st_size, img);
	if (img->size == 0)
		image_reject(img, fd, "empty image");
	close(fd);
}

void image_free(struct image *img)
{
	free(img->bytes);
	img->bytes = NULL;
}
