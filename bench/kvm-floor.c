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
 *   kvm-floor [-v] [-n N] IMAGE   -v: the exit count on stderr
 *                                 -n: create N VMs first, each with its
 *                                 RAM and vCPU, and run IMAGE in the last
 *                                 (the floor of matrix's start-up of N VMs)
 *
 * Exit status 0 when the guest halts, 1 on any other exit or error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

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

/* Each mini VM holds three descriptors: /dev/kvm, the VM, the vCPU. */
static void allow_files(unsigned long vms)
{
	struct rlimit lim;

	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < 3 * vms + 16) {
		lim.rlim_cur = lim.rlim_max;
		setrlimit(RLIMIT_NOFILE, &lim);
	}
}

int main(int argc, char **argv)
{
	unsigned long long exits = 0;
	unsigned long vms = 1;
	int verbose = 0, opt;
	struct vm m;

	while ((opt = getopt(argc, argv, "vn:")) != -1) {
		if (opt == 'v')
			verbose = 1;
		else if (opt == 'n' && (vms = strtoul(optarg, NULL, 10)) > 0)
			continue;
		else
			errx(2, "usage: kvm-floor [-v] [-n N] IMAGE");
	}
	if (optind != argc - 1)
		errx(2, "usage: kvm-floor [-v] [-n N] IMAGE");
	allow_files(vms);
	for (unsigned long i = 0; i < vms; i++)
		mini_vm_create(&m);     /* the others stay open until exit */
	load(argv[optind], m.guest_ram);
	mini_vm_long_mode(&m);

	/* The run loop that only counts. */
	for (;;) {
		if (ioctl(m.vcpu.fd, KVM_RUN, 0) < 0)
			err(1, "KVM_RUN");
		exits++;
		if (m.vcpu.run->exit_reason == KVM_EXIT_HLT)
			break;
		if (m.vcpu.run->exit_reason != KVM_EXIT_IO)
			errx(1, "exit reason %u after %llu exits",
			     m.vcpu.run->exit_reason, exits);
	}
	if (verbose)
		fprintf(stderr, "kvm-floor: %llu exits\n", exits);
	return 0;
}
