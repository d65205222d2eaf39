/*
 * Register layouts and target descriptions for gdb (see gdb_regs.h).
 *
 * gdb's i386 and amd64 architectures require the feature
 * org.gnu.gdb.i386.core with the general registers, eip/rip, eflags, six
 * segment selectors and the x87 registers, in that order. eflags is 32
 * bits wide in both layouts (a 64-bit eflags shifts every later register).
 */
#include <stddef.h>
#include <string.h>

#include "gdb_regs.h"

#define XML_HEAD(arch)							\
	"<?xml version=\"1.0\"?>\n"					\
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"			\
	"<target version=\"1.0\">\n"					\
	"<architecture>" arch "</architecture>\n"			\
	"<feature name=\"org.gnu.gdb.i386.core\">\n"			\
	"<flags id=\"i386_eflags\" size=\"4\">\n"			\
	FLAG("CF", 0) FLAG("", 1) FLAG("PF", 2) FLAG("AF", 4)		\
	FLAG("ZF", 6) FLAG("SF", 7) FLAG("TF", 8) FLAG("IF", 9)		\
	FLAG("DF", 10) FLAG("OF", 11) FLAG("NT", 14) FLAG("RF", 16)	\
	FLAG("VM", 17) FLAG("AC", 18) FLAG("VIF", 19) FLAG("VIP", 20)	\
	FLAG("ID", 21)							\
	"</flags>\n"
#define FLAG(name, bit)							\
	"<field name=\"" name "\" start=\"" #bit "\" end=\"" #bit "\"/>\n"
#define REG(name, bits, type)						\
	"<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type "\"/>\n"
#define FPU_REG(name, bits, type)					\
	"<reg name=\"" name "\" bitsize=\"" #bits "\" type=\"" type	\
	"\" group=\"float\"/>\n"
#define XML_TAIL							\
	REG("eflags", 32, "i386_eflags")				\
	REG("cs", 32, "int32") REG("ss", 32, "int32")			\
	REG("ds", 32, "int32") REG("es", 32, "int32")			\
	REG("fs", 32, "int32") REG("gs", 32, "int32")			\
	FPU_REG("st0", 80, "i387_ext") FPU_REG("st1", 80, "i387_ext")	\
	FPU_REG("st2", 80, "i387_ext") FPU_REG("st3", 80, "i387_ext")	\
	FPU_REG("st4", 80, "i387_ext") FPU_REG("st5", 80, "i387_ext")	\
	FPU_REG("st6", 80, "i387_ext") FPU_REG("st7", 80, "i387_ext")	\
	FPU_REG("fctrl", 32, "int") FPU_REG("fstat", 32, "int")	\
	FPU_REG("ftag", 32, "int") FPU_REG("fiseg", 32, "int")		\
	FPU_REG("fioff", 32, "int") FPU_REG("foseg", 32, "int")	\
	FPU_REG("fooff", 32, "int") FPU_REG("fop", 32, "int")		\
	"</feature>\n</target>\n"
#define I386_GPRS							\
	REG("eax", 32, "int32") REG("ecx", 32, "int32")		\
	REG("edx", 32, "int32") REG("ebx", 32, "int32")		\
	REG("esp", 32, "data_ptr") REG("ebp", 32, "data_ptr")		\
	REG("esi", 32, "int32") REG("edi", 32, "int32")		\
	REG("eip", 32, "code_ptr")

static const char xml_i8086[] = XML_HEAD("i8086") I386_GPRS XML_TAIL;
static const char xml_i386[] = XML_HEAD("i386") I386_GPRS XML_TAIL;
static const char xml_x86_64[] = XML_HEAD("i386:x86-64")
	REG("rax", 64, "int64") REG("rbx", 64, "int64")
	REG("rcx", 64, "int64") REG("rdx", 64, "int64")
	REG("rsi", 64, "int64") REG("rdi", 64, "int64")
	REG("rbp", 64, "data_ptr") REG("rsp", 64, "data_ptr")
	REG("r8", 64, "int64") REG("r9", 64, "int64")
	REG("r10", 64, "int64") REG("r11", 64, "int64")
	REG("r12", 64, "int64") REG("r13", 64, "int64")
	REG("r14", 64, "int64") REG("r15", 64, "int64")
	REG("rip", 64, "code_ptr")
	XML_TAIL;

