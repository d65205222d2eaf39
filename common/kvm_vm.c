#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_vm.h"
#include "x86.h"

#define KVM_DEVICE "/dev/kvm"

/* The kernel's sigset_t is 64 bits on x86-64; glibc's is larger. */
#define KERNEL_SIGSET_BYTES 8

/* KVM_GET_SUPPORTED_CPUID says E2BIG until the table is large enough; the
 * kernel's own limit is far below this one. */
#define CPUID_ENTRIES_FIRST 64
#define CPUID_ENTRIES_MAX   4096

int kvm_open(const char *device)
{
	int kvm_fd, api_version;

	if (!device || !*device)
		device = KVM_DEVICE;
	kvm_fd = open(device, O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		err(1, "cannot open %s: load the KVM module (modprobe kvm_intel "
		    "or kvm_amd), and get read-write access to it (the kvm "
		    "group)", device);
	api_version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (api_version != KVM_API_VERSION)
		errx(1, "%s: KVM API version %d, need %d", device, api_version,
		     KVM_API_VERSION);
	return kvm_fd;
}

void vm_create(struct vm *vm, int kvm_fd)
{
	*vm = (struct vm){ .kvm_fd = kvm_fd, .vm_fd = -1, .vcpu.fd = -1 };
	vm->vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		err(1, "KVM_CREATE_VM");
}

/* Before the vCPU exists: KVM refuses the identity map after. */
void vm_set_tss_and_identity_map(const struct vm *vm)
{
	uint64_t identity_map = VM_IDENTITY_MAP_ADDR;

	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity_map) < 0)
		err(1, "KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, VM_TSS_ADDR) < 0)
		err(1, "KVM_SET_TSS_ADDR");
}

/* Anonymous host memory, plugged in as slot 0 at guest physical 0. */
void vm_add_ram(struct vm *vm, uint64_t size, enum ram_placement where)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	struct kvm_userspace_memory_region region;

	if (where == RAM_BELOW_4GIB)
		flags |= MAP_32BIT;
	vm->guest_ram = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (vm->guest_ram == MAP_FAILED)
		err(1, "mmap guest RAM%s",
		    where == RAM_BELOW_4GIB ? " below 4 GiB" : "");
	vm->ram_size = size;

	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = size,
		.userspace_addr = (uintptr_t)vm->guest_ram,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		err(1, "KVM_SET_USER_MEMORY_REGION");
}

/* The size of the kvm_run mapping: the same for every vCPU. */
static size_t kvm_run_size(int kvm_fd)
{
	static size_t run_size;
	int size;

	if (run_size)
		return run_size;
	size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		err(1, "KVM_GET_VCPU_MMAP_SIZE");
	if (size < (int)sizeof(struct kvm_run))
		errx(1, "KVM_GET_VCPU_MMAP_SIZE: %d bytes, too small", size);
	run_size = (size_t)size;
	return run_size;
}

void vcpu_create(struct vm *vm)
{
	struct vcpu *vcpu = &vm->vcpu;

	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vcpu->fd < 0)
		err(1, "KVM_CREATE_VCPU");

	vcpu->run_size = kvm_run_size(vm->kvm_fd);
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		err(1, "mmap kvm_run");
}

bool vcpu_sync_sregs(struct vm *vm)
{
	int sync_regs = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			      KVM_CAP_SYNC_REGS);

	/* A failed check (-1) must not read as "every bit set". */
	if (sync_regs <= 0 || !(sync_regs & KVM_SYNC_X86_SREGS))
		return false;
	vm->vcpu.run->kvm_valid_regs = KVM_SYNC_X86_SREGS;
	return true;
}

/* The CPUID table KVM can give a vCPU, asked once per process. */
static const struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	static struct kvm_cpuid2 *supported;
	struct kvm_cpuid2 *table;

	for (unsigned nent = CPUID_ENTRIES_FIRST; !supported; nent *= 2) {
		if (nent > CPUID_ENTRIES_MAX)
			errx(1, "KVM_GET_SUPPORTED_CPUID: more than %d entries",
			     CPUID_ENTRIES_MAX);
		table = calloc(1, sizeof(*table) +
				  nent * sizeof(table->entries[0]));
		if (!table)
			err(1, "calloc");
		table->nent = nent;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, table) == 0) {
			supported = table;
		} else {
			free(table);
			if (errno != E2BIG)
				err(1, "KVM_GET_SUPPORTED_CPUID");
		}
	}
	return supported;
}

