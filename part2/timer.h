/*
 * The timers of a run: a periodic one whose signal ends KVM_RUN every
 * quantum of the thread's CPU time (matrix-b and matrix), and a one-shot
 * one on the wall clock whose signal ends it at the --seconds deadline
 * (all three programs).
 *
 * The quantum is CPU time (CLOCK_THREAD_CPUTIME_ID) so that a slice holds
 * one quantum of CPU however loaded the host is: time the host gives to
 * other processes stops that clock, so it neither shortens the slice nor
 * moves the 7:3 order. The kernel checks CPU-time timers at its scheduler
 * tick, also while the vCPU runs in guest mode, so the signal comes up to
 * a tick late (part2/README.md has the measured numbers).
 *
 * Their signals are blocked in the thread (run_setup.c does that, and
 * installs their handler) and unblocked only inside KVM_RUN, through
 * KVM_SET_SIGNAL_MASK. So they never interrupt the host's own code: when
 * one arrives while a guest runs, KVM_RUN returns EINTR with exit reason
 * KVM_EXIT_INTR, and the signal stays pending until run_slice.c consumes
 * it with sigtimedwait before the next KVM_RUN.
 */
#ifndef TIMER_H
#define TIMER_H

#include <signal.h>
#include <stdint.h>

#define TIMER_SIGNAL SIGALRM
#define DEADLINE_SIGNAL SIGRTMIN

/* Starts a timer that fires every period_ns of the calling thread's CPU
 * time, the first time one period of it from now. */
void timer_start(uint64_t period_ns);

/* Starts a timer that fires once, when CLOCK_MONOTONIC reaches at_ns. */
void deadline_start(uint64_t at_ns);

#endif
