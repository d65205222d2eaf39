/*
 * Unit tests of what simple-kvm says of a KVM_EXIT_INTERNAL_ERROR
 * (../report/internal_error.c), with no KVM: the x87/MMX/SSE decoder on byte
 * strings, and the report on a guest RAM of plain host memory, with the
 * rip a hostile guest may leave anywhere (at the end of RAM, outside it,
 * on an unmapped page, above 4 GiB). The exact lines are asserted: they
 * are what the SSE tests expect on kvm-pvm, where each x87, MMX or SSE
 * instruction ends in suberror 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal_error.h"

/* ---- the decoder ---- */

static void expect_decoding(const char *what, const uint8_t *bytes,
			    size_t len, unsigned code_bits,
			    enum insn_kind kind, size_t length)
{
	struct insn_decoding d = insn_decode(bytes, len, code_bits);

	CHECK(d.kind == kind && d.length == length,
	      "%s (%u-bit): kind %d length %zu, expected kind %d length %zu",
	      what, code_bits, d.kind, d.length, kind, length);
}

#define EXPECT(what, bits, kind, length, ...) do { \
		const uint8_t b_[] = { __VA_ARGS__ }; \
		expect_decoding(what, b_, sizeof(b_), bits, kind, length); \
	} while (0)

static void sse_instructions_with_their_lengths(void)
{
	/* What gcc puts in the SSE guest, and kvm-pvm's measured ones. */
	EXPECT("movsd rip+disp32", 64, INSN_MMX_SSE, 8,
	       0xf2, 0x0f, 0x10, 0x1d, 0x62, 0x01, 0x00, 0x00, 0x90);
	EXPECT("movsd disp32", 32, INSN_MMX_SSE, 8,
	       0xf2, 0x0f, 0x10, 0x1d, 0x68, 0x11, 0x00, 0x00);
	EXPECT("xorps", 64, INSN_MMX_SSE, 3, 0x0f, 0x57, 0xc0);
	EXPECT("movq rax, xmm0 (66 REX.W)", 64, INSN_MMX_SSE, 5,
	       0x66, 0x48, 0x0f, 0x6e, 0xc0);
	EXPECT("movupd sib+disp32", 64, INSN_MMX_SSE, 9,
	       0x66, 0x0f, 0x10, 0x2c, 0xc5, 0xc0, 0x11, 0x00, 0x00);
	EXPECT("pshufb (0F 38)", 64, INSN_MMX_SSE, 5,
	       0x66, 0x0f, 0x38, 0x00, 0xc1);
	EXPECT("palignr (0F 3A, imm8)", 64, INSN_MMX_SSE, 5,
	       0x0f, 0x3a, 0x0f, 0xc1, 0x08);
	EXPECT("cmpps imm8", 32, INSN_MMX_SSE, 4, 0x0f, 0xc2, 0xc1, 0x01);
	EXPECT("extrq (66 0F 78, two imm8)", 64, INSN_MMX_SSE, 6,
	       0x66, 0x0f, 0x78, 0xc0, 0x01, 0x02);
	EXPECT("ldmxcsr [eax]", 32, INSN_MMX_SSE, 3, 0x0f, 0xae, 0x10);
	EXPECT("movaps after two segment prefixes", 32, INSN_MMX_SSE, 5,
	       0x2e, 0x3e, 0x0f, 0x28, 0xc1);
}

static void mmx_and_x87_instructions_with_their_lengths(void)
{
	EXPECT("pxor mm0", 64, INSN_MMX_SSE, 3, 0x0f, 0xef, 0xc0);
	EXPECT("pshufw imm8", 32, INSN_MMX_SSE, 4, 0x0f, 0x70, 0xc1, 0x1b);
	EXPECT("emms (no ModRM)", 32, INSN_MMX_SSE, 2, 0x0f, 0x77, 0x90);
	EXPECT("fld1", 64, INSN_X87, 2, 0xd9, 0xe8);
	EXPECT("fninit", 32, INSN_X87, 2, 0xdb, 0xe3);
	EXPECT("fld [esp] (SIB)", 32, INSN_X87, 3, 0xd9, 0x04, 0x24);
	EXPECT("fld [esp+8]", 32, INSN_X87, 4, 0xd9, 0x44, 0x24, 0x08);
	EXPECT("fld [disp32] (SIB, no base)", 32, INSN_X87, 7,
	       0xd9, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00);
	EXPECT("fld qword [disp16]", 16, INSN_X87, 4, 0xdd, 0x06, 0x34, 0x12);
	EXPECT("fld [bx+si+disp8]", 16, INSN_X87, 3, 0xd9, 0x40, 0x10);
	EXPECT("fld with 67: 32-bit addressing in 16-bit code", 16, INSN_X87,
	       4, 0x67, 0xd9, 0x04, 0x24);
	EXPECT("fld with 67: 16-bit addressing in 32-bit code", 32, INSN_X87,
	       5, 0x67, 0xdd, 0x06, 0x34, 0x12);
	EXPECT("fxsave [rax]", 64, INSN_X87, 3, 0x0f, 0xae, 0x00);
}

