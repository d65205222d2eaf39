#include <err.h>
#include <inttypes.h>
#include <sys/ioctl.h>

#include "guest_count.h"

void guest_count_print(const struct run *r)
{
	for (unsigned i = 0; i < r->nvm; i++) {
		struct kvm_regs regs;
		uint64_t count;

		if (ioctl(r->vm[i].vcpu.fd, KVM_GET_REGS, &regs) < 0)
			err(1, "KVM_GET_REGS");
		count = (regs.rdx & 0xffffffffu) << 32 | (regs.rax & 0xffffffffu);
		warnx("VMFD %d count %" PRIu64, r->vm[i].vm_fd, count);
	}
}
