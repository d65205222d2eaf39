/*
 * kvmbench: the part1b figures of `make bench`, each a ratio against a
 * floor measured in the same run, or a count. See README.md.
 *
 *   kvmbench [--rounds R] [--startup-runs S] [--results FILE]
 *            [--simple-kvm PATH]
 *   kvmbench --wait-quiet SECONDS
 *
 * Run from bench/: it runs ../part1b/simple-kvm (or PATH, to try a change
 * elsewhere), ./kvm-floor and the guest images in ./guests/. The table goes to stdout; FILE gets one
 * `name<TAB>value` line per metric. --wait-quiet only waits (that long, at
 * most 15 s) until no other process has /dev/kvm open; status 1 if they
 * still have. A run of the benchmarks waits so at most 15 s in all.
 *
 * Per call: a bench guest makes one call N times and halts. It runs as a
 * whole process, and so does a copy of the same image with N = 0; the cost
 * of one call is the difference of the wall times over N. The floor is the
 * same measurement of a bare `out` loop under kvm-floor, a runner that only
 * counts exits. On a nested KVM (kvm-pvm) the outer host makes the cost of an exit
 * vary by 10-30 % from one run to the next, so each run of a guest (about
 * 40 ms of calls) is paired with a floor run right before or after it, the
 * ratio is taken within the pair, and the median over R rounds is reported
 * with a 95 % confidence interval.
 *
 * KVMBENCH_DEBUG=1 in the environment prints every run's time on stderr.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

extern char **environ;

#define KVM_FLOOR     "./kvm-floor"
#define GUESTS        "./guests/"
#define MAX_RUNS      201
#define RUN_TARGET_NS 40e6        /* a calibrated run makes calls this long */
#define STR_LEN       65536       /* the string of bench-guest.c */
#define MARKER        "KVMBENCH-N:" /* bench-guest.c: the count follows it */

enum runner { FLOOR, SKVM };

/* A guest image as built, and where its call count sits. */
struct image {
	const char *name;       /* guests/<name>.bin */
	uint8_t *bytes;
	size_t size, count_at;
};

static struct image images[] = {
	{ "bare-out", NULL, 0, 0 }, { "print8", NULL, 0, 0 },
	{ "print32", NULL, 0, 0 },  { "numexits", NULL, 0, 0 },
	{ "printstr", NULL, 0, 0 }, { "gva2hva", NULL, 0, 0 },
};
#define NIMAGES (sizeof(images) / sizeof(images[0]))

/* One per-call benchmark: an image under a runner. */
struct job {
	const char *label;      /* for the table */
	const char *metric;     /* NULL: in the table only */
	const char *target;     /* the target, for the table */
	enum runner runner;
	const char *image;
	uint32_t calls;         /* N, calibrated */
	char path_n[PATH_MAX], path_0[PATH_MAX];
	double wall_n[MAX_RUNS];        /* ns, the N-call run of each round */
	double floor_n[MAX_RUNS];       /* ns, the floor run paired with it */
	double wall_0[MAX_RUNS];        /* ns, a 0-call run of each round */
	double per_call[MAX_RUNS], ratio[MAX_RUNS];
};

#define JOB(label, metric, target, runner, image) \
	{ label, metric, target, runner, image, 0, "", "", \
	  {0}, {0}, {0}, {0}, {0} }

static struct job jobs[] = {
	JOB("kvm-floor: outb loop = THE FLOOR", "exit_floor_ns", "(reported)",
	    FLOOR, "bare-out"),
	JOB("kvm-floor: numExits image (inl)", NULL, "", FLOOR, "numexits"),
	JOB("kvm-floor: gvaToHva image", NULL, "", FLOOR, "gva2hva"),
	JOB("simple-kvm: outb to port 0x80 (no hypercall)", NULL, "",
	    SKVM, "bare-out"),
	JOB("simple-kvm: HC_print8bit", NULL, "", SKVM, "print8"),
	JOB("simple-kvm: HC_print32bit", "print32_ratio", "<= 1.10",
	    SKVM, "print32"),
	JOB("simple-kvm: HC_numExits", "numexits_ratio", "<= 1.10",
	    SKVM, "numexits"),
	JOB("simple-kvm: HC_printStr of 64 KiB", "printstr_64k_ratio",
	    "<= 1.50", SKVM, "printstr"),
	JOB("simple-kvm: HC_gvaToHva", "gva2hva_ratio", "<= 1.50",
	    SKVM, "gva2hva"),
};
#define NJOBS (sizeof(jobs) / sizeof(jobs[0]))
#define FLOOR_JOB (&jobs[0])

