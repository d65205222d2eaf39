/*
 * run_finish: the end of a run, however it stopped. It prints the summary
 * table on stderr and, for the bench, each guest's count, then frees
 * everything.
 *
 * The table's format is stable, for scripts (part2/README.md describes
 * every column): every line starts with the program's name, and the rows
 * are whitespace-separated numbers under a header of single-word column
 * names.
 */
#include <err.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "run.h"
#include "time_ns.h"

static const char *const stop_name[] = {
	[RUNNING] = "nothing",
	[STOP_SLICES] = "--slices",
	[STOP_SECONDS] = "--seconds",
	[STOP_SIGINT] = "SIGINT",
	[STOP_SIGTERM] = "SIGTERM",
	[STOP_CLOSED_STDOUT] = "a closed stdout",
	[STOP_UNEXPECTED_EXIT] = "an unexpected exit",
};

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * part / whole : 0.0;
}

/* What a VM's share is a share of. matrix-a takes one turn per exit and
 * does not divide time, so its shares are of the turns (slices): a strict
 * alternation is then exactly on target, however long each guest runs
 * between exits. matrix-b and matrix divide time: what a VM was charged,
 * the CPU time (the wall time with --charge-wall). */
static uint64_t shared(const struct run *r, const struct vm_stats *stats)
{
	if (r->shares_turns)
		return stats->slices;
	return r->opts.charge_wall ? stats->wall_ns : stats->cpu_ns;
}

static void summary_print(const struct run *r, uint64_t wall_ns)
{
	const struct options *opts = &r->opts;
	const struct vm_stats all = { .slices = r->slices, .cpu_ns = r->cpu_ns,
				      .wall_ns = r->wall_ns };
	uint64_t weight_sum = 0;
	uint64_t outside_ns = wall_ns > r->wall_ns ? wall_ns - r->wall_ns : 0;

	for (unsigned i = 0; i < r->nvm; i++)
		weight_sum += opts->vm[i].weight;

	warnx("stopped by %s, slices %llu, wall time %.6f s", stop_name[r->stop],
	      (unsigned long long)r->slices, (double)wall_ns / NSEC_PER_SEC);
	warnx("%6s %7s %8s %8s %11s %11s %10s %9s", "VMFD", "WEIGHT",
	      "TARGET%", "SLICES", "CPU_S", "WALL_S", "ACHIEVED%", "ERROR_PP");
	for (unsigned i = 0; i < r->nvm; i++) {
		const struct vm_stats *stats = &r->stats[i];
		double target = percent(opts->vm[i].weight, weight_sum);
		double achieved = percent(shared(r, stats), shared(r, &all));
		double error = achieved - target;

		if (error > -0.005 && error < 0.005)
			error = 0;      /* no "-0.00" */

		warnx("%6d %7u %8.2f %8llu %11.6f %11.6f %10.2f %+9.2f",
		      r->vm[i].vm_fd, opts->vm[i].weight, target,
		      (unsigned long long)stats->slices,
		      (double)stats->cpu_ns / NSEC_PER_SEC,
		      (double)stats->wall_ns / NSEC_PER_SEC, achieved, error);
	}
	if (r->shares_turns)
		warnx("ACHIEVED%% is each VM's share of the SLICES (turns): "
		      "matrix-a takes a turn per exit, it does not divide time");
	warnx("overhead: %.2f%% of the wall time was outside KVM_RUN "
	      "(%.6f s of %.6f s)", percent(outside_ns, wall_ns),
	      (double)outside_ns / NSEC_PER_SEC, (double)wall_ns / NSEC_PER_SEC);
}

/* For bench/ only (the hidden --print-count): the work each guest did,
 * read from its registers when the run ends, so that the bench can tell
 * each VM's share of the CPU without trusting the clock matrix charges
 * with. bench/count.s keeps a 64-bit loop count in edx:eax. One stderr
 * line per VM: "PROGRAM: VMFD N count C". */
static void guest_count_print(const struct run *r)
{
	for (unsigned i = 0; i < r->nvm; i++) {
		struct kvm_regs regs;
		uint64_t count;

		if (ioctl(r->vm[i].vcpu.fd, KVM_GET_REGS, &regs) < 0)
			err(1, "KVM_GET_REGS");
		count = (regs.rdx & 0xffffffffu) << 32 | (regs.rax & 0xffffffffu);
		warnx("VMFD %d count %" PRIu64, r->vm[i].vm_fd, count);
	}
}

int run_finish(struct run *r)
{
	summary_print(r, r->start_ns ? now_ns() - r->start_ns : 0);
	if (r->opts.print_count)
		guest_count_print(r);
	if (r->trace && fclose(r->trace) != 0) {
		warn("%s", r->opts.trace_path);
		r->exit_status = 1;
	}
	for (unsigned i = 0; i < r->nvm; i++)
		vm_destroy(&r->vm[i]);
	if (r->kvm_fd >= 0)
		close(r->kvm_fd);
	free(r->vm);
	free(r->stats);
	cli_free(&r->opts);
	return r->exit_status;
}
