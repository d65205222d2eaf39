/*
 * The two clocks read on each side of a KVM_RUN: wall time, for the
 * printed Time, the trace and the deadline, and the thread's CPU time, for
 * what the VM is charged (SPEC §4.6). On a loaded host the thread is
 * preempted inside KVM_RUN; the wall clock runs on, the CPU clock does not,
 * so the time the host gave to other processes is billed to no VM.
 */
#ifndef STAMP_H
#define STAMP_H

#include <stdint.h>

struct stamp {
	uint64_t wall_ns;       /* CLOCK_MONOTONIC */
	uint64_t cpu_ns;        /* CLOCK_THREAD_CPUTIME_ID */
};

/* Before KVM_RUN: the wall clock first, so that the CPU interval of a
 * slice lies inside its wall interval. */
void stamp_before(struct stamp *s);

/* After KVM_RUN: the CPU clock first. */
void stamp_after(struct stamp *s);

#endif
