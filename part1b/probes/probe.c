#include <err.h>
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "probe.h"

void probe_create(struct vm *probe, int kvm_fd, uint64_t ram_size)
{
	vm_create(probe, kvm_fd);
	vm_set_tss_and_identity_map(probe);
	vm_add_ram(probe, ram_size, RAM_ANYWHERE);
	vcpu_create(probe);
}

static void no_op(int signal)
{
	(void)signal;
}

/* SIGALRM after PROBE_SECONDS, then every second (one that lands before
 * KVM_RUN is entered is followed by another); 0 seconds disarms. */
static void probe_timer(unsigned seconds)
{
	struct itimerval t = {
		.it_value.tv_sec = seconds,
		.it_interval.tv_sec = seconds ? 1 : 0,
	};

	setitimer(ITIMER_REAL, &t, NULL);
}

bool probe_run(struct vm *probe)
{
	struct sigaction stop = { .sa_handler = no_op }, old;
	int ret;

	sigemptyset(&stop.sa_mask);
	sigaction(SIGALRM, &stop, &old);        /* no SA_RESTART: EINTR */
	probe_timer(PROBE_SECONDS);
	ret = ioctl(probe->vcpu.fd, KVM_RUN, 0);
	probe_timer(0);
	sigaction(SIGALRM, &old, NULL);
	return ret == 0 && probe->vcpu.run->exit_reason != KVM_EXIT_INTR;
}
