#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>

#include "kvm_names.h"
#include "kvm_quirks.h"
#include "kvm_vm.h"

/*
 * The real-mode probe. Its RAM is all hlt (F4) but for the interrupt
 * table at 0, whose entry for vector v points at the hlt at HANDLERS + v,
 * and the code: lidt of a limit-0 table, ud2. Wherever the vCPU goes it
 * meets a hlt within a few instructions, and the rip of that halt says
 * which vector it took. A timer stops the run should a KVM loop inside
 * KVM_RUN all the same.
 */
#define PROBE_RAM        0x200000
#define PROBE_CODE       0x1000
#define PROBE_IDTR       0x1100  /* limit 0, base 0: six zero bytes */
#define PROBE_HANDLERS   0x2000
#define PROBE_STACK      0x8000
#define PROBE_SECONDS    5       /* to the first timer signal */
#define UD_VECTOR        6
#define HLT              0xf4

static const uint8_t probe_code[] = {
	0x0f, 0x01, 0x1e, PROBE_IDTR & 0xff, PROBE_IDTR >> 8, /* lidt [IDTR] */
	0x0f, 0x0b,                                           /* ud2 */
};

static void probe_load(struct vm *p)
{
	uint16_t entry[2];

	memset(p->guest_ram, HLT, PROBE_RAM);
	for (unsigned v = 0; v < 256; v++) {
		entry[0] = (uint16_t)(PROBE_HANDLERS + v);      /* offset */
		entry[1] = 0;                                   /* segment */
		memcpy(p->guest_ram + 4 * v, entry, sizeof(entry));
	}
	memcpy(p->guest_ram + PROBE_CODE, probe_code, sizeof(probe_code));
	memset(p->guest_ram + PROBE_IDTR, 0, 6);
}

static void probe_registers(struct vm *p)
{
	struct kvm_regs regs = { .rflags = 0x2, .rip = PROBE_CODE,
				 .rsp = PROBE_STACK };
	struct kvm_sregs sregs;

	if (ioctl(p->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "real-mode probe: KVM_GET_SREGS");
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	sregs.ds = sregs.es = sregs.ss = sregs.cs;
	sregs.ds.type = sregs.es.type = sregs.ss.type = 0x3; /* data */
	if (ioctl(p->vcpu_fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(p->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		err(1, "real-mode probe: setting the registers");
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

/* One KVM_RUN of the probe, bounded; false if the timer ended it. */
static bool probe_run(struct vm *p)
{
	struct sigaction stop = { .sa_handler = no_op }, old;
	int ret, saved_errno;

	sigemptyset(&stop.sa_mask);
	sigaction(SIGALRM, &stop, &old);        /* no SA_RESTART: EINTR */
	probe_timer(PROBE_SECONDS);
	ret = ioctl(p->vcpu_fd, KVM_RUN, 0);
	saved_errno = errno;
	probe_timer(0);
	sigaction(SIGALRM, &old, NULL);
	if (ret < 0 && saved_errno != EINTR)
		err(1, "real-mode probe: KVM_RUN");
	return ret == 0 && p->run->exit_reason != KVM_EXIT_INTR;
}

/* The linear address after the hlt the probe stopped on, or 0. */
static uint64_t halted_after(struct vm *p)
{
	struct kvm_regs regs;
	struct kvm_sregs sregs;

	if (p->run->exit_reason != KVM_EXIT_HLT ||
	    ioctl(p->vcpu_fd, KVM_GET_REGS, &regs) < 0 ||
	    ioctl(p->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return 0;
	return sregs.cs.base + regs.rip;
}

void say_real_mode_idt_limit(int kvm_fd)
{
	struct vm p;
	bool ended;

	vm_create(&p, kvm_fd);
	vm_set_tss_and_identity_map(&p);
	vm_add_ram(&p, PROBE_RAM, RAM_ANYWHERE);
	vcpu_create(&p);
	probe_load(&p);
	probe_registers(&p);
	ended = probe_run(&p);

	if (!ended)
		warnx("real mode: cannot tell whether this KVM honours the IDT "
		      "limit: the probe did not stop within %u s",
		      PROBE_SECONDS);
	else if (p.run->exit_reason == KVM_EXIT_SHUTDOWN)
		warnx(REAL_IDT_HONOURED);
	else if (halted_after(&p) == PROBE_HANDLERS + UD_VECTOR + 1)
		warnx(REAL_IDT_IGNORED);
	else
		warnx("real mode: cannot tell whether this KVM honours the IDT "
		      "limit: the probe ended with %s",
		      kvm_exit_name(p.run->exit_reason));
	vm_destroy(&p);
}
