/*
 * The hypervisor's side of hypercall ABI v1 (hypercall.h): serves one
 * KVM_EXIT_IO at a time on a guest memory view. It holds no KVM state, so
 * unit tests and fuzzers drive it with plain memory and a software MMU.
 */
#ifndef HC_HOST_H
#define HC_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "guest_mem.h"

/* One KVM_EXIT_IO, as kvm_run describes it. */
struct hc_io {
	uint16_t port;
	bool is_out;            /* out: guest to host */
	uint8_t size;           /* bytes per transfer: 1, 2 or 4 */
	uint32_t count;         /* transfers; more than 1 for rep ins/outs */
	uint8_t *data;          /* size * count bytes; filled in for `in` */
};

struct hc_host {
	struct guest_mem mem;   /* every guest memory access goes through it */
	/* How HC_gvaToHva translates the address it is asked about (with
	 * mem.translate_ctx): the ABI names KVM_TRANSLATE for it, while mem may
	 * walk the page tables in software. */
	translate_fn gva_to_hva_translate;
	FILE *out;              /* what the guest prints: stdout */
	int out_errno;          /* errno of the first failed write to out;
				 * 0 while every write succeeded */
	FILE *err;              /* one line per violation: stderr */
	uint64_t exits;         /* exits served: hc_count_exit */
	uint64_t io_in;         /* KVM_EXIT_IO exits by direction; */
	uint64_t io_out;        /* hc_handle_io counts */
	uint32_t results_made;  /* numExitsByType calls served */
	const char *serving;    /* the hypercall hc_handle_io serves, by name */
	char *str_buf;          /* HC_PRINTSTR_MAX bytes for printStr */
	uint8_t port_warned[65536 / 8];
};

/* Sets up hc for mem, with gva_to_hva_translate for HC_gvaToHva's own
 * translation; returns false when out of memory. */
bool hc_host_init(struct hc_host *hc, const struct guest_mem *mem,
		  translate_fn gva_to_hva_translate, FILE *out, FILE *err);
void hc_host_free(struct hc_host *hc);

/* Counts one exit of the guest, for HC_numExits: the run loop calls it
 * at every return of KVM_RUN it serves, whatever the exit. */
static inline void hc_count_exit(struct hc_host *hc)
{
	hc->exits++;
}

/* Serves one KVM_EXIT_IO: counts it, checks it against the ABI, acts. */
void hc_handle_io(struct hc_host *hc, const struct hc_io *io);

#endif /* HC_HOST_H */
