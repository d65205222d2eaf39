/*
 * For bench/ only (the hidden --print-count): the work each guest did, read
 * from its registers when the run ends, so that the bench can tell each
 * VM's share of the CPU without trusting the clock matrix charges with.
 * bench/count.s keeps a 64-bit loop count in edx:eax.
 */
#ifndef GUEST_COUNT_H
#define GUEST_COUNT_H

#include "run.h"

/* One stderr line per VM: "PROGRAM: VMFD N count C". */
void guest_count_print(const struct run *r);

#endif
