/*
 * matrix-a (task 2a): two VMs on one thread, taking turns at every exit.
 *
 * Each guest writes a counter to an I/O port in a loop. An OUT is a
 * KVM_EXIT_IO, so every KVM_RUN comes back after one value, and the host
 * then runs the other VM: no timer, no threads, strict alternation.
 */
#include "run.h"

static const struct stage stage = {
	.about = "Runs guest1-a.bin and guest2-a.bin on one thread, each VM "
		 "in turn until its\nnext OUT.",
	.default_image = { "guest1-a.bin", "guest2-a.bin" },
	.default_weight = { 1, 1 },
};

int main(int argc, char **argv)
{
	struct run run;
	unsigned vm = 0;

	run_setup(&run, &stage, argc, argv);
	run_start(&run);
	for (; !run_done(&run); vm = (vm + 1) % run.nvm)
		run_slice(&run, vm);
	return run_finish(&run);
}
