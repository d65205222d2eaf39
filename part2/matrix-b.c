/*
 * matrix-b (task 2b): two VMs on one thread, taking turns every quantum.
 *
 * The guests never exit on their own. A POSIX timer sends a signal every
 * QUANTUM; the signal is let in only while KVM_RUN runs (timer.h tells
 * how), so it ends KVM_RUN with KVM_EXIT_INTR, and the host then runs the
 * other VM.
 */
#include "run.h"
#include "time_ns.h"
#include "timer.h"

#define QUANTUM (1 * NSEC_PER_SEC)

static const struct stage stage = {
	.about = "Runs guest1-b.bin and guest2-b.bin on one thread, each VM "
		 "in turn for a\nquantum, taken back by a timer signal.",
	.default_image = { "guest1-b.bin", "guest2-b.bin" },
	.default_weight = { 1, 1 },
	.preempts = true,
	.quantum_ns = QUANTUM,
};

int main(int argc, char **argv)
{
	struct run run;
	unsigned vm = 0;

	run_setup(&run, &stage, argc, argv);
	run_start(&run);
	timer_start(run.opts.quantum_ns);
	for (; !run_done(&run); vm = (vm + 1) % run.nvm)
		run_slice(&run, vm);
	return run_finish(&run);
}
