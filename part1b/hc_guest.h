/*
 * The guest's side of hypercall ABI v1: one inline function per hypercall,
 * each a single port I/O instruction. For freestanding guest code (32- or
 * 64-bit); see hypercall.h for the ports and the memory map.
 */
#ifndef HC_GUEST_H
#define HC_GUEST_H

#include <stdint.h>
#include "hypercall.h"

static inline void hc_outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline void hc_outl(uint16_t port, uint32_t value)
{
	asm volatile("outl %0, %1" : : "a"(value), "Nd"(port) : "memory");
}

static inline uint32_t hc_inl(uint16_t port)
{
	uint32_t value;

	asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port) : "memory");
	return value;
}

/* Guest pointers travel as 32-bit guest virtual addresses. */
static inline uint32_t hc_gva(const volatile void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static inline void HC_print8bit(uint8_t c)
{
	hc_outb(HC_PORT_PRINT8BIT, c);
}

static inline void HC_print32bit(uint32_t value)
{
	hc_outl(HC_PORT_PRINT32BIT, value);
}

static inline uint32_t HC_numExits(void)
{
	return hc_inl(HC_PORT_NUMEXITS);
}

static inline void HC_printStr(const char *s)
{
	hc_outl(HC_PORT_PRINTSTR, hc_gva(s));
}

static inline char *HC_numExitsByType(void)
{
	return (char *)(uintptr_t)hc_inl(HC_PORT_NUMEXITSBYTYPE);
}

static inline uint32_t HC_gvaToHva(uint32_t gva)
{
	volatile struct hc_gva_to_hva arg = { .gva = gva, .hva = 0 };

	hc_outl(HC_PORT_GVATOHVA, hc_gva(&arg));
	return arg.hva;
}

/*
 * Stores the guest's result where simple-kvm checks it. An asm store: to
 * the compiler, a C store to a fixed low address looks like a null-page
 * access.
 */
static inline void hc_store_result(uint32_t value)
{
	asm volatile("movl %0, (%1)"
		     : : "r"(value), "r"((uintptr_t)GUEST_RESULT_ADDR) : "memory");
}

/* Ends the guest: the hypervisor sees KVM_EXIT_HLT with `result` in eax. */
static inline __attribute__((noreturn)) void hc_halt(uint32_t result)
{
	for (;;)
		asm volatile("hlt" : : "a"(result) : "memory");
}

/*
 * Names fn, a function that never returns (it ends in hc_halt), as the
 * guest's entry point: guest.ld puts section .start at guest address 0,
 * where simple-kvm starts a flat image. The stack is already set up.
 */
#define HC_GUEST_ENTRY(fn)						\
	asm(".pushsection .start, \"ax\"\n"				\
	    ".globl _start\n"						\
	    "_start:\n"						\
	    "	call " #fn "\n"					\
	    ".popsection\n")

#endif /* HC_GUEST_H */
