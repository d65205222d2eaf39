/*
 * A run of the matrix programs, shared by the three. Its life, in the
 * order each program's main calls it, with the file that holds each step:
 *
 *   run_setup    run_setup.c    command line, checks, the VMs created
 *   run_start    run_slice.c    Time 0
 *   run_slice    run_slice.c    one KVM_RUN of one VM: printed, timed,
 *                               accounted, traced
 *   run_done     here           whether the run must stop
 *   run_finish   run_finish.c   the summary, the bench's guest counts,
 *                               everything freed
 *
 * Each program's main decides only which VM runs next.
 */
#ifndef RUN_H
#define RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "matrix_vm.h"

enum stop_reason {
	RUNNING,
	STOP_SLICES,            /* --slices */
	STOP_SECONDS,           /* --seconds */
	STOP_SIGINT,
	STOP_SIGTERM,
	STOP_CLOSED_STDOUT,     /* the reader of stdout went away (EPIPE) */
	STOP_UNEXPECTED_EXIT,   /* a guest halted, faulted, did an IN, ... */
};

struct vm_stats {
	uint64_t slices;
	uint64_t cpu_ns;        /* the thread's CPU time inside KVM_RUN */
	uint64_t wall_ns;       /* wall time inside KVM_RUN */
};

struct run {
	struct options opts;
	bool print_time;        /* the "Time: T" line of matrix-b and matrix */
	bool shares_turns;      /* matrix-a: shares count slices, not time */
	int kvm_fd;
	unsigned nvm;           /* the VMs created so far */
	struct vm *vm;          /* opts.nvm of them */
	struct vm_stats *stats;
	sigset_t interrupts;    /* the signals that may end KVM_RUN */
	FILE *trace;
	uint64_t start_ns;      /* when the VMs started: Time 0; 0 before */
	uint64_t slices;
	uint64_t cpu_ns;        /* all slices */
	uint64_t wall_ns;
	enum stop_reason stop;
	int exit_status;
};

/* Reads the command line, checks the host's limits, every image and the
 * trace file, then creates the VMs, which print their "Loaded Program"
 * lines. Bad input exits with status 2 before any VM exists. SIGINT and
 * SIGTERM work all along: they end the setup with r->stop set, as does a
 * closed stdout. */
void run_setup(struct run *r, const struct stage *stage, int argc,
	       char **argv);

/* Time 0: call just before the first slice. Starts the --seconds timer. */
void run_start(struct run *r);

/* One KVM_RUN of VM vm, printed and accounted. Returns what the VM is
 * charged for it: the thread's CPU time inside KVM_RUN (its wall time with
 * the bench's --charge-wall). */
uint64_t run_slice(struct run *r, unsigned vm);

static inline bool run_done(const struct run *r)
{
	return r->stop != RUNNING;
}

/* After writing to stdout: false once the run must stop. A closed pipe
 * stops it quietly (STOP_CLOSED_STDOUT); any other write error ends the
 * program with one stderr line and status 1, the trace flushed. */
bool run_stdout_ok(struct run *r);

/* Prints the summary on stderr, frees everything, returns the exit status. */
int run_finish(struct run *r);

#endif
