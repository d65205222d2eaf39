/*
 * The guest tests/gdb.bats debugs, built as a 32-bit and a 64-bit image
 * (gdbtest32, gdbtest64) and twice more with one ending each: -DSPIN
 * (spins until gdb sets spin_until_set: Ctrl-C) and -DTRIPLE_FAULT (an
 * exception with no IDT). Unoptimised (-O0 via its own rule) so that gdb's
 * step, finish and set var act on what the source says.
 *
 * It prints "123456\n" from six functions, twice `value` (14), the
 * greeting, and "!\n" from the labelled `out` at_out.
 */
#include "hc_guest.h"

volatile uint32_t value = 7;
volatile uint32_t spin_until_set;
volatile uint32_t watched;              /* written once, after step6 */
const char greeting[] = "debugged by gdb\n";

void step1(void) { HC_print8bit('1'); }
void step2(void) { HC_print8bit('2'); }
void step3(void) { HC_print8bit('3'); }
void step4(void) { HC_print8bit('4'); }
void step5(void) { HC_print8bit('5'); }
void step6(void) { HC_print8bit('6'); }

uint32_t twice(uint32_t x)
{
	return 2 * x;
}

/* bt from here shows leaf, middle, gdb_main. */
void leaf(void)
{
	HC_print8bit('\n');
}

void middle(void)
{
	leaf();
}

/* ebx/rbx holds 0x695 at registers_marked; at_out is the `out` itself. */
void marked_out(void)
{
	asm volatile("mov $0x695, %%ebx\n"
		     ".globl registers_marked\n"
		     "registers_marked: nop\n"
		     ".globl at_out, after_out\n"
		     "at_out: outb %%al, %%dx\n"
		     "after_out: nop\n"
		     : : "a"('!'), "d"(HC_PORT_PRINT8BIT) : "ebx", "memory");
}

void gdb_main(void)
{
	step1();
	step2();
	step3();
	step4();
	step5();
	step6();
	watched = 0x695;
	middle();
	HC_print32bit(twice(value));
	HC_printStr(greeting);
	marked_out();
	HC_print8bit('\n');
#ifdef SPIN
	while (!spin_until_set)
		;
#endif
#ifdef TRIPLE_FAULT
	asm volatile("ud2");
#endif
	hc_halt(0);
}

HC_GUEST_ENTRY(gdb_main);