void vcpu_set_supported_cpuid(const struct vm *vm)
{
	if (ioctl(vm->vcpu.fd, KVM_SET_CPUID2, supported_cpuid(vm->kvm_fd)) < 0)
		err(1, "KVM_SET_CPUID2");
}

bool vcpu_try_get_regs(const struct vcpu *vcpu, struct kvm_regs *regs)
{
	return ioctl(vcpu->fd, KVM_GET_REGS, regs) == 0;
}

bool vcpu_try_set_regs(const struct vcpu *vcpu, const struct kvm_regs *regs)
{
	return ioctl(vcpu->fd, KVM_SET_REGS, regs) == 0;
}

bool vcpu_try_get_sregs(const struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	return ioctl(vcpu->fd, KVM_GET_SREGS, sregs) == 0;
}

bool vcpu_try_set_sregs(const struct vcpu *vcpu,
			const struct kvm_sregs *sregs)
{
	return ioctl(vcpu->fd, KVM_SET_SREGS, sregs) == 0;
}

/* A fatal step is its vcpu_try_ step with the refusal made an exit. */
static void vcpu_must(bool done, const char *request)
{
	if (!done)
		err(1, "%s", request);
}

void vcpu_get_regs(const struct vcpu *vcpu, struct kvm_regs *regs)
{
	vcpu_must(vcpu_try_get_regs(vcpu, regs), "KVM_GET_REGS");
}

void vcpu_set_regs(const struct vcpu *vcpu, const struct kvm_regs *regs)
{
	vcpu_must(vcpu_try_set_regs(vcpu, regs), "KVM_SET_REGS");
}

void vcpu_get_sregs(const struct vcpu *vcpu, struct kvm_sregs *sregs)
{
	vcpu_must(vcpu_try_get_sregs(vcpu, sregs), "KVM_GET_SREGS");
}

void vcpu_set_sregs(const struct vcpu *vcpu, const struct kvm_sregs *sregs)
{
	vcpu_must(vcpu_try_set_sregs(vcpu, sregs), "KVM_SET_SREGS");
}

void vcpu_enter_mode(struct vm *vm, cpu_mode_setup *setup,
		     const struct cpu_tables *t, uint64_t entry,
		     uint64_t stack_top)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rflags = RFLAGS_FIXED, .rip = entry, .rsp = stack_top,
	};

	vcpu_get_sregs(&vm->vcpu, &sregs);
	setup(vm, t, &sregs, &regs);
	vcpu_set_sregs(&vm->vcpu, &sregs);
	vcpu_set_regs(&vm->vcpu, &regs);
}

void vcpu_set_signal_mask(const struct vcpu *vcpu, const sigset_t *mask)
{
	uint64_t buf[(sizeof(struct kvm_signal_mask) + KERNEL_SIGSET_BYTES +
		      sizeof(uint64_t) - 1) / sizeof(uint64_t)];
	struct kvm_signal_mask *arg = (struct kvm_signal_mask *)buf;

	if (mask) {
		arg->len = KERNEL_SIGSET_BYTES;
		memcpy(arg->sigset, mask, KERNEL_SIGSET_BYTES);
	}
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, mask ? arg : NULL) < 0)
		err(1, "KVM_SET_SIGNAL_MASK");
}

void vm_destroy(struct vm *vm)
{
	if (vm->vcpu.run)
		munmap(vm->vcpu.run, vm->vcpu.run_size);
	if (vm->vcpu.fd >= 0)
		close(vm->vcpu.fd);
	if (vm->guest_ram)
		munmap(vm->guest_ram, vm->ram_size);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	*vm = (struct vm){ .kvm_fd = vm->kvm_fd, .vm_fd = -1, .vcpu.fd = -1 };
}
