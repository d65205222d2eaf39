/*
 * A guest built the way an ordinary compiler builds code (SPEC §1.5):
 * without -mgeneral-regs-only, so gcc keeps doubles in SSE registers and
 * copies structures with SSE moves (the Makefile asks the 32-bit build for
 * SSE math, which 64-bit code has by default). It prints what it computed.
 * Where the vCPU lacks SSE (no CPUID, CR4.OSFXSR clear) its first SSE
 * instruction is an invalid-opcode exception, which with no IDT is a
 * triple fault: nothing after the first line is printed. On a KVM that
 * cannot run SSE at all (kvm-pvm) the first one ends the run in an
 * emulation failure, which simple-kvm reports with its bytes and address
 * (tests/guest-cpu.bats finds that instruction in this guest's build).
 */
#include "hc_guest.h"

struct sample {
	double value, weight;
	int32_t hits, spare;
	double history[4];
};

/* volatile: read at run time, so the compiler cannot fold the sums. */
static volatile double step = 1.5;
static volatile int32_t rounds = 10;

static struct sample samples[4];

static void add_rounds(void)
{
	for (int32_t i = 1; i <= rounds; i++) {
		struct sample *s = &samples[i % 4];

		s->value += step * i;
		s->weight += 1.0 / i;
		s->hits++;
		s->history[i % 4] = s->value;
	}
}

/* Whole thousandths: int32 conversions, which need no libgcc helper. */
static uint32_t thousandths(double x)
{
	return (uint32_t)(int32_t)(x * 1000.0 + 0.5);
}

static void __attribute__((used)) guest_main(void)
{
	struct sample copy;
	double total = 0;

	HC_printStr("SSE guest\n");
	add_rounds();
	for (int i = 0; i < 4; i++)
		total += samples[i].value;
	copy = samples[2];      /* a structure copy */
	samples[3] = copy;

	HC_print32bit(thousandths(total));              /* 1.5 * 55 = 82.5 */
	HC_print32bit(thousandths(samples[3].value));   /* 1.5 * (2 + 6 + 10) */
	HC_print32bit(thousandths(copy.weight));        /* 1/2 + 1/6 + 1/10 */
	HC_print32bit((uint32_t)samples[3].hits);
	HC_print32bit(thousandths(total / rounds));
	hc_halt(0);
}

HC_GUEST_ENTRY(guest_main);
