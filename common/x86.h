/*
 * The x86 facts the hypervisors and their tests use, each defined once:
 * control-register and EFER bits, page-table entry bits, segment types,
 * exception vectors and the few instruction bytes the probes write.
 * The values are the architecture's (Intel SDM vol. 3, AMD APM vol. 2).
 */
#ifndef X86_H
#define X86_H

#include <stdint.h>

#define CR0_PE   (UINT64_C(1) << 0)   /* protected mode */
#define CR0_MP   (UINT64_C(1) << 1)   /* WAIT honours TS, as SSE code expects */
#define CR0_EM   (UINT64_C(1) << 2)   /* x87 emulation: clear, so x87 and SSE run */
#define CR0_ET   (UINT64_C(1) << 4)
#define CR0_NE   (UINT64_C(1) << 5)   /* native FPU error reporting */
#define CR0_WP   (UINT64_C(1) << 16)  /* honour read-only pages in ring 0 too */
#define CR0_PG   (UINT64_C(1) << 31)  /* paging */

#define CR4_PSE        (UINT64_C(1) << 4)  /* 4 MiB pages in 32-bit paging */
#define CR4_PAE        (UINT64_C(1) << 5)  /* 64-bit page-table entries */
#define CR4_OSFXSR     (UINT64_C(1) << 9)  /* the OS saves SSE state: SSE on */
#define CR4_OSXMMEXCPT (UINT64_C(1) << 10) /* SIMD exceptions are #XM, not #UD */

#define EFER_LME (UINT64_C(1) << 8)   /* long mode enable */
#define EFER_LMA (UINT64_C(1) << 10)  /* long mode active */
#define EFER_NXE (UINT64_C(1) << 11)  /* the NX bit of page-table entries */

/* Page-table entry bits, the same in 32-bit and 4-level paging. */
#define PTE_PRESENT (UINT64_C(1) << 0)
#define PTE_RW      (UINT64_C(1) << 1)
#define PTE_PS      (UINT64_C(1) << 7)   /* the entry maps a large page */
#define PTE_BIT8    (UINT64_C(1) << 8)   /* reserved in non-leaf entries on AMD */
#define PTE_NX      (UINT64_C(1) << 63)  /* reserved without EFER.NXE */
#define PTE_FRAME   UINT64_C(0x000ffffffffff000)

#define RFLAGS_FIXED UINT64_C(0x2)       /* bit 1 is reserved and always set */

/* Code and data segment types (with S = 1), both marked accessed. */
#define SEG_TYPE_CODE 0xb                /* execute/read */
#define SEG_TYPE_DATA 0x3                /* read/write */

/* Exception vectors. */
#define BP_VECTOR 3                      /* int3 */
#define UD_VECTOR 6                      /* invalid opcode (ud2) */

/* Instruction bytes the hypervisors write into guest RAM themselves. */
#define OPCODE_INT3 0xcc
#define OPCODE_HLT  0xf4

#endif /* X86_H */
