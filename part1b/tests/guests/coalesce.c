/*
 * Test guests of --coalesce-print8 (part1b/tests/coalesced.bats): print8bit
 * bytes that KVM queues in its ring, around the exits that must not pass
 * them. Built per variant with -DVARIANT=<function name>, 64-bit and 32-bit.
 */
#include "hc_guest.h"

static void print_bytes(const char *s)
{
	while (*s)
		HC_print8bit((uint8_t)*s++);
}

/* 100 lines of 39 letters and a newline: 4000 bytes with no other exit
 * between them, far more than the ring holds (about 170). */
void flood(void)
{
	for (uint32_t line = 0; line < 100; line++) {
		for (uint32_t i = 0; i < 39; i++)
			HC_print8bit((uint8_t)('a' + (line + i) % 26));
		HC_print8bit('\n');
	}
	HC_printStr("flood done\n");
}

/* Every output hypercall in turn with queued bytes before each, then a
 * last line without its newline and a fault: its report comes after it. */
void mixed(void)
{
	for (uint32_t round = 0; round < 3; round++) {
		print_bytes("bytes then print32: ");
		HC_print32bit(round);
		print_bytes("bytes then printStr: ");
		HC_printStr("a string\n");
		print_bytes("bytes then gvaToHva of 4 GiB - 1: ");
		HC_gvaToHva(0xffffffffu);
	}
	print_bytes("no newline before the fault");
	{
		struct __attribute__((packed)) {
			uint16_t limit;
			uintptr_t base;
		} no_idt = { 0, 0 };

		asm volatile("lidt %0; ud2" : : "m"(no_idt));
	}
}

/* gdb stops at hundred_printed() with exactly 100 bytes printed. */
void __attribute__((noinline)) hundred_printed(void)
{
	asm volatile("" ::: "memory");
}

void hundred(void)
{
	for (uint32_t line = 0; line < 10; line++) {
		for (uint32_t i = 0; i < 9; i++)
			HC_print8bit((uint8_t)('0' + (line + i) % 10));
		HC_print8bit('\n');
	}
	hundred_printed();
	print_bytes("after the breakpoint\n");
}

static void __attribute__((used)) guest_main(void)
{
	VARIANT();
	hc_halt(0);
}

HC_GUEST_ENTRY(guest_main);
