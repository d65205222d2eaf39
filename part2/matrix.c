/*
 * matrix (task 2c): fractional scheduling. Neo (guest1) gets FRAC_A
 * quanta out of every FRAC_A + FRAC_B, Morpheus (guest2) FRAC_B, smoothly
 * interleaved: N M N N M N N M N N.
 *
 * Preemption works as in matrix-b. What this stage adds is the choice of
 * the next VM (sched.h), charged with the time each slice really took
 * inside KVM_RUN (the thread's CPU time there), so a late signal is paid
 * back later, and time the host gives to other processes is billed to no VM.
 */
#include <err.h>
#include <stdlib.h>

#include "run.h"
#include "sched.h"
#include "time_ns.h"
#include "timer.h"

#define QUANTUM (1 * NSEC_PER_SEC)
#define FRAC_A 7
#define FRAC_B 3

static const struct stage stage = {
	.about = "Runs guest1.bin (Neo) and guest2.bin (Morpheus) on one "
		 "thread, a quantum at a\ntime, 7 quanta out of 10 for Neo "
		 "and 3 for Morpheus.",
	.default_image = { "guest1.bin", "guest2.bin" },
	.default_weight = { FRAC_A, FRAC_B },
	.preempts = true,
	.weighs = true,
	.quantum_ns = QUANTUM,
};

int main(int argc, char **argv)
{
	struct sched_vm *weighed;
	struct sched sched;
	struct run run;

	run_setup(&run, &stage, argc, argv);
	weighed = calloc(run.nvm ? run.nvm : 1, sizeof(*weighed));
	if (!weighed)
		err(1, "calloc");
	sched_init(&sched, weighed, run.opts.quantum_ns);
	for (unsigned i = 0; i < run.nvm; i++)
		sched_add(&sched, run.opts.vm[i].weight);

	run_start(&run);
	timer_start(run.opts.quantum_ns);
	while (!run_done(&run)) {
		unsigned vm = sched_pick(&sched);

		sched_charge(&sched, vm, run_slice(&run, vm));
	}
	sched_free(&sched);
	free(weighed);
	return run_finish(&run);
}