static char tmpdir[] = "/tmp/kvmbench.XXXXXX";
static char *simple_kvm = "../part1b/simple-kvm";

/* ---- statistics ---- */

static void sorted(double *s, const double *v, int n)
{
	memcpy(s, v, (size_t)n * sizeof(*v));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
}

/* Quantile q of v[0..n), linear between order statistics; v is kept. */
static double quantile(const double *v, int n, double q)
{
	double s[MAX_RUNS], pos = q * (n - 1);
	int i = (int)pos;

	sorted(s, v, n);
	return i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
}

static double median(const double *v, int n)
{
	return quantile(v, n, 0.5);
}

/*
 * A distribution-free 95 % confidence interval of the median: the order
 * statistics n/2 -+ 0.98 sqrt(n) (the normal approximation of the
 * binomial distribution of the ranks).
 */
static void median_ci(const double *v, int n, double *lo, double *hi)
{
	double s[MAX_RUNS], half = 0.98 * sqrt(n);
	int i = (int)floor(n / 2.0 - half), j = (int)ceil(n / 2.0 + half) - 1;

	sorted(s, v, n);
	*lo = s[i < 0 ? 0 : i];
	*hi = s[j >= n ? n - 1 : j];
}

/* ---- running ---- */

/*
 * Runs the image under a runner as a whole process, stdout to the path
 * `out`, stderr to /dev/null, and returns its wall time in ns: from before
 * the spawn to after the wait. A failed run ends the benchmark: its time
 * would mean nothing.
 */
