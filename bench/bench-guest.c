/*
 * The bench guests: one source, built once per hypercall. Each guest makes
 * the same call N times in a row, then halts; a copy of the same image
 * with N = 0 is the "same run without the calls" whose time is subtracted
 * (see README.md).
 *
 *   -DBENCH_BARE_OUT    outb to port BENCH_BARE_PORT, which has no hypercall
 *   -DBENCH_PRINT8      HC_print8bit('x')
 *   -DBENCH_PRINT32     HC_print32bit(i)
 *   -DBENCH_NUMEXITS    HC_numExits()
 *   -DBENCH_PRINTSTR    HC_printStr() of a 64 KiB string (1024 lines of 64)
 *   -DBENCH_GVA2HVA     HC_gvaToHva() of an address in guest RAM
 *   -DBENCH_COUNT_STR   prints the 64 KiB string once between two
 *                       HC_numExits(), then the number of exits it took
 *
 * Built like part1b's embedded guests: freestanding 64-bit code linked by
 * part1b/guest.ld, entry at 0, run in long mode with RAM identity-mapped.
 *
 * The loops are kept short: on this project's nested KVM a guest
 * instruction costs about half a microsecond (README.md), so every
 * instruction around the call would count as the call's.
 */
#include "hc_guest.h"

/*
 * How many calls: a word in the image, after a marker, that kvmbench
 * rewrites in copies of the image (the 0-call copy, and a count that makes
 * a run last about 40 ms); 1000 as built.
 */
static volatile struct {
	char marker[12];
	uint32_t calls;
} config __attribute__((section(".data"), used)) = { "KVMBENCH-N:", 1000 };

/* The POST-code port: no hypercall there, so no work but the exit. */
#define BENCH_BARE_PORT 0x80

/*
 * The 64 KiB string, in the image: building it at run time would take
 * the guest a third of a second. Page-aligned, so it covers 16 pages and
 * its NUL a 17th.
 */
#define LINE    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.\n"
#define LINES2    LINE LINE
#define LINES8    LINES2 LINES2 LINES2 LINES2
#define LINES32   LINES8 LINES8 LINES8 LINES8
#define LINES128  LINES32 LINES32 LINES32 LINES32
#define LINES512  LINES128 LINES128 LINES128 LINES128
#define LINES1024 LINES512 LINES512

#if defined(BENCH_PRINTSTR) || defined(BENCH_COUNT_STR)
static const char text[] __attribute__((aligned(4096))) = LINES1024;
_Static_assert(sizeof(text) == 65536 + 1, "the string is 64 KiB");
#endif

static void __attribute__((used)) guest_main(void)
{
	uint32_t calls = config.calls;

#ifdef BENCH_COUNT_STR
	uint32_t before = HC_numExits();

	HC_printStr(text);
	/* numExits counts its own exit: the difference less one is printStr's. */
	HC_print32bit(HC_numExits() - before - 1);
	calls = 0;
#endif
	for (uint32_t i = 0; i < calls; i++) {
#if defined(BENCH_BARE_OUT)
		hc_outb(BENCH_BARE_PORT, 0);
#elif defined(BENCH_PRINT8)
		HC_print8bit('x');
#elif defined(BENCH_PRINT32)
		HC_print32bit(i);
#elif defined(BENCH_NUMEXITS)
		(void)HC_numExits();
#elif defined(BENCH_PRINTSTR)
		HC_printStr(text);
#elif defined(BENCH_GVA2HVA)
		(void)HC_gvaToHva(0x2000);
#elif !defined(BENCH_COUNT_STR)
#error "say which call to bench: -DBENCH_..."
#endif
	}
	hc_halt(0);
}

/* simple-kvm and kvm-floor both set rsp before the entry point runs. */
HC_GUEST_ENTRY(guest_main);
