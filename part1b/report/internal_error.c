#include <stdbool.h>

#include "internal_error.h"

/* linux/kvm.h's KVM_INTERNAL_ERROR_* (the later ones are not in 5.4). */
enum {
	SUBERROR_EMULATION = 1,
	SUBERROR_SIMUL_EX = 2,
	SUBERROR_DELIVERY_EV = 3,
	SUBERROR_UNEXPECTED_EXIT_REASON = 4,
};

const char *internal_error_name(uint32_t suberror)
{
	switch (suberror) {
	case SUBERROR_EMULATION:
		return "emulation failure";
	case SUBERROR_SIMUL_EX:
		return "an exception while delivering another one";
	case SUBERROR_DELIVERY_EV:
		return "a VM exit while delivering an event to the guest";
	case SUBERROR_UNEXPECTED_EXIT_REASON:
		return "a hardware exit reason KVM does not handle";
	}
	return "not known to simple-kvm";
}

/* ---- the decoder ---- */

static bool is_legacy_prefix(uint8_t byte)
{
	switch (byte) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
	case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
		return true;
	}
	return false;
}

/*
 * Bytes of the ModRM at bytes[at] with its SIB and displacement, or 0 when
 * they run past len.
 */
static size_t modrm_length(const uint8_t *bytes, size_t len, size_t at,
			   bool addr16)
{
	unsigned mod, rm;
	size_t n = 1;

	if (at >= len)
		return 0;
	mod = bytes[at] >> 6;
	rm = bytes[at] & 7;
	if (mod == 3)
		return 1;
	if (addr16) {
		if (mod == 0 && rm == 6)
			n += 2;
		else
			n += mod == 1 ? 1 : mod == 2 ? 2 : 0;
	} else {
		if (rm == 4) {                  /* a SIB byte follows */
			if (at + 1 >= len)
				return 0;
			n++;
			if (mod == 0 && (bytes[at + 1] & 7) == 5)
				n += 4;         /* no base: disp32 */
		}
		if (mod == 0 && rm == 5)
			n += 4;                 /* disp32 or rip + disp32 */
		else
			n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	}
	return at + n <= len ? n : 0;
}

/*
 * The two-byte opcodes 0F xx of MMX and SSE that take a ModRM; how many
 * immediate bytes follow it goes to *imm. has_prefix: 66 or F2 came first.
 */
static bool mmx_sse_opcode(uint8_t op, bool has_prefix, size_t *imm)
{
	*imm = 0;
	if ((op >= 0x70 && op <= 0x73) || op == 0xc2 ||
	    (op >= 0xc4 && op <= 0xc6)) {
		*imm = 1;               /* pshufw/d, shifts, cmpps, pinsrw... */
		return true;
	}
	if (op == 0x78 || op == 0x79) { /* SSE4a extrq/insertq, else VMX */
		*imm = op == 0x78 ? 2 : 0;
		return has_prefix;
	}
	return (op >= 0x10 && op <= 0x17) || (op >= 0x28 && op <= 0x2f) ||
	       (op >= 0x50 && op <= 0x76) || (op >= 0x7c && op <= 0x7f) ||
	       (op >= 0xd0 && op <= 0xfe);
}

/* The opcode after 0F at bytes[at]: its kind, and the length in *length. */
static enum insn_kind decode_0f(const uint8_t *bytes, size_t len, size_t at,
				bool addr16, bool has_prefix, size_t *length)
{
	uint8_t op;
	size_t imm = 0, modrm;
	enum insn_kind kind = INSN_MMX_SSE;

	if (at >= len)
		return INSN_OTHER;
	op = bytes[at++];
	if (op == 0x77) {                       /* emms: no ModRM */
		*length = at;
		return INSN_MMX_SSE;
	}
	if (op == 0x38 || op == 0x3a) {         /* three-byte maps */
		if (at >= len || bytes[at] >= 0xf0) /* F0-FF: movbe, crc32... */
			return INSN_OTHER;
		at++;
		imm = op == 0x3a;
	} else if (op == 0xae) {                /* fxsave, fxrstor, ldmxcsr,
						 * stmxcsr; not the fences */
		if (at >= len || bytes[at] >> 6 == 3 || (bytes[at] >> 3 & 7) > 3)
			return INSN_OTHER;
		kind = (bytes[at] >> 3 & 7) <= 1 ? INSN_X87 : INSN_MMX_SSE;
	} else if (!mmx_sse_opcode(op, has_prefix, &imm)) {
		return INSN_OTHER;
	}
	modrm = modrm_length(bytes, len, at, addr16);
	if (modrm && at + modrm + imm <= len)
		*length = at + modrm + imm;
	return kind;
}

