/*
 * A guest of your own, to start from: prints through the hypercalls of
 * hypercall.h and halts. Built by `make` as an ELF64 for -l and an ELF32
 * for -s and -p:
 *
 *   part1b/simple-kvm --guest part1b/examples/hello64.elf
 *   part1b/simple-kvm -s --guest part1b/examples/hello32.elf
 *
 * Rules of the road: the image loads at guest address 0 and starts there
 * (guest.ld puts _start first), the stack is set up for you, and the
 * addresses from 1 MiB to HV_AREA_END belong to the hypervisor.
 */
#include "hc_guest.h"

static void print_fibonacci(unsigned count)
{
	uint32_t a = 0, b = 1;

	for (unsigned i = 0; i < count; i++) {
		uint32_t next = a + b;

		HC_print32bit(a);
		a = b;
		b = next;
	}
}

static void __attribute__((used)) guest_main(void)
{
	HC_printStr("Hello from a guest of my own!\n");
	HC_printStr("The first ten Fibonacci numbers:\n");
	print_fibonacci(10);
	HC_printStr("VM exits so far, this one included:\n");
	HC_print32bit(HC_numExits());
	hc_halt(0);
}

HC_GUEST_ENTRY(guest_main);
