/*
 * Hypercall ABI v1 and guest memory map, shared by the guest and simple-kvm.
 *
 * A guest calls the hypervisor with one port I/O instruction. Each call is
 * exactly one VM exit (KVM_EXIT_IO), and the hypervisor serves it without
 * reading the vCPU's registers: the instruction's data is the argument and,
 * for `in`, the result.
 *
 *   port  instruction  hypercall        data
 *   0xE9  outb         print8bit        the byte
 *   0xEA  outl         print32bit       the value
 *   0xEB  inl          numExits         result
 *   0xEC  outl         printStr         GVA of a NUL-terminated string
 *   0xED  inl          numExitsByType   result: GVA of a string in the result area
 *   0xEE  outl         gvaToHva         GVA of a struct hc_gva_to_hva
 *
 * This header is included by freestanding guest code: no libc in here.
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#include <stdint.h>

#define HC_PORT_PRINT8BIT       0xE9 /* the QEMU/Bochs debug-console port */
#define HC_PORT_PRINT32BIT      0xEA
#define HC_PORT_NUMEXITS        0xEB
#define HC_PORT_PRINTSTR        0xEC
#define HC_PORT_NUMEXITSBYTYPE  0xED
#define HC_PORT_GVATOHVA        0xEE

/* Argument of gvaToHva: the guest fills in gva, the hypervisor writes hva. */
struct hc_gva_to_hva {
	uint32_t gva;
	uint32_t hva; /* 0 when gva does not translate to guest RAM */
};

/* A printStr string ends within guest RAM and within this many bytes. */
#define HC_PRINTSTR_MAX         (1u << 20)

/*
 * Guest memory map (guest physical addresses). The hypervisor's page tables
 * map every page of guest RAM at the same virtual address, so these are
 * guest virtual addresses too.
 *
 *   0x000000  images: loaded at 0, entry 0 for flat images; [0, 1 MiB)
 *             is the image's to use freely
 *   0x000400  where the embedded guest stores its result, 42
 *   0x100000  hypervisor area: stack, result area, page tables, GDT
 *   0x121000  end of the hypervisor area; RAM above it is the image's again
 *
 * The result area lies below 0x10FFF0, the highest byte real mode can
 * address (segment 0xFFFF, offset 0xFFFF), so a real-mode guest can read
 * the strings of numExitsByType too.
 *
 * Outside guest RAM (at most 512 MiB), just below 4 GiB: the pages Intel
 * VMX without "unrestricted guest" needs to run real mode, given to KVM by
 * the VM module (../common/kvm_vm.h) and never loaded by an image:
 *
 *   0xfffbc000  identity-mapped page table (KVM_SET_IDENTITY_MAP_ADDR)
 *   0xfffbd000  three pages of TSS (KVM_SET_TSS_ADDR), up to 0xfffc0000
 */
#define GUEST_RESULT_ADDR       0x400
#define GUEST_RESULT_VALUE      42

#define GUEST_IMAGE_MAX         0x100000

#define HV_AREA_START           0x100000
#define HV_STACK_BOTTOM         0x100000
#define HV_STACK_TOP            0x10F000 /* initial stack pointer; in real
					  * mode too, as ss:sp 0xFF00:0000 */
#define HV_RESULT_AREA          0x10F000 /* numExitsByType strings */
#define HV_RESULT_SLOTS         16       /* the last 16 results stay valid */
#define HV_RESULT_SLOT_SIZE     64
#define HV_PAGE_TABLES          0x110000 /* 16 pages, holding by mode: */
#define HV_PML4                 0x110000 /*   -l: a PML4, a PDPT and a */
#define HV_PDPT                 0x111000 /*   page directory of 2 MiB */
#define HV_PD                   0x112000 /*   pages */
#define HV_PD32                 0x110000 /*   -p: a page directory of 4 MiB pages */
#define HV_PAGE_TABLES_END      0x120000
#define HV_GDT                  0x120000 /* 1 page */
#define HV_AREA_END             0x121000

#define GUEST_RAM_DEFAULT       0x200000 /* 2 MiB */

#endif /* HYPERCALL_H */
