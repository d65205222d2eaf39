/*
 * The registers gdb sees, per CPU mode: a target description (target.xml)
 * and the byte layout of the g and G packets in its order, converted from
 * and to KVM's register structures. Real mode is i8086 (gdb's i386 layout,
 * disassembled as 16-bit code), -s and -p are i386, -l is i386:x86-64. The
 * layout is fixed at attach time and never changes during a session.
 */
#ifndef GDB_REGS_H
#define GDB_REGS_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

enum gdb_arch { GDB_ARCH_I8086, GDB_ARCH_I386, GDB_ARCH_X86_64 };

const char *gdb_regs_xml(enum gdb_arch arch);
/* Bytes of the g packet's register block. */
size_t gdb_regs_size(enum gdb_arch arch);

/* KVM's registers into gdb's layout (gdb_regs_size bytes). */
void gdb_regs_pack(enum gdb_arch arch, const struct kvm_regs *regs,
		   const struct kvm_sregs *sregs, const struct kvm_fpu *fpu,
		   uint8_t *out);

/*
 * gdb's layout back into regs: the general registers, the instruction
 * pointer and the flags. Segment and x87 registers are shown, not set
 * (a selector alone does not say what its hidden part should hold).
 */
void gdb_regs_unpack(enum gdb_arch arch, const uint8_t *in,
		     struct kvm_regs *regs);

#endif /* GDB_REGS_H */
