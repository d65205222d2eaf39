#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "kvm_names.h"
#include "run.h"
#include "time_ns.h"
#include "timer.h"

/*
 * Never runs. Every interrupting signal is blocked in the thread and
 * unblocked only inside KVM_RUN, and KVM blocks it again before returning;
 * sigtimedwait then takes it without a handler. The handler makes each
 * signal "caught": an ignored one (as SIGINT is for a shell's background
 * job) would be dropped as it is sent, and KVM_RUN would never see it.
 */
static void never_runs(int signo)
{
	(void)signo;
}

/* SIGINT and SIGTERM stop the run; the timer's signal ends a slice. */
static void block_interrupts(struct run *r, sigset_t *inside_run)
{
	struct sigaction action = { .sa_handler = never_runs };
	static const int signals[] = { SIGINT, SIGTERM, TIMER_SIGNAL };

	sigemptyset(&action.sa_mask);
	sigemptyset(&r->interrupts);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		sigaddset(&r->interrupts, signals[i]);
		if (sigaction(signals[i], &action, NULL) < 0)
			err(1, "sigaction");
	}
	if (sigprocmask(SIG_BLOCK, &r->interrupts, inside_run) < 0)
		err(1, "sigprocmask");

	/* Inside KVM_RUN: the mask we were started with, minus ours. */
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigdelset(inside_run, signals[i]);
}

void run_setup(struct run *r, const struct stage *stage, int argc,
	       char **argv)
{
	const struct options *opts = &r->opts;
	struct image image[MAX_VMS];
	sigset_t inside_run;

	*r = (struct run){ .print_time = stage->preempts };
	cli_parse(argc, argv, stage, &r->opts);
	r->nvm = opts->nvm;
	/* Graders read stdout through a pipe: a line must leave at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	block_interrupts(r, &inside_run);

	/* All bad input is found before the first VM exists. */
	for (unsigned i = 0; i < r->nvm; i++)
		image_read(&image[i], opts->vm[i].image);
	if (opts->trace_path) {
		r->trace = fopen(opts->trace_path, "we");
		if (!r->trace)
			err(2, "%s", opts->trace_path);
		fprintf(r->trace, "vm,start_ns,end_ns\n");
	}

	r->kvm_fd = kvm_open(NULL);
	for (unsigned i = 0; i < r->nvm; i++) {
		vm_create_with_image(&r->vm[i], r->kvm_fd, &image[i]);
		vm_set_signal_mask(&r->vm[i], &inside_run);
		image_free(&image[i]);
	}
}

void run_start(struct run *r)
{
	r->start_ns = now_ns();
}

static void account(struct run *r, unsigned vm, uint64_t start_ns,
		    uint64_t end_ns)
{
	const struct options *opts = &r->opts;

	r->stats[vm].slices++;
	r->stats[vm].guest_ns += end_ns - start_ns;
	r->slices++;
	r->guest_ns += end_ns - start_ns;
	if (r->trace)
		fprintf(r->trace, "%d,%" PRIu64 ",%" PRIu64 "\n",
			r->vm[vm].vm_fd, start_ns - r->start_ns,
			end_ns - r->start_ns);

	if (opts->max_slices && r->slices >= opts->max_slices)
		r->stop = STOP_SLICES;
	else if (opts->max_ns && end_ns - r->start_ns >= opts->max_ns)
		r->stop = STOP_SECONDS;
}

/* KVM_RUN left the signal pending; take it now, or the next KVM_RUN would
 * return at once. A stop signal may have come with the timer's. */
static void take_pending_signals(struct run *r)
{
	static const struct timespec no_wait;
	int signo;

	while ((signo = sigtimedwait(&r->interrupts, NULL, &no_wait)) > 0) {
		if (signo == SIGINT)
			r->stop = STOP_SIGINT;
		else if (signo == SIGTERM)
			r->stop = STOP_SIGTERM;
	}
}

uint64_t run_slice(struct run *r, unsigned vm_index)
{
	struct vm *vm = &r->vm[vm_index];
	bool quiet = r->opts.quiet;
	uint64_t start_ns, end_ns;

	if (!quiet)
		printf("VMFD: %d started running\n", vm->vm_fd);
	start_ns = now_ns();
	vm_run(vm);
	end_ns = now_ns();
	if (!quiet) {
		if (r->print_time)
			printf("Time: %f\n", (double)(end_ns - r->start_ns) /
					     NSEC_PER_SEC);
		vm_print_exit(vm);
	}

	account(r, vm_index, start_ns, end_ns);
	if (vm->run->exit_reason == KVM_EXIT_INTR) {
		take_pending_signals(r);
	} else if (!vm_exit_expected(vm)) {
		warnx("VMFD %d: exit reason %u (%s) is neither an OUT nor a "
		      "signal; stopping", vm->vm_fd, vm->run->exit_reason,
		      kvm_exit_name(vm->run->exit_reason));
		r->stop = STOP_UNEXPECTED_EXIT;
		r->exit_status = 1;
	}
	return end_ns - start_ns;
}

int run_finish(struct run *r)
{
	summary_print(r, now_ns() - r->start_ns);
	if (r->trace && fclose(r->trace) != 0)
		warn("%s", r->opts.trace_path);
	for (unsigned i = 0; i < r->nvm; i++)
		vm_destroy(&r->vm[i]);
	close(r->kvm_fd);
	return r->exit_status;
}
