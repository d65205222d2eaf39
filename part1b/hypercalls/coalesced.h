/*
 * --coalesce-print8: print8bit's port as coalesced PIO (KVM_CAP_COALESCED_PIO).
 *
 * With a port registered by KVM_REGISTER_COALESCED_MMIO (pio = 1), KVM does
 * not exit on an `out` to it: it appends the write to a ring in one page of
 * the vCPU's mapping (page KVM_COALESCED_MMIO_PAGE_OFFSET after kvm_run)
 * and the guest runs on. KVM writes entries at `last`; the host reads them
 * from `first` and moves `first` on. When the ring is full the `out` exits
 * as usual (KVM_EXIT_IO), so no byte is ever lost.
 *
 * The bytes in the ring were written before whatever made KVM_RUN return,
 * so the run loop drains the ring first thing after each return: every
 * queued byte is printed before the exit is served.
 *
 * coalesced_drain() touches no KVM state: the unit tests and the fuzzer
 * drive it on a ring in plain memory.
 */
#ifndef COALESCED_H
#define COALESCED_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Set (to anything non-empty): the capability check fails, for the tests. */
#define COALESCED_OFF_ENV "SIMPLE_KVM_NO_COALESCED_PIO"

/* The ring shared with KVM, and what the drains found in it. */
struct coalesced_ring {
	struct kvm_coalesced_mmio_ring *ring;  /* NULL: not coalescing */
	uint32_t entries;       /* slots in the ring, from the page size */
	uint16_t port;          /* the one port whose bytes are printed */
	uint64_t bytes;         /* bytes printed from the ring */
	uint64_t drains;        /* drains that found at least one entry */
	uint64_t foreign;       /* entries not one byte out to port: skipped */
	uint32_t most;          /* most entries found by one drain */
};

enum coalesced_status {
	COALESCED_OK,
	COALESCED_BAD_INDEX,    /* first or last outside the ring: left alone */
};

/* Slots of a ring that fills one page of page_size bytes, as KVM sizes it
 * (its KVM_COALESCED_MMIO_MAX uses the kernel's PAGE_SIZE). */
uint32_t coalesced_entries(long page_size);

/*
 * Prints every entry from first up to last to out (one byte each), oldest
 * first, and gives the slots back to KVM by moving first. Entries that are
 * not a one-byte `out` to cr->port are skipped and counted. Indices outside
 * the ring are not followed: COALESCED_BAD_INDEX, nothing read or written.
 */
enum coalesced_status coalesced_drain(struct coalesced_ring *cr, FILE *out);

/*
 * Registers port as coalesced PIO on vm_fd and points cr at the ring in the
 * vCPU mapping run (run_size bytes). False, with *why set, when this KVM
 * (or COALESCED_OFF_ENV) does not allow it; then cr stays off.
 */
bool coalesced_setup(struct coalesced_ring *cr, int vm_fd, void *run,
		     size_t run_size, uint16_t port, const char **why);

#endif /* COALESCED_H */
