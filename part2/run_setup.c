/*
 * run_setup: everything before the first slice (run.h lists a run's life).
 * Bad input is found before the first VM exists; SIGINT and SIGTERM work
 * at every moment.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "image.h"
#include "host_limits.h"
#include "run.h"
#include "time_ns.h"
#include "timer.h"

/* Progress on stderr once creating the VMs has taken this long. */
#define PROGRESS_AFTER_NS NSEC_PER_SEC
#define PROGRESS_EVERY_NS (NSEC_PER_SEC / 4)

static const int interrupt_signals[] = { SIGINT, SIGTERM, TIMER_SIGNAL, 0 };

/* The stop signal that came during setup, while it was not blocked. */
static volatile sig_atomic_t setup_signal;

/*
 * Runs only during setup: afterwards every interrupting signal is blocked
 * in the thread and unblocked only inside KVM_RUN, and KVM blocks it again
 * before returning; sigtimedwait then takes it without a handler. The
 * handler still matters then: it makes the signal "caught", where an
 * ignored one (as SIGINT is for a shell's background job) would be dropped
 * as it is sent, and KVM_RUN would never see it.
 */
static void record_signal(int signo)
{
	if (signo == SIGINT || signo == SIGTERM)
		setup_signal = signo;
}

/* Without SA_RESTART, so that a blocking call of the setup (an open of a
 * FIFO, a write to a full pipe) returns EINTR when a stop signal comes. */
static void catch_interrupts(struct run *r, sigset_t *inside_run)
{
	struct sigaction action = { .sa_handler = record_signal };

	/* A closed stdout is an EPIPE from write, handled where it happens. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&action.sa_mask);
	sigemptyset(&r->interrupts);
	sigaddset(&r->interrupts, DEADLINE_SIGNAL);
	for (const int *signo = interrupt_signals; *signo; signo++)
		sigaddset(&r->interrupts, *signo);
	for (int signo = 1; signo < NSIG; signo++)
		if (sigismember(&r->interrupts, signo) &&
		    sigaction(signo, &action, NULL) < 0)
			err(1, "sigaction");

	/* Inside KVM_RUN: the mask we were started with, minus ours. */
	if (sigprocmask(SIG_BLOCK, NULL, inside_run) < 0)
		err(1, "sigprocmask");
	for (int signo = 1; signo < NSIG; signo++)
		if (sigismember(&r->interrupts, signo))
			sigdelset(inside_run, signo);
}

/* True, with r->stop set, once a stop signal has come. */
static bool interrupted(struct run *r)
{
	if (setup_signal == SIGINT)
		r->stop = STOP_SIGINT;
	else if (setup_signal == SIGTERM)
		r->stop = STOP_SIGTERM;
	return r->stop != RUNNING;
}

/* From here on the signals wait for KVM_RUN. One that came before the
 * mask took effect has run the handler: look at what it recorded. */
static void block_interrupts(struct run *r)
{
	if (sigprocmask(SIG_BLOCK, &r->interrupts, NULL) < 0)
		err(1, "sigprocmask");
	interrupted(r);
}

static void open_trace(struct run *r)
{
	const char *path = r->opts.trace_path;

	/* A FIFO without a reader blocks here until a signal comes. */
	r->trace = fopen(path, "we");
	if (!r->trace) {
		if (errno == EINTR && interrupted(r))
			return;
		err(2, "%s", path);
	}
	fprintf(r->trace, "vm,start_ns,end_ns,cpu_ns\n");
}

struct progress {
	uint64_t start_ns;
	uint64_t next_ns;
	bool shown;
};

/* One line on stderr once creating the VMs takes more than a second: on a
 * terminal a count rewritten in place, elsewhere (a log) one line only. */
static void progress_report(struct progress *p, unsigned done, unsigned total)
{
	uint64_t now = now_ns();

	if (now < p->next_ns)
		return;
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\r%s: %u of %u VMs created",
			program_invocation_short_name, done, total);
		p->next_ns = now + PROGRESS_EVERY_NS;
	} else {
		warnx("creating %u VMs; %u after %.1f s", total, done,
		      (double)(now - p->start_ns) / NSEC_PER_SEC);
		p->next_ns = UINT64_MAX;
	}
	p->shown = true;
}

static void create_vms(struct run *r, struct image *image,
		       const sigset_t *inside_run)
{
	struct progress progress = { .start_ns = now_ns() };

	progress.next_ns = progress.start_ns + PROGRESS_AFTER_NS;
	r->kvm_fd = kvm_open(NULL);
	while (r->nvm < r->opts.nvm && !interrupted(r)) {
		struct vm *vm = &r->vm[r->nvm];

		matrix_vm_create(vm, r->kvm_fd, &image[r->nvm]);
		matrix_vm_set_signal_mask(vm, inside_run);
		image_free(&image[r->nvm]);
		r->nvm++;
		if (!run_stdout_ok(r))
			break;
		progress_report(&progress, r->nvm, r->opts.nvm);
	}
	/* The last count ends the line, on a terminal. */
	if (progress.shown && isatty(STDERR_FILENO))
		fprintf(stderr, "\r%s: %u of %u VMs created\n",
			program_invocation_short_name, r->nvm, r->opts.nvm);
}

void run_setup(struct run *r, const struct stage *stage, int argc,
	       char **argv)
{
	const struct options *opts = &r->opts;
	struct image *image;
	sigset_t inside_run;

	*r = (struct run){ .print_time = stage->preempts,
			   .shares_turns = !stage->preempts, .kvm_fd = -1 };
	catch_interrupts(r, &inside_run);
	cli_parse(argc, argv, stage, &r->opts);
	/* Graders read stdout through a pipe: a line must leave at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	limits_check(opts->nvm);

	r->vm = calloc(opts->nvm, sizeof(*r->vm));
	r->stats = calloc(opts->nvm, sizeof(*r->stats));
	image = calloc(opts->nvm, sizeof(*image));
	if (!r->vm || !r->stats || !image)
		err(1, "calloc");

	/* All bad input is found before the first VM exists. */
	for (unsigned i = 0; i < opts->nvm && !interrupted(r); i++)
		image_read(&image[i], opts->vm[i].image, GUEST_RAM_SIZE);
	if (opts->trace_path && !interrupted(r))
		open_trace(r);
	if (!interrupted(r))
		create_vms(r, image, &inside_run);

	for (unsigned i = r->nvm; i < opts->nvm; i++)
		image_free(&image[i]);
	free(image);
	block_interrupts(r);
}
