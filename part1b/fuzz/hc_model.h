/*
 * A reference model of hypercall ABI v1 (SPEC §1.3, §1.4, §2) for fuzz-hc:
 * what hc_handle_io() must do with one I/O exit, worked out before the
 * call, written independently of hc_host.c and guest_mem.c and as plainly
 * as possible (guest memory is read one byte at a time, each byte's page
 * translated on its own), then compared with what the call did.
 *
 * It judges effects, not wording: the bytes on stdout, whether stderr got
 * exactly one line or none, the data of an `in`, and what gvaToHva and
 * numExitsByType write into guest RAM. The unit tests (test-hc) pin the
 * exact messages.
 */
#ifndef HC_MODEL_H
#define HC_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "guest_mem.h"
#include "hc_host.h"
#include "hypercall.h"

struct hc_model {
	struct guest_mem mem;
	uint64_t exits, io_in, io_out;
	uint32_t results_made;
	uint8_t port_warned[65536 / 8];
	FILE *out, *err;              /* what hc_host writes to, in memory, */
	char *out_text, *err_text;    /* emptied after each exit is judged */
	size_t out_len, err_len;
	bool echo;                    /* also copy them to stdout and stderr */
};

/* Opens the streams to give hc_host; false when out of memory. */
bool hc_model_open(struct hc_model *m);

/* A fresh guest on mem: counts zeroed, streams emptied. */
void hc_model_reset(struct hc_model *m, const struct guest_mem *mem);

/* One more exit that is not KVM_EXIT_IO. */
void hc_model_other_exit(struct hc_model *m);

/*
 * Serves io with hc (whose exit count the caller already advanced, as
 * the run loop does) and aborts with a description when the effect is
 * not the model's.
 */
void hc_model_serve_and_check(struct hc_model *m, struct hc_host *hc,
			      const struct hc_io *io);

#endif /* HC_MODEL_H */