static void other_instructions_are_not_x87_or_sse(void)
{
	EXPECT("ud2", 64, INSN_OTHER, 0, 0x0f, 0x0b);
	EXPECT("mov rbx, rax", 64, INSN_OTHER, 0, 0x48, 0x89, 0xc3);
	EXPECT("int3", 16, INSN_OTHER, 0, 0xcc);
	EXPECT("sfence", 64, INSN_OTHER, 0, 0x0f, 0xae, 0xf8);
	EXPECT("clflush [rax]", 64, INSN_OTHER, 0, 0x0f, 0xae, 0x38);
	EXPECT("movbe (0F 38 F0)", 64, INSN_OTHER, 0, 0x0f, 0x38, 0xf0, 0x00);
	EXPECT("vmread (0F 78 without a prefix)", 64, INSN_OTHER, 0,
	       0x0f, 0x78, 0xc0);
	EXPECT("cpuid", 32, INSN_OTHER, 0, 0x0f, 0xa2);
	/* 40 is inc eax outside 64-bit code, not a REX prefix */
	EXPECT("inc eax, then xorps", 32, INSN_OTHER, 0, 0x40, 0x0f, 0x57, 0xc0);
	EXPECT("nothing", 64, INSN_OTHER, 0, 0x90);
	expect_decoding("no bytes", (const uint8_t *)"", 0, 64, INSN_OTHER, 0);
}

static void hostile_byte_strings(void)
{
	uint8_t prefixes[32];

	/* Prefixes only, past the longest instruction: nothing decoded. */
	memset(prefixes, 0x66, sizeof(prefixes));
	expect_decoding("32 prefixes", prefixes, sizeof(prefixes), 64,
			INSN_OTHER, 0);
	/* 14 prefixes and an opcode whose ModRM would be byte 16. */
	memset(prefixes, 0x66, 14);
	prefixes[14] = 0xd9;
	prefixes[15] = 0xe8;
	expect_decoding("an x87 opcode at byte 15", prefixes, 16, 64,
			INSN_X87, 0);
	/* The kind is known before the bytes run out; the length is not. */
	EXPECT("movsd cut after its opcode", 64, INSN_MMX_SSE, 0,
	       0xf2, 0x0f, 0x10);
	EXPECT("movsd cut in its disp32", 64, INSN_MMX_SSE, 0,
	       0xf2, 0x0f, 0x10, 0x1d, 0x62);
	EXPECT("fld cut before its SIB", 32, INSN_X87, 0, 0xd9, 0x04);
	EXPECT("0F alone", 64, INSN_OTHER, 0, 0x0f);
	EXPECT("0F 38 alone", 64, INSN_OTHER, 0, 0x0f, 0x38);
	EXPECT("0F AE alone", 64, INSN_OTHER, 0, 0x0f, 0xae);
}

/* ---- the report ---- */

#define RAM_SIZE  0x10000u
#define HOLE      0x8000u       /* one page that no mapping reaches */

static uint8_t ram[RAM_SIZE];

/* Identity, but for the page at HOLE. */
static bool holey_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	(void)ctx;
	if (gva >= HOLE && gva < HOLE + GUEST_PAGE_SIZE)
		return false;
	*gpa = gva;
	return true;
}

static const struct guest_mem mem = {
	.ram = ram, .ram_size = RAM_SIZE, .translate = holey_translate,
};

/* The report for suberror at rip, bytes placed at rip first. */
static void expect_report(uint32_t suberror, uint64_t rip, unsigned bits,
			  const uint8_t *bytes, size_t len,
			  const char *expected)
{
	char *text = NULL;
	size_t text_len = 0;
	FILE *to = open_memstream(&text, &text_len);

	if (!to)
		abort();
	memset(ram, 0, sizeof(ram));
	if (len)
		memcpy(ram + rip, bytes, len);
	internal_error_report(to, suberror, &mem, rip, bits);
	fclose(to);
	CHECK_TEXT("report", text, text_len, expected);
	free(text);
}

