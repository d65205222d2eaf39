/*
 * What simple-kvm says of a KVM_EXIT_INTERNAL_ERROR (SPEC §1.4), and the
 * small instruction decoder behind it. Some KVMs cannot run x87, MMX or
 * SSE instructions at all (kvm-pvm: each one ends in suberror 1, an
 * emulation failure): a student whose guest stops there is told so in
 * plain words, with the instruction's bytes.
 *
 * No KVM here: the caller passes the suberror, the guest memory view and
 * the vCPU's linear rip, so the unit tests can run it on any machine.
 */
#ifndef INTERNAL_ERROR_H
#define INTERNAL_ERROR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "guest_mem.h"

#define INSN_MAX_LENGTH 15      /* the longest x86 instruction */

enum insn_kind {
	INSN_OTHER,             /* not x87, MMX or SSE (or not decoded) */
	INSN_X87,               /* D8-DF, and fxsave/fxrstor */
	INSN_MMX_SSE,           /* the 0F opcodes of MMX and SSE1-4 */
};

struct insn_decoding {
	enum insn_kind kind;
	size_t length;          /* bytes of the instruction; 0 when the
				 * bytes ran out or it is not decoded */
};

/*
 * Decodes the instruction that starts at bytes[0] (len bytes readable) in
 * code of code_bits (16, 32 or 64): legacy prefixes (66, 67, F0, F2, F3,
 * segment overrides), a REX prefix in 64-bit code, then the opcode, its
 * ModRM, SIB, displacement and immediate. Only x87, MMX and SSE opcodes
 * are decoded; any other instruction is INSN_OTHER with length 0.
 */
struct insn_decoding insn_decode(const uint8_t *bytes, size_t len,
				 unsigned code_bits);

/* "emulation failure" for suberror 1, and so on: what the number means. */
const char *internal_error_name(uint32_t suberror);

/*
 * The lines that open the report of a KVM_EXIT_INTERNAL_ERROR, on to (the
 * register dump follows them). For an emulation failure: the bytes at the
 * linear address rip_linear, read through mem (the guest chose rip: it
 * may be anywhere), and where they are an x87, MMX or SSE instruction a
 * second line saying that this KVM cannot run such code.
 */
void internal_error_report(FILE *to, uint32_t suberror,
			   const struct guest_mem *mem, uint64_t rip_linear,
			   unsigned code_bits);

#endif /* INTERNAL_ERROR_H */
