/*
 * kvm-ioctl-cost: what the work simple-kvm does beside KVM_RUN costs on
 * the host, each as a ratio to one bare exit measured in the same
 * process. Explains the part1b figures (README.md, "Where the time goes").
 *
 * The guest is `out %al, $0x80; jmp 0`: every KVM_RUN returns after one
 * instruction. Each operation is timed in blocks of BLOCK calls; the blocks
 * of the different operations take turns, ROUNDS times, and the median
 * block is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mini-vm.h"
#include "timing.h"

#define BLOCK  200
#define ROUNDS 15

static struct vm m;
static int devnull;

static void op_run(void)
{
	if (ioctl(m.vcpu.fd, KVM_RUN, 0) < 0)
		err(1, "KVM_RUN");
	if (m.vcpu.run->exit_reason != KVM_EXIT_IO)
		errx(1, "exit reason %u", m.vcpu.run->exit_reason);
}

static void op_run_sync_sregs(void)
{
	m.vcpu.run->kvm_valid_regs = KVM_SYNC_X86_SREGS;
	op_run();
	m.vcpu.run->kvm_valid_regs = 0;
}

static void op_translate(void)
{
	struct kvm_translation tr = { .linear_address = 0x1000 };

	if (ioctl(m.vcpu.fd, KVM_TRANSLATE, &tr) < 0 || !tr.valid)
		err(1, "KVM_TRANSLATE");
}

static void op_get_regs(void)
{
	struct kvm_regs regs;

	if (ioctl(m.vcpu.fd, KVM_GET_REGS, &regs) < 0)
		err(1, "KVM_GET_REGS");
}

static void op_get_sregs(void)
{
	struct kvm_sregs sregs;

	if (ioctl(m.vcpu.fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
}

static void op_check_extension(void)
{
	if (ioctl(m.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0)
		err(1, "KVM_CHECK_EXTENSION");
}

static void op_write_line(void)
{
	if (write(devnull, "4294967295\n", 11) != 11)
		err(1, "write /dev/null");
}

/* What HC_print32bit adds to an exit: one line-buffered line, one write. */
static void op_run_then_write(void)
{
	op_run();
	op_write_line();
}

static void op_copy_64k(void)
{
	static char buf[65536];

	/* What printStr does to the string: find its end, copy it. */
	const uint8_t *s = m.guest_ram + 0x10000;
	const uint8_t *nul = memchr(s, 0, sizeof(buf) + 1);

	memcpy(buf, s, nul ? (size_t)(nul - s) : sizeof(buf));
	asm volatile("" : : "r"(buf) : "memory");
}

struct op {
	const char *name;
	void (*fn)(void);
	double block_ns[ROUNDS];
};

static struct op ops[] = {
	{ "KVM_RUN, one `out` exit (the in-process floor)", op_run, {0} },
	{ "KVM_RUN with KVM_SYNC_X86_SREGS", op_run_sync_sregs, {0} },
	{ "KVM_TRANSLATE", op_translate, {0} },
	{ "KVM_GET_REGS", op_get_regs, {0} },
	{ "KVM_GET_SREGS", op_get_sregs, {0} },
	{ "KVM_CHECK_EXTENSION (system fd)", op_check_extension, {0} },
	{ "write() of one line to /dev/null", op_write_line, {0} },
	{ "memchr + memcpy of 64 KiB", op_copy_64k, {0} },
	{ "KVM_RUN, then write() of one line", op_run_then_write, {0} },
};
#define NOPS (sizeof(ops) / sizeof(ops[0]))

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(void)
{
	static const uint8_t guest[] = { 0xe6, 0x80, 0xeb, 0xfc }; /* out; jmp 0 */
	double floor_ns;

	mini_vm_create(&m);
	memcpy(m.guest_ram, guest, sizeof(guest));
	memset(m.guest_ram + 0x10000, 'x', 65536); /* a 64 KiB string, NUL after */
	mini_vm_long_mode(&m);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (devnull < 0)
		err(1, "/dev/null");
	if (ioctl(m.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0)
		ops[1].fn = NULL;

	for (size_t i = 0; i < 3; i++) /* warm up: the first runs fault in */
		op_run();
	for (int r = 0; r < ROUNDS; r++) {
		for (size_t k = 0; k < NOPS; k++) {
			struct op *op = &ops[(k + (size_t)r) % NOPS];
			double start;

			if (!op->fn)
				continue;
			start = now_ns();
			for (int i = 0; i < BLOCK; i++)
				op->fn();
			op->block_ns[r] = (now_ns() - start) / BLOCK;
		}
	}

	printf("  %-48s %9s %7s\n", "", "ns", "ratio");
	floor_ns = median(ops[0].block_ns, ROUNDS);
	for (size_t k = 0; k < NOPS; k++) {
		double ns;

		if (!ops[k].fn) {
			printf("  %-48s %9s\n", ops[k].name, "n/a (no KVM_CAP_SYNC_REGS)");
			continue;
		}
		ns = median(ops[k].block_ns, ROUNDS);
		printf("  %-48s %9.0f %7.3f\n", ops[k].name, ns, ns / floor_ns);
	}
	return 0;
}