/* The general registers and the instruction pointer, in gdb's order. */
#define R(name) offsetof(struct kvm_regs, name)
static const size_t order_i386[] = {
	R(rax), R(rcx), R(rdx), R(rbx), R(rsp), R(rbp), R(rsi), R(rdi), R(rip),
};
static const size_t order_x86_64[] = {
	R(rax), R(rbx), R(rcx), R(rdx), R(rsi), R(rdi), R(rbp), R(rsp),
	R(r8), R(r9), R(r10), R(r11), R(r12), R(r13), R(r14), R(r15), R(rip),
};
#undef R

#define ORDER_LEN(order) (sizeof(order) / sizeof(order[0]))
#define SEGMENTS     6
#define X87_REGS     8
#define X87_REG_SIZE 10
#define X87_CONTROLS 8

struct layout {
	const size_t *order;    /* offsets in struct kvm_regs */
	size_t count, width;    /* how many, and bytes each */
};

static struct layout layout_of(enum gdb_arch arch)
{
	if (arch == GDB_ARCH_X86_64)
		return (struct layout){ order_x86_64, ORDER_LEN(order_x86_64), 8 };
	return (struct layout){ order_i386, ORDER_LEN(order_i386), 4 };
}

const char *gdb_regs_xml(enum gdb_arch arch)
{
	switch (arch) {
	case GDB_ARCH_I8086: return xml_i8086;
	case GDB_ARCH_I386:  return xml_i386;
	default:             return xml_x86_64;
	}
}

size_t gdb_regs_size(enum gdb_arch arch)
{
	struct layout l = layout_of(arch);

	return l.count * l.width + 4 + SEGMENTS * 4 +
	       X87_REGS * X87_REG_SIZE + X87_CONTROLS * 4;
}

/* Little-endian, like x86 and gdb's view of it. */
static uint8_t *put(uint8_t *out, uint64_t value, size_t size)
{
	for (size_t i = 0; i < size; i++)
		out[i] = (uint8_t)(value >> (8 * i));
	return out + size;
}

static uint64_t get(const uint8_t *in, size_t size)
{
	uint64_t value = 0;

	for (size_t i = 0; i < size; i++)
		value |= (uint64_t)in[i] << (8 * i);
	return value;
}

/* FXSAVE keeps one tag bit per register (1: in use); gdb shows the
 * two-bit tags, here valid (00) or empty (11). */
static uint32_t full_tag_word(uint8_t abridged)
{
	uint32_t tags = 0;

	for (int i = 0; i < X87_REGS; i++)
		if (!(abridged & (1u << i)))
			tags |= 3u << (2 * i);
	return tags;
}

static uint8_t *put_x87(uint8_t *out, const struct kvm_fpu *fpu)
{
	for (int i = 0; i < X87_REGS; i++) {
		memcpy(out, fpu->fpr[i], X87_REG_SIZE);
		out += X87_REG_SIZE;
	}
	out = put(out, fpu->fcw, 4);
	out = put(out, fpu->fsw, 4);
	out = put(out, full_tag_word(fpu->ftwx), 4);
	out = put(out, 0, 4);                   /* fiseg */
	out = put(out, fpu->last_ip, 4);        /* fioff */
	out = put(out, 0, 4);                   /* foseg */
	out = put(out, fpu->last_dp, 4);        /* fooff */
	return put(out, fpu->last_opcode, 4);
}

void gdb_regs_pack(enum gdb_arch arch, const struct kvm_regs *regs,
		   const struct kvm_sregs *sregs, const struct kvm_fpu *fpu,
		   uint8_t *out)
{
	struct layout l = layout_of(arch);
	const struct kvm_segment *segments[SEGMENTS] = {
		&sregs->cs, &sregs->ss, &sregs->ds,
		&sregs->es, &sregs->fs, &sregs->gs,
	};

	for (size_t i = 0; i < l.count; i++) {
		uint64_t value;

		memcpy(&value, (const uint8_t *)regs + l.order[i], sizeof(value));
		out = put(out, value, l.width);
	}
	out = put(out, regs->rflags, 4);
	for (int i = 0; i < SEGMENTS; i++)
		out = put(out, segments[i]->selector, 4);
	put_x87(out, fpu);
}

void gdb_regs_unpack(enum gdb_arch arch, const uint8_t *in,
		     struct kvm_regs *regs)
{
	struct layout l = layout_of(arch);

	for (size_t i = 0; i < l.count; i++) {
		uint64_t value = get(in, l.width);

		memcpy((uint8_t *)regs + l.order[i], &value, sizeof(value));
		in += l.width;
	}
	regs->rflags = get(in, 4) | 0x2; /* bit 1 is reserved, always set */
}
