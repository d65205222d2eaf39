/*
 * kvm-floor: the floor every part1b figure is divided by, the least a
 * hypervisor can do to run a flat guest image to HLT: create the VM, its
 * RAM and vCPU (mini-vm.h), load the image at 0, and call KVM_RUN in a
 * loop that only counts the exits.
 *
 * No hypercall is served: an `out` is ignored and an `in` reads whatever
 * KVM leaves in the data area. The same bench guest images run here and
 * in simple-kvm, so the difference is what simple-kvm does per exit.
 *
 *   kvm-floor [-v] IMAGE     -v: the exit count on stderr
 *
 * Exit status 0 when the guest halts, 1 on any other exit or error.
 */
#include <stdio.h>
#include <string.h>

#include "mini-vm.h"

static void load(const char *path, uint8_t *ram)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;
	size_t size = 0;

	if (fd < 0)
		err(1, "%s", path);
	while ((got = read(fd, ram + size, GUEST_IMAGE_MAX - size)) > 0)
		size += (size_t)got;
	if (got < 0)
		err(1, "%s", path);
	if (size == 0 || size == GUEST_IMAGE_MAX)
		errx(1, "%s: empty, or not below %u bytes", path, GUEST_IMAGE_MAX);
	close(fd);
}

int main(int argc, char **argv)
{
	int verbose = argc == 3 && strcmp(argv[1], "-v") == 0;
	unsigned long long exits = 0;
	struct vm m;

	if (argc != 2 + verbose)
		errx(2, "usage: kvm-floor [-v] IMAGE");
	mini_vm_create(&m);
	load(argv[1 + verbose], m.guest_ram);
	mini_vm_long_mode(&m);

	/* The run loop that only counts. */
	for (;;) {
		if (ioctl(m.vcpu_fd, KVM_RUN, 0) < 0)
			err(1, "KVM_RUN");
		exits++;
		if (m.run->exit_reason == KVM_EXIT_HLT)
			break;
		if (m.run->exit_reason != KVM_EXIT_IO)
			errx(1, "exit reason %u after %llu exits",
			     m.run->exit_reason, exits);
	}
	if (verbose)
		fprintf(stderr, "kvm-floor: %llu exits\n", exits);
	return 0;
}