static double run_timed(enum runner runner, const char *image, const char *out)
{
	char *skvm_argv[] = { simple_kvm, "--guest", (char *)image, NULL };
	char *floor_argv[] = { KVM_FLOOR, (char *)image, NULL };
	char **argv = runner == SKVM ? skvm_argv : floor_argv;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;
	double start, end;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	start = now_ns();
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	if (rc != 0) {
		errno = rc;
		err(1, "cannot run %s", argv[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			err(1, "waitpid");
	end = now_ns();
	posix_spawn_file_actions_destroy(&fa);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		errx(1, "%s on %s failed (wait status 0x%x); run it by hand to "
		     "see why", argv[0], image, status);
	return end - start;
}

/* ---- images with a given call count ---- */

static void read_image(struct image *im)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;
	uint8_t *at;

	snprintf(path, sizeof(path), GUESTS "%s.bin", im->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		err(1, "%s (run make in bench/ first)", path);
	im->size = (size_t)st.st_size;
	im->bytes = malloc(im->size);
	if (!im->bytes || read(fd, im->bytes, im->size) != (ssize_t)im->size)
		err(1, "%s", path);
	close(fd);
	at = memmem(im->bytes, im->size, MARKER, sizeof(MARKER));
	if (!at || (size_t)(at - im->bytes) + sizeof(MARKER) + 4 > im->size)
		errx(1, "%s: no call count after " MARKER, path);
	im->count_at = (size_t)(at - im->bytes) + sizeof(MARKER);
}

static struct image *image_named(const char *name)
{
	for (size_t i = 0; i < NIMAGES; i++)
		if (strcmp(images[i].name, name) == 0)
			return &images[i];
	errx(1, "no image %s", name);
}

/* Writes tmpdir/<name>-<calls>.bin, a copy that makes `calls` calls. */
static void write_image(const char *name, uint32_t calls, char *path)
{
	struct image *im = image_named(name);
	int fd;

	snprintf(path, PATH_MAX, "%s/%s-%u.bin", tmpdir, name, calls);
	memcpy(im->bytes + im->count_at, &calls, sizeof(calls));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, im->bytes, im->size) != (ssize_t)im->size ||
	    close(fd) < 0)
		err(1, "%s", path);
}

static void remove_tmpdir(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char path[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(tmpdir);
}

/* ---- keeping out of other people's VMs ---- */

/* Does a process other than this one hold /dev/kvm or a KVM fd open? */
static bool kvm_in_use_by_others(void)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	bool busy = false;
	pid_t self = getpid();

	if (!proc)
		return false;
	while (!busy && (p = readdir(proc))) {
		char fds[64], link[PATH_MAX], target[64];
		DIR *fd_dir;
		struct dirent *f;
		pid_t pid = (pid_t)atoi(p->d_name);

		if (pid <= 0 || pid == self)
			continue;
		snprintf(fds, sizeof(fds), "/proc/%d/fd", pid);
		fd_dir = opendir(fds);
		if (!fd_dir)
			continue;
		while (!busy && (f = readdir(fd_dir))) {
			ssize_t len;

			if (f->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", fds, f->d_name);
			len = readlink(link, target, sizeof(target) - 1);
			if (len > 0) {
				target[len] = '\0';
				busy = strcmp(target, "/dev/kvm") == 0 ||
				       strncmp(target, "anon_inode:kvm", 14) == 0;
			}
		}
		closedir(fd_dir);
	}
	closedir(proc);
	return busy;
}

/* All the waiting one run of kvmbench may do, so make bench stays short. */
static double wait_budget_ns = 15e9;

/*
 * Waits up to `seconds` (and what is left of the budget) for nobody else
 * to use KVM; false if they still do.
 */
static bool wait_quiet(double seconds)
{
	double start = now_ns(), deadline = start + seconds * 1e9;
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	bool quiet;

	if (deadline > start + wait_budget_ns)
		deadline = start + wait_budget_ns;
	while (!(quiet = !kvm_in_use_by_others()) && now_ns() < deadline)
		nanosleep(&tick, NULL);
	wait_budget_ns -= now_ns() - start;
	if (wait_budget_ns < 0)
		wait_budget_ns = 0;
	return quiet;
}

/* ---- the per-call benchmarks ---- */

/*
 * Picks N so that a run makes calls for about RUN_TARGET_NS, from probe
 * runs long enough (20 ms of calls) to stand out of the noise of process
 * start-up.
 */
static void calibrate(struct job *j)
{
	char probe_path[PATH_MAX];
	double t0[5], tn[5], per_call = 0;

	write_image(j->image, 0, j->path_0);
	for (uint32_t probe = 100; probe <= 1000000; probe *= 4) {
		write_image(j->image, probe, probe_path);
		for (int i = 0; i < 5; i++) {
			t0[i] = run_timed(j->runner, j->path_0, "/dev/null");
			tn[i] = run_timed(j->runner, probe_path, "/dev/null");
		}
		/* The fastest runs: the least disturbed, and N errs long. */
		per_call = (quantile(tn, 5, 0) - quantile(t0, 5, 0)) / probe;
		if (per_call * probe >= 20e6)
			break;
	}
	if (per_call < 100)
		per_call = 100;
	j->calls = (uint32_t)(RUN_TARGET_NS / per_call);
	if (j->calls < 20)
		j->calls = 20;
	write_image(j->image, j->calls, j->path_n);
}

/*
 * Each round: every job's N-call run next to a floor N-call run (the
 * floor job's own runs are these floor runs), and a 0-call run of every
 * job, in an order that rotates from round to round.
 */
static int per_call_rounds(int rounds)
{
	struct job *fl = FLOOR_JOB;
	double floor_0;
	int noisy = 0;

	for (int r = 0; r < rounds; r++) {
		if (!wait_quiet(1.0))
			noisy++;
		for (size_t k = 0; k < NJOBS; k++) {
			struct job *j = &jobs[(k + (size_t)r) % NJOBS];

			j->wall_0[r] = run_timed(j->runner, j->path_0, "/dev/null");
			if ((r + (int)k) % 2) {
				j->floor_n[r] = run_timed(FLOOR, fl->path_n, "/dev/null");
				j->wall_n[r] = run_timed(j->runner, j->path_n, "/dev/null");
			} else {
				j->wall_n[r] = run_timed(j->runner, j->path_n, "/dev/null");
				j->floor_n[r] = run_timed(FLOOR, fl->path_n, "/dev/null");
			}
		}
	}

	/* The 0-call runs take a few ms: their median stands for every round. */
	floor_0 = median(fl->wall_0, rounds);
	for (size_t k = 0; k < NJOBS; k++) {
		struct job *j = &jobs[k];
		double wall_0 = median(j->wall_0, rounds);

		for (int r = 0; r < rounds; r++) {
			double floor_per_call = (j->floor_n[r] - floor_0) / fl->calls;

			j->per_call[r] = (j->wall_n[r] - wall_0) / j->calls;
			j->ratio[r] = j->per_call[r] / floor_per_call;
			if (getenv("KVMBENCH_DEBUG"))
				fprintf(stderr, "%s %s round %d: 0 calls %.2f ms, "
					"%u calls %.2f ms, floor %.2f ms\n",
					j->runner == SKVM ? "simple-kvm" : "kvm-floor",
					j->image, r, j->wall_0[r] / 1e6, j->calls,
					j->wall_n[r] / 1e6, j->floor_n[r] / 1e6);
		}
	}
	return noisy;
}

/* ---- start-up ---- */

struct startup {
	double skvm[MAX_RUNS], floor[MAX_RUNS], ratio[MAX_RUNS];
};

/* A guest that halts at once, under both, interleaved. */
static void startup_runs(struct startup *s, int runs)
{
	const char *halt = GUESTS "halt.bin";

	for (int i = 0; i < runs; i++) {
		if (i % 2) {
			s->skvm[i] = run_timed(SKVM, halt, "/dev/null");
			s->floor[i] = run_timed(FLOOR, halt, "/dev/null");
		} else {
			s->floor[i] = run_timed(FLOOR, halt, "/dev/null");
			s->skvm[i] = run_timed(SKVM, halt, "/dev/null");
		}
		s->ratio[i] = s->skvm[i] / s->floor[i];
	}
}

/* ---- exits of one printStr ---- */

/* The string of bench-guest.c: 1024 times the same line of 64. */
static bool is_bench_text(const char *p)
{
	static const char line[] = "0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ.\n";

	for (int i = 0; i < STR_LEN / 64; i++, p += 64)
		if (memcmp(p, line, 64) != 0)
			return false;
	return true;
}

/*
 * Exits one 64 KiB HC_printStr takes, as the guest counts them with two
 * HC_numExits around it; -1 unless the output ends with the string, whole,
 * and then the count.
 */
static long printstr_exits(void)
{
	static char buf[2 * STR_LEN];
	char out[PATH_MAX];
	ssize_t len;
	char *last;
	int fd;

	snprintf(out, sizeof(out), "%s/count-str.out", tmpdir);
	run_timed(SKVM, GUESTS "count-str.bin", out);
	fd = open(out, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err(1, "%s", out);
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < STR_LEN + 2 || buf[len - 1] != '\n')
		return -1;
	buf[len - 1] = '\0';
	last = strrchr(buf, '\n') + 1;          /* the count's line */
	if (last - buf < STR_LEN || !is_bench_text(last - STR_LEN))
		return -1;
	return strtol(last, NULL, 10);
}

/* ---- output ---- */

static void print_percall_table(int rounds)
{
	printf("\nPer call: (wall(N calls) - wall(0 calls)) / N, each run a whole "
	       "process, N chosen\nfor ~%.0f ms of calls; ratio = that over the "
	       "floor run paired with it. Median\nof %d rounds, its 95 %% "
	       "confidence interval, and p10-p90 of the rounds.\n\n",
	       RUN_TARGET_NS / 1e6, rounds);
	printf("  %-44s %6s %8s %6s %-11s %-11s %s\n", "", "N", "ns/call",
	       "ratio", "95% CI", "p10-p90", "target");
	for (size_t k = 0; k < NJOBS; k++) {
		const struct job *j = &jobs[k];
		double lo, hi;

		median_ci(j->ratio, rounds, &lo, &hi);
		printf("  %-44s %6u %8.0f %6.2f %4.2f-%-6.2f %4.2f-%-6.2f %s\n",
		       j->label, j->calls, median(j->per_call, rounds),
		       median(j->ratio, rounds), lo, hi,
		       quantile(j->ratio, rounds, 0.1),
		       quantile(j->ratio, rounds, 0.9), j->target);
	}
}

static void print_ms(const char *label, const double *v, int n)
{
	printf("  %-44s %7.2f ms  (p10 %.2f, p90 %.2f)\n", label,
	       median(v, n) / 1e6, quantile(v, n, 0.1) / 1e6,
	       quantile(v, n, 0.9) / 1e6);
}

static void write_results(const char *path, int rounds, long exits,
			  double startup_ratio)
{
	FILE *f = fopen(path, "w");

	if (!f)
		err(1, "%s", path);
	fprintf(f, "exit_floor_ns\t%.0f\n", median(FLOOR_JOB->per_call, rounds));
	for (size_t k = 1; k < NJOBS; k++) {
		if (!jobs[k].metric)
			continue;
		if (strcmp(jobs[k].metric, "printstr_64k_ratio") == 0) {
			if (exits < 0)
				fprintf(f, "printstr_64k_exits\tn/a\n");
			else
				fprintf(f, "printstr_64k_exits\t%ld\n", exits);
		}
		fprintf(f, "%s\t%.2f\n", jobs[k].metric,
			median(jobs[k].ratio, rounds));
	}
	fprintf(f, "startup_ratio\t%.2f\n", startup_ratio);
	if (fclose(f) != 0)
		err(1, "%s", path);
}

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: kvmbench [--rounds R] [--startup-runs S] "
		"[--results FILE] [--simple-kvm PATH]\n"
		"       kvmbench --wait-quiet SECONDS\n");
	exit(2);
}

