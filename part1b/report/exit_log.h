/*
 * What --stats and --trace show on stderr: counts of exits by reason and
 * of I/O exits by port and direction, and one line per exit. Neither
 * touches stdout, which carries only what the guest prints.
 */
#ifndef EXIT_LOG_H
#define EXIT_LOG_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "coalesced.h"
#include "kvm_vm.h"

#define EXIT_LOG_REASONS 64     /* reasons from here on count as "other" */
#define EXIT_LOG_PORTS   64     /* distinct (port, direction) pairs kept */

struct port_count {
	uint16_t port;
	bool is_out;
	uint64_t exits;
};

struct exit_log {
	bool stats, trace;
	FILE *to;
	uint64_t exits;
	uint64_t by_reason[EXIT_LOG_REASONS + 1];
	struct port_count ports[EXIT_LOG_PORTS];
	unsigned nports;
	uint64_t other_port_exits;
	/* --coalesce-print8's ring, when one is in use: its bytes are no
	 * exits, --stats shows them apart. */
	const struct coalesced_ring *coalesced;
};

void exit_log_init(struct exit_log *log, bool stats, bool trace, FILE *to);
/* After an exit of vcpu was served; its rip is read only when tracing. */
void exit_log_record(struct exit_log *log, const struct vcpu *vcpu);
/* Prints the --stats tables, once. */
void exit_log_finish(struct exit_log *log);

#endif /* EXIT_LOG_H */
