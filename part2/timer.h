/*
 * Preemption for matrix-b and matrix: a POSIX timer whose signal ends
 * KVM_RUN every quantum.
 *
 * The signal is blocked in the thread (run.c does that) and unblocked only
 * inside KVM_RUN, through KVM_SET_SIGNAL_MASK. So it never interrupts the
 * host's own code: when it arrives while a guest runs, KVM_RUN returns
 * EINTR with exit reason KVM_EXIT_INTR, and the signal stays pending until
 * run.c consumes it with sigtimedwait before the next KVM_RUN.
 */
#ifndef TIMER_H
#define TIMER_H

#include <signal.h>
#include <stdint.h>

#define TIMER_SIGNAL SIGALRM

/* Installs the signal's handler and starts a timer that fires every
 * period_ns, the first time one period from now. */
void timer_start(uint64_t period_ns);

#endif
