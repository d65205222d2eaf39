/*
 * The run loop's plumbing, shared by the three programs: set the VMs up,
 * run one slice of one VM (print it, time it, account it, trace it), know
 * when to stop, and print the summary. Each program's main decides only
 * which VM runs next.
 */
#ifndef RUN_H
#define RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "vm.h"

enum stop_reason {
	RUNNING,
	STOP_SLICES,            /* --slices */
	STOP_SECONDS,           /* --seconds */
	STOP_SIGINT,
	STOP_SIGTERM,
	STOP_UNEXPECTED_EXIT,   /* a guest halted, faulted, did an IN, ... */
};

struct vm_stats {
	uint64_t slices;
	uint64_t guest_ns;      /* measured inside KVM_RUN */
};

struct run {
	struct options opts;
	bool print_time;        /* the "Time: T" line of matrix-b and matrix */
	int kvm_fd;
	unsigned nvm;
	struct vm vm[MAX_VMS];
	struct vm_stats stats[MAX_VMS];
	sigset_t interrupts;    /* the signals that may end KVM_RUN */
	FILE *trace;
	uint64_t start_ns;      /* when the VMs started: Time 0 */
	uint64_t slices;
	uint64_t guest_ns;
	enum stop_reason stop;
	int exit_status;
};

/* Reads the command line, checks every image and the trace file, then
 * creates the VMs, which print their "Loaded Program" lines. Bad input
 * exits with status 2 before any VM exists. */
void run_setup(struct run *r, const struct stage *stage, int argc,
	       char **argv);

/* Time 0: call just before the first slice. */
void run_start(struct run *r);

/* One KVM_RUN of VM vm, printed and accounted. Returns the nanoseconds
 * the VM spent inside KVM_RUN. */
uint64_t run_slice(struct run *r, unsigned vm);

static inline bool run_done(const struct run *r)
{
	return r->stop != RUNNING;
}

/* Prints the summary on stderr, frees everything, returns the exit status. */
int run_finish(struct run *r);

void summary_print(const struct run *r, uint64_t wall_ns);

#endif