struct insn_decoding insn_decode(const uint8_t *bytes, size_t len,
				 unsigned code_bits)
{
	struct insn_decoding d = { INSN_OTHER, 0 };
	bool addr16 = code_bits == 16, has_prefix = false;
	size_t at = 0, modrm;

	if (len > INSN_MAX_LENGTH)
		len = INSN_MAX_LENGTH;
	for (; at < len && is_legacy_prefix(bytes[at]); at++) {
		if (bytes[at] == 0x67 && code_bits != 64)
			addr16 = !addr16;
		if (bytes[at] == 0x66 || bytes[at] == 0xf2)
			has_prefix = true;
	}
	if (code_bits == 64 && at < len && (bytes[at] & 0xf0) == 0x40)
		at++;                           /* REX */
	if (at >= len)
		return d;
	if (bytes[at] >= 0xd8 && bytes[at] <= 0xdf) {
		d.kind = INSN_X87;
		modrm = modrm_length(bytes, len, at + 1, addr16);
		d.length = modrm ? at + 1 + modrm : 0;
	} else if (bytes[at] == 0x0f) {
		d.kind = decode_0f(bytes, len, at + 1, addr16, has_prefix,
				   &d.length);
	}
	if (d.kind == INSN_OTHER)
		d.length = 0;
	return d;
}

/* ---- the report ---- */

/*
 * Reads up to INSN_MAX_LENGTH bytes at gva, one by one, through the
 * checked accessor; returns how many it read, and in *stop why it stopped
 * short (GM_OK when it did not).
 */
static size_t read_insn_bytes(const struct guest_mem *mem, uint64_t gva,
			      uint8_t *bytes, enum gm_status *stop)
{
	size_t n;

	*stop = GM_OK;
	for (n = 0; n < INSN_MAX_LENGTH; n++) {
		*stop = gva_read_wide(mem, gva + n, &bytes[n], 1);
		if (*stop != GM_OK)
			break;
	}
	return n;
}

static void print_bytes(FILE *to, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(to, " %02x", bytes[i]);
}

/* Why the bytes at gva could not be read, in the words of guest_mem. */
static const char *unreadable_why(uint64_t gva, enum gm_status stop)
{
	if (gva >= GVA_SPACE_END)
		return "above 4 GiB, where simple-kvm reads no guest memory";
	return gm_status_text(stop);
}

static void emulation_failure_report(FILE *to, const struct guest_mem *mem,
				     uint64_t rip, unsigned code_bits)
{
	uint8_t bytes[INSN_MAX_LENGTH];
	enum gm_status stop;
	size_t n = read_insn_bytes(mem, rip, bytes, &stop);
	struct insn_decoding d = insn_decode(bytes, n, code_bits);

	fprintf(to, "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror %u (%s): "
		"KVM could not emulate the instruction at GVA 0x%llx",
		SUBERROR_EMULATION, internal_error_name(SUBERROR_EMULATION),
		(unsigned long long)rip);
	if (n == 0) {
		fprintf(to, ", which simple-kvm cannot read: %s\n",
			unreadable_why(rip, stop));
	} else if (d.length) {
		fputc(':', to);
		print_bytes(to, bytes, d.length);
		fputc('\n', to);
	} else {
		fputs(", which starts", to);
		print_bytes(to, bytes, n);
		if (stop != GM_OK)
			fprintf(to, " (then %s)", unreadable_why(rip + n, stop));
		fputc('\n', to);
	}
	if (d.kind != INSN_OTHER)
		fprintf(to, "simple-kvm: that is %s instruction, and this KVM "
			"cannot run x87, MMX or SSE guest code: build the "
			"guest with -mgeneral-regs-only, or run it on kvm_amd "
			"or kvm_intel\n",
			d.kind == INSN_X87 ? "an x87" : "an MMX or SSE");
}

void internal_error_report(FILE *to, uint32_t suberror,
			   const struct guest_mem *mem, uint64_t rip_linear,
			   unsigned code_bits)
{
	if (suberror == SUBERROR_EMULATION) {
		emulation_failure_report(to, mem, rip_linear, code_bits);
		return;
	}
	fprintf(to, "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror %u (%s)\n",
		suberror, internal_error_name(suberror));
}
