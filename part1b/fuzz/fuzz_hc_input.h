/*
 * The input format of fuzz-hc, shared by the target and the seed
 * generator: a guest and the I/O exits it makes.
 *
 *   offset 0   mode       byte % 3: identity, 32-bit paging, 4-level paging
 *   offset 1   ram        byte % 4: which of FUZZ_HC_RAM_SIZES
 *   offset 2   nexits     how many exit records follow the header
 *   offset 3   (unused)
 *   offset 4   cr3        32 bits, little-endian
 *   offset 8   nexits records of 8 bytes (struct fuzz_hc_exit)
 *   then       the guest RAM image, copied to guest physical 0
 *
 * Before the image is copied, RAM that reaches HV_PAGE_TABLES_END gets
 * simple-kvm's own tables at HV_PAGE_TABLES, in the format of the mode:
 * all of RAM mapped at the same addresses with large pages. A seed can
 * use cr3 = HV_PAGE_TABLES and an image of its data only, or build tables
 * of its own in its image and point cr3 at them.
 */
#ifndef FUZZ_HC_INPUT_H
#define FUZZ_HC_INPUT_H

#include <stdint.h>

#define FUZZ_HC_HEADER_SIZE 8

/* Small, to keep an execution fast; 0x121000 ends where the hypervisor
 * area ends, 2 MiB is simple-kvm's default. */
#define FUZZ_HC_RAM_SIZES { 0x10000, 0x40000, 0x121000, 0x200000 }
#define FUZZ_HC_RAM_MAX   0x200000
enum { FUZZ_HC_RAM_64K, FUZZ_HC_RAM_256K, FUZZ_HC_RAM_HV_END, FUZZ_HC_RAM_2M };

/* flags */
#define FUZZ_HC_OUT       0x01   /* guest to host */
#define FUZZ_HC_NOT_IO    0x02   /* another exit: counts, serves nothing */
#define FUZZ_HC_COUNT_SHIFT 2    /* bits 7:2: rep count - 1 (1 to 64) */

struct fuzz_hc_exit {
	uint16_t port;           /* little-endian, as all of the input */
	uint8_t flags;
	uint8_t size;            /* % 8: KVM gives 1, 2 or 4; others test */
	uint32_t data;           /* each transfer's data, for an out */
};

_Static_assert(sizeof(struct fuzz_hc_exit) == 8, "exit records are 8 bytes");

#endif /* FUZZ_HC_INPUT_H */
