#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Intel runs a real-mode guest as a virtual-8086 task when the CPU lacks
 * "unrestricted guest", and KVM needs three pages of guest-physical space
 * for that task's TSS. They must not overlap RAM; other CPUs ignore them.
 */
#define TSS_ADDR 0xfffbd000ul

/* The kernel's sigset_t is 64 bits on x86-64; glibc's is larger. */
#define KERNEL_SIGSET_BYTES 8

/* Frees the half-read buffer first, so that exiting leaks nothing. */
static void image_reject(struct image *img, const char *why)
{
	free(img->bytes);
	img->bytes = NULL;
	errx(2, "%s: %s", img->path, why);
}

void image_read(struct image *img, const char *path)
{
	ssize_t got;
	int fd;

	*img = (struct image){ .path = path };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err(2, "%s", path);

	/* One byte more than the RAM holds tells "too large" from "just
	 * fits" without trusting st_size, so pipes and devices work too. */
	img->bytes = malloc(GUEST_RAM_SIZE + 1);
	if (!img->bytes)
		err(1, "malloc");
	do {
		got = read(fd, img->bytes + img->size,
			   GUEST_RAM_SIZE + 1 - img->size);
		if (got > 0)
			img->size += got;
	} while (got > 0 && img->size <= GUEST_RAM_SIZE);
	if (got < 0)
		image_reject(img, strerror(errno));
	close(fd);

	if (img->size == 0)
		image_reject(img, "empty image");
	if (img->size > GUEST_RAM_SIZE)
		image_reject(img, "image larger than the VM's 1 MiB of RAM");
}

void image_free(struct image *img)
{
	free(img->bytes);
	img->bytes = NULL;
}

int kvm_open(void)
{
	int kvm_fd, version;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		err(1, "/dev/kvm");

	version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		errx(1, "/dev/kvm speaks API version %d, not %d", version,
		     KVM_API_VERSION);
	return kvm_fd;
}

/* Reset leaves the vCPU at ffff:fff0 (the BIOS entry); point every segment
 * at 0 so the image's first byte is the first instruction. */
static void vcpu_enter_real_mode(const struct vm *vm)
{
	struct kvm_regs regs = {
		.rip = 0,
		.rsp = 0,       /* a push wraps to 0000:fffe */
		.rflags = 0x2,  /* bit 1 is reserved and must be set */
	};
	struct kvm_sregs sregs;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
	sregs.cs.selector = sregs.cs.base = 0;
	sregs.ds.selector = sregs.ds.base = 0;
	sregs.es.selector = sregs.es.base = 0;
	sregs.fs.selector = sregs.fs.base = 0;
	sregs.gs.selector = sregs.gs.base = 0;
	sregs.ss.selector = sregs.ss.base = 0;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		err(1, "KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		err(1, "KVM_SET_REGS");
}

void vm_create(struct vm *vm, int kvm_fd, const struct image *img)
{
	struct kvm_userspace_memory_region region;
	int run_size;

	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		err(1, "KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		err(1, "KVM_SET_TSS_ADDR");

	vm->guest_ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->guest_ram == MAP_FAILED)
		err(1, "mmap guest RAM");
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_RAM_SIZE,
		.userspace_addr = (uintptr_t)vm->guest_ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		err(1, "KVM_SET_USER_MEMORY_REGION");
	memcpy(vm->guest_ram, img->bytes, img->size);

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		err(1, "KVM_CREATE_VCPU");
	run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (int)sizeof(*vm->run))
		err(1, "KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = run_size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		err(1, "mmap kvm_run");
	vcpu_enter_real_mode(vm);

	printf("VMFD: %d, Loaded Program with size: %zu\n", vm->vm_fd,
	       img->size);
}

void vm_set_signal_mask(const struct vm *vm, const sigset_t *mask)
{
	struct kvm_signal_mask *arg;

	arg = malloc(sizeof(*arg) + KERNEL_SIGSET_BYTES);
	if (!arg)
		err(1, "malloc");
	arg->len = KERNEL_SIGSET_BYTES;
	memcpy(arg->sigset, mask, KERNEL_SIGSET_BYTES);
	if (ioctl(vm->vcpu_fd, KVM_SET_SIGNAL_MASK, arg) < 0)
		err(1, "KVM_SET_SIGNAL_MASK");
	free(arg);
}

void vm_run(struct vm *vm)
{
	/* A signal is an ordinary way out: KVM has set KVM_EXIT_INTR. */
	if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0 && errno != EINTR)
		err(1, "VMFD %d: KVM_RUN", vm->vm_fd);
}

/* The value written by an OUT of 1, 2 or 4 bytes (x86 is little-endian). */
static uint32_t io_data(const struct kvm_run *run)
{
	uint32_t data = 0;
	size_t size = run->io.size < sizeof(data) ? run->io.size : sizeof(data);

	memcpy(&data, (const uint8_t *)run + run->io.data_offset, size);
	return data;
}

void vm_print_exit(const struct vm *vm)
{
	const struct kvm_run *run = vm->run;

	printf("VMFD: %d stopped running - exit reason: %u\n", vm->vm_fd,
	       run->exit_reason);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		printf("VMFD: %d KVM_EXIT_IO\n", vm->vm_fd);
		if (run->io.direction == KVM_EXIT_IO_OUT)
			printf("VMFD: %d out port: %u, data: %u\n", vm->vm_fd,
			       run->io.port, io_data(run));
		break;
	case KVM_EXIT_INTR:
		printf("VMFD: %d KVM_EXIT_INTR\n", vm->vm_fd);
		break;
	}
}

bool vm_exit_expected(const struct vm *vm)
{
	const struct kvm_run *run = vm->run;

	return (run->exit_reason == KVM_EXIT_IO &&
		run->io.direction == KVM_EXIT_IO_OUT) ||
	       run->exit_reason == KVM_EXIT_INTR;
}

const char *vm_exit_name(uint32_t exit_reason)
{
#define NAME(reason) [reason] = #reason
	static const char *const names[] = {
		NAME(KVM_EXIT_UNKNOWN),  NAME(KVM_EXIT_EXCEPTION),
		NAME(KVM_EXIT_IO),       NAME(KVM_EXIT_HLT),
		NAME(KVM_EXIT_MMIO),     NAME(KVM_EXIT_SHUTDOWN),
		NAME(KVM_EXIT_FAIL_ENTRY), NAME(KVM_EXIT_INTR),
		NAME(KVM_EXIT_INTERNAL_ERROR),
	};
#undef NAME
	if (exit_reason < ARRAY_SIZE(names) && names[exit_reason])
		return names[exit_reason];
	return "an exit these programs do not handle";
}

void vm_destroy(struct vm *vm)
{
	munmap(vm->run, vm->run_size);
	close(vm->vcpu_fd);
	munmap(vm->guest_ram, GUEST_RAM_SIZE);
	close(vm->vm_fd);
}
