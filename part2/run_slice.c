/*
 * run_start and run_slice: the running part of a run. A slice is one
 * KVM_RUN of one VM between the two clocks, printed, accounted and traced;
 * whatever stops the run (--slices, --seconds, a signal, a closed stdout,
 * an unexpected exit) is noticed here and left in r->stop.
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>

#include "kvm_names.h"
#include "run.h"
#include "stamp.h"
#include "time_ns.h"
#include "timer.h"

void run_start(struct run *r)
{
	r->start_ns = now_ns();
	if (r->opts.max_ns)
		deadline_start(r->start_ns + r->opts.max_ns);
}

bool run_stdout_ok(struct run *r)
{
	int error = errno;

	if (!ferror(stdout))
		return true;
	/* A stop signal during setup interrupted the write; run_setup.c stops. */
	if (error == EINTR) {
		clearerr(stdout);
		return true;
	}
	if (error != EPIPE) {
		errno = error;
		err(1, "stdout");
	}
	r->stop = STOP_CLOSED_STDOUT;
	return false;
}

static void account(struct run *r, unsigned vm, const struct stamp *start,
		    const struct stamp *end)
{
	const struct options *opts = &r->opts;
	struct vm_stats *stats = &r->stats[vm];
	uint64_t cpu_ns = end->cpu_ns - start->cpu_ns;
	uint64_t wall_ns = end->wall_ns - start->wall_ns;

	stats->slices++;
	stats->cpu_ns += cpu_ns;
	stats->wall_ns += wall_ns;
	r->slices++;
	r->cpu_ns += cpu_ns;
	r->wall_ns += wall_ns;
	if (r->trace)
		fprintf(r->trace, "%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
			r->vm[vm].vm_fd, start->wall_ns - r->start_ns,
			end->wall_ns - r->start_ns, cpu_ns);

	if (r->stop != RUNNING)
		return;         /* stopped by stdout already */
	if (opts->max_slices && r->slices >= opts->max_slices)
		r->stop = STOP_SLICES;
	else if (opts->max_ns && end->wall_ns - r->start_ns >= opts->max_ns)
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
		else if (signo == DEADLINE_SIGNAL && r->stop == RUNNING)
			r->stop = STOP_SECONDS;
	}
}

static void print_exit(struct run *r, const struct vm *vm,
		       const struct stamp *end)
{
	if (r->print_time)
		printf("Time: %f\n",
		       (double)(end->wall_ns - r->start_ns) / NSEC_PER_SEC);
	matrix_vm_print_exit(vm);
}

uint64_t run_slice(struct run *r, unsigned vm_index)
{
	struct vm *vm = &r->vm[vm_index];
	bool quiet = r->opts.quiet;
	struct stamp start, end;

	if (!quiet) {
		printf("VMFD: %d started running\n", vm->vm_fd);
		if (!run_stdout_ok(r))
			return 0;
	}
	stamp_before(&start);
	matrix_vm_run(vm);
	stamp_after(&end);
	if (!quiet) {
		print_exit(r, vm, &end);
		run_stdout_ok(r);
	}

	account(r, vm_index, &start, &end);
	if (vm->vcpu.run->exit_reason == KVM_EXIT_INTR) {
		take_pending_signals(r);
	} else if (!matrix_vm_exit_expected(vm)) {
		warnx("VMFD %d: exit reason %u (%s) is neither an OUT nor a "
		      "signal; stopping", vm->vm_fd, vm->vcpu.run->exit_reason,
		      kvm_exit_name(vm->vcpu.run->exit_reason));
		r->stop = STOP_UNEXPECTED_EXIT;
		r->exit_status = 1;
	}
	if (r->opts.charge_wall)
		return end.wall_ns - start.wall_ns;
	return end.cpu_ns - start.cpu_ns;
}