#define EMULATION "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror 1 " \
	"(emulation failure): KVM could not emulate the instruction at GVA "
#define CANNOT_RUN(what) "simple-kvm: that is " what " instruction, and " \
	"this KVM cannot run x87, MMX or SSE guest code: build the guest " \
	"with -mgeneral-regs-only, or run it on kvm_amd or kvm_intel\n"

static void emulation_failure_on_sse_names_it_and_says_why(void)
{
	static const uint8_t movsd[] = { 0xf2, 0x0f, 0x10, 0x1d,
					 0x62, 0x01, 0x00, 0x00 };

	expect_report(1, 0x101e, 64, movsd, sizeof(movsd),
		      EMULATION "0x101e: f2 0f 10 1d 62 01 00 00\n"
		      CANNOT_RUN("an MMX or SSE"));
}

static void emulation_failure_on_x87_says_x87(void)
{
	static const uint8_t fld1[] = { 0xd9, 0xe8 };

	expect_report(1, 0x2000, 16, fld1, sizeof(fld1),
		      EMULATION "0x2000: d9 e8\n" CANNOT_RUN("an x87"));
}

static void emulation_failure_on_other_code_shows_15_bytes(void)
{
	static const uint8_t ud2[] = { 0x0f, 0x0b, 0xf4 };

	expect_report(1, 0x3000, 64, ud2, sizeof(ud2),
		      EMULATION "0x3000, which starts 0f 0b f4 00 00 00 00 00 "
		      "00 00 00 00 00 00 00\n");
}

static void rip_at_the_end_of_ram_reads_what_is_there(void)
{
	static const uint8_t ud2[] = { 0x0f, 0x0b };
	static const uint8_t cut_movsd[] = { 0xf2, 0x0f, 0x10 };

	expect_report(1, RAM_SIZE - 2, 32, ud2, sizeof(ud2),
		      EMULATION "0xfffe, which starts 0f 0b (then outside "
		      "guest RAM)\n");
	expect_report(1, RAM_SIZE - 3, 32, cut_movsd, sizeof(cut_movsd),
		      EMULATION "0xfffd, which starts f2 0f 10 (then outside "
		      "guest RAM)\n" CANNOT_RUN("an MMX or SSE"));
	expect_report(1, HOLE - 1, 32, ud2, 1,
		      EMULATION "0x7fff, which starts 0f (then not mapped)\n");
}

static void rip_nowhere_readable_says_why(void)
{
	expect_report(1, RAM_SIZE, 64, NULL, 0,
		      EMULATION "0x10000, which simple-kvm cannot read: "
		      "outside guest RAM\n");
	expect_report(1, HOLE + 0x10, 64, NULL, 0,
		      EMULATION "0x8010, which simple-kvm cannot read: "
		      "not mapped\n");
	expect_report(1, 0xfffffffffffffff0u, 64, NULL, 0,
		      EMULATION "0xfffffffffffffff0, which simple-kvm cannot "
		      "read: above 4 GiB, where simple-kvm reads no guest "
		      "memory\n");
	expect_report(1, 0xffffffffu, 32, NULL, 0,
		      EMULATION "0xffffffff, which simple-kvm cannot read: "
		      "outside guest RAM\n");
}

static void other_suberrors_are_named(void)
{
	expect_report(2, 0x1000, 64, NULL, 0,
		      "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror 2 (an "
		      "exception while delivering another one)\n");
	expect_report(3, 0x1000, 64, NULL, 0,
		      "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror 3 (a VM "
		      "exit while delivering an event to the guest)\n");
	expect_report(4, 0x1000, 64, NULL, 0,
		      "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror 4 (a "
		      "hardware exit reason KVM does not handle)\n");
	expect_report(99, 0x1000, 64, NULL, 0,
		      "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror 99 (not "
		      "known to simple-kvm)\n");
}

int main(int argc, char **argv)
{
	static const struct check_case cases[] = {
#define CASE(name) { #name, name }
		CASE(sse_instructions_with_their_lengths),
		CASE(mmx_and_x87_instructions_with_their_lengths),
		CASE(other_instructions_are_not_x87_or_sse),
		CASE(hostile_byte_strings),
		CASE(emulation_failure_on_sse_names_it_and_says_why),
		CASE(emulation_failure_on_x87_says_x87),
		CASE(emulation_failure_on_other_code_shows_15_bytes),
		CASE(rip_at_the_end_of_ram_reads_what_is_there),
		CASE(rip_nowhere_readable_says_why),
		CASE(other_suberrors_are_named),
#undef CASE
	};

	return check_main(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
}
