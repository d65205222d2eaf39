#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cpu_modes.h"
#include "matrix_vm.h"

/* Real mode's first 64 KiB: the stack segment is 0. */
#define REAL_MODE_STACK_TOP 0x10000

/*
 * The steps of the VM module (../common/kvm_vm.h) a real-mode guest needs:
 * no CPUID (real-mode code asks for no feature) and no synced registers
 * (nothing here reads them), so each of the many VMs costs little.
 */
void matrix_vm_create(struct vm *vm, int kvm_fd, const struct image *img)
{
	vm_create(vm, kvm_fd);
	vm_set_tss_and_identity_map(vm);
	vm_add_ram(vm, GUEST_RAM_SIZE, RAM_ANYWHERE);
	memcpy(vm->guest_ram, img->bytes, img->size);
	vcpu_create(vm);
	/* Entry 0000:0000; the stack wraps below 0000:0000 to 0000:fffe. */
	vcpu_enter_mode(vm, cpu_real_mode, NULL, 0, REAL_MODE_STACK_TOP);

	printf("VMFD: %d, Loaded Program with size: %zu\n", vm->vm_fd,
	       img->size);
}

void matrix_vm_set_signal_mask(const struct vm *vm, const sigset_t *mask)
{
	vcpu_set_signal_mask(&vm->vcpu, mask);
}

void matrix_vm_run(struct vm *vm)
{
	/* A signal is an ordinary way out: KVM has set KVM_EXIT_INTR. */
	if (ioctl(vm->vcpu.fd, KVM_RUN, 0) < 0 && errno != EINTR)
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

void matrix_vm_print_exit(const struct vm *vm)
{
	const struct kvm_run *run = vm->vcpu.run;

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

bool matrix_vm_exit_expected(const struct vm *vm)
{
	const struct kvm_run *run = vm->vcpu.run;

	return (run->exit_reason == KVM_EXIT_IO &&
		run->io.direction == KVM_EXIT_IO_OUT) ||
	       run->exit_reason == KVM_EXIT_INTR;
}