static int count_arg(const char *text, int lo, int hi)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*end || end == text || v < lo || v > hi)
		usage();
	return (int)v;
}

int main(int argc, char **argv)
{
	enum { OPT_ROUNDS = 256, OPT_STARTUP, OPT_RESULTS, OPT_QUIET, OPT_SKVM };
	static const struct option longopts[] = {
		{ "rounds", required_argument, NULL, OPT_ROUNDS },
		{ "startup-runs", required_argument, NULL, OPT_STARTUP },
		{ "results", required_argument, NULL, OPT_RESULTS },
		{ "wait-quiet", required_argument, NULL, OPT_QUIET },
		{ "simple-kvm", required_argument, NULL, OPT_SKVM },
		{ NULL, 0, NULL, 0 },
	};
	int rounds = 41, startup_n = 51, c, noisy;
	const char *results_path = NULL;
	static struct startup st;
	long exits;
	double startup_ratio;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ROUNDS:  rounds = count_arg(optarg, 3, MAX_RUNS); break;
		case OPT_STARTUP: startup_n = count_arg(optarg, 3, MAX_RUNS); break;
		case OPT_RESULTS: results_path = optarg; break;
		case OPT_SKVM:    simple_kvm = optarg; break;
		case OPT_QUIET:
			return wait_quiet(count_arg(optarg, 0, 3600)) ? 0 : 1;
		default:          usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (!mkdtemp(tmpdir))
		err(1, "mkdtemp");
	atexit(remove_tmpdir);
	for (size_t i = 0; i < NIMAGES; i++)
		read_image(&images[i]);

	wait_quiet(5.0);
	for (size_t k = 0; k < NJOBS; k++)
		calibrate(&jobs[k]);
	noisy = per_call_rounds(rounds);
	print_percall_table(rounds);
	if (noisy)
		printf("  (another process had /dev/kvm open at the start of %d "
		       "of the %d rounds)\n", noisy, rounds);

	printf("\nStart-up: whole-process wall time on a guest that halts at "
	       "once (one hlt byte),\n%d runs each, interleaved.\n\n", startup_n);
	wait_quiet(5.0);
	startup_runs(&st, startup_n);
	startup_ratio = median(st.skvm, startup_n) / median(st.floor, startup_n);
	print_ms("kvm-floor halt.bin", st.floor, startup_n);
	print_ms("simple-kvm --guest halt.bin", st.skvm, startup_n);
	printf("  %-44s %7.3f     (median of pair ratios %.3f)  target <= 1.50\n",
	       "ratio of the medians", startup_ratio, median(st.ratio, startup_n));

	exits = printstr_exits();
	printf("\nExits of one 64 KiB HC_printStr, counted by the guest with "
	       "HC_numExits: %ld  (target 1)\n", exits);

	if (results_path)
		write_results(results_path, rounds, exits, startup_ratio);
	return 0;
}
