/*
 * cfs-share: what users have today without matrix. Two processes, each
 * running one VM whose guest spins (`jmp .` in real mode), pinned to one
 * CPU and weighted 7:3 by Linux itself; how close does the split of CPU
 * time come to 70/30?
 *
 *   cfs-share [--seconds S] [--cpu N] [--method M] [--results FILE]
 *
 * The weights, in the first way the host allows:
 *   1. cgroup v2 with the cpu controller: cpu.weight 70 and 30;
 *   2. cgroup v1 cpu controller: cpu.shares 700 and 300;
 *   3. nice 0 and nice 4: kernel weights 1024 and 423 (sched_prio_to_weight),
 *      a 70.8/29.2 split, the closest two nice values come to 7:3.
 * If none works, the figure is n/a. --method cgroup2, cgroup1 or nice
 * takes that way only.
 *
 * This process watches from another CPU: every 10 ms it reads the CPU time
 * of both (clock_getcpuclockid), for S seconds (default 10). Reported:
 * the achieved share of each over the whole run and its error against the
 * target in percentage points (the figure matrix's summary gives), and, to
 * see how even the split is in time, the error of the share within every
 * 10 ms and every 100 ms window and of the cumulative share after 1 s.
 *
 * FILE gets the line `cfs_share_err_pp_10ms<TAB>value`, and `cfs_*` lines
 * with the other figures for the table of run-bench.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "mini-vm.h"

#define WINDOW_NS   10000000LL          /* 10 ms */
#define MAX_WINDOWS 60000
#define TARGET_A    0.70                /* 7 of 10 */
#define MNT_MAX     1024                /* the longest cgroup mount path */

struct weighting {
	const char *how;                /* for the report */
	char dir[2][MNT_MAX + 64];      /* cgroup of A and B; "" for nice */
	char parent[MNT_MAX + 32];      /* v2: the group holding both */
	int nice[2];
	double expected_a;              /* the share the weights give A */
};

static pid_t child[2];

/* ---- the spinning VM, one per child ---- */

static _Noreturn void spin_vm(int cpu, int ready_fd, int go_fd)
{
	static const uint8_t jmp_self[] = { 0xeb, 0xfe };
	struct vm m;
	cpu_set_t set;
	char c = 0;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		err(1, "sched_setaffinity CPU %d", cpu);

	/* The VM module's steps for a real-mode VM, as part2 takes them. */
	vm_create(&m, kvm_open(NULL));
	vm_set_tss_and_identity_map(&m);
	vm_add_ram(&m, MINI_RAM_SIZE, RAM_ANYWHERE);
	vcpu_create(&m);
	memcpy(m.guest_ram, jmp_self, sizeof(jmp_self));
	/* Real mode at 0000:0000, the stack in the first 64 KiB. */
	vcpu_enter_mode(&m, cpu_real_mode, NULL, 0, 0x10000);

	/* Closing the write end once it is written lets the parent see the end
	 * of the pipe if the other child dies before it is ready. */
	if (write(ready_fd, &c, 1) != 1 || close(ready_fd) < 0 ||
	    read(go_fd, &c, 1) != 1)
		_exit(1);
	for (;;)
		if (ioctl(m.vcpu.fd, KVM_RUN, 0) < 0 && errno != EINTR)
			err(1, "KVM_RUN");
}

/* ---- weights ---- */

static bool write_file(const char *dir, const char *file, const char *text)
{
	char path[MNT_MAX + 128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

static bool file_has_word(const char *path, const char *word)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (strcmp(tok, word) == 0)
			return true;
	return false;
}

/* The mount point of a cgroup hierarchy: v2, or v1 with the cpu controller. */
static bool find_cgroup_mount(bool v2, char *mnt)
{
	char dev[256], dir[MNT_MAX], type[64], opts[1024];
	FILE *f = fopen("/proc/mounts", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fscanf(f, "%255s %1023s %63s %1023s %*d %*d", dev, dir,
				type, opts) == 4) {
		char *tok, *save;

		if (v2 && strcmp(type, "cgroup2") == 0)
			found = true;
		if (!v2 && strcmp(type, "cgroup") == 0)
			for (tok = strtok_r(opts, ",", &save); tok && !found;
			     tok = strtok_r(NULL, ",", &save))
				found = strcmp(tok, "cpu") == 0;
		if (found)
			snprintf(mnt, MNT_MAX, "%s", dir);
	}
	fclose(f);
	return found;
}

static void remove_groups(struct weighting *w)
{
	for (int i = 0; i < 2; i++)
		if (w->dir[i][0])
			for (int tries = 0; rmdir(w->dir[i]) < 0 && errno == EBUSY &&
			     tries < 50; tries++)
				usleep(10000); /* the killed child may linger a moment */
	if (w->parent[0])
		rmdir(w->parent);
}

static bool try_cgroup_v2(struct weighting *w)
{
	char mnt[MNT_MAX], path[MNT_MAX + 32];
	static const char *const weight[2] = { "70", "30" };

	if (!find_cgroup_mount(true, mnt))
		return false;
	snprintf(path, sizeof(path), "%s/cgroup.controllers", mnt);
	if (!file_has_word(path, "cpu"))
		return false;
	snprintf(w->parent, sizeof(w->parent), "%s/kvm-bench-%d", mnt, (int)getpid());
	if (!write_file(mnt, "cgroup.subtree_control", "+cpu") ||
	    mkdir(w->parent, 0755) < 0) {
		w->parent[0] = '\0';
		return false;
	}
	if (!write_file(w->parent, "cgroup.subtree_control", "+cpu"))
		goto fail;
	for (int i = 0; i < 2; i++) {
		snprintf(w->dir[i], sizeof(w->dir[i]), "%s/%c", w->parent, 'a' + i);
		if (mkdir(w->dir[i], 0755) < 0) {
			w->dir[i][0] = '\0';
			goto fail;
		}
		if (!write_file(w->dir[i], "cpu.weight", weight[i]))
			goto fail;
	}
	w->how = "cgroup v2 cpu.weight 70 and 30";
	w->expected_a = 0.70;
	return true;
fail:
	remove_groups(w);
	memset(w->dir, 0, sizeof(w->dir));
	w->parent[0] = '\0';
	return false;
}

static bool try_cgroup_v1(struct weighting *w)
{
	char mnt[MNT_MAX];
	static const char *const shares[2] = { "700", "300" };

	if (!find_cgroup_mount(false, mnt))
		return false;
	for (int i = 0; i < 2; i++) {
		snprintf(w->dir[i], sizeof(w->dir[i]), "%s/kvm-bench-%d-%c", mnt,
			 (int)getpid(), 'a' + i);
		if (mkdir(w->dir[i], 0755) < 0) {
			w->dir[i][0] = '\0';
			goto fail;
		}
		if (!write_file(w->dir[i], "cpu.shares", shares[i]))
			goto fail;
	}
	w->how = "cgroup v1 cpu.shares 700 and 300";
	w->expected_a = 0.70;
	return true;
fail:
	remove_groups(w);
	memset(w->dir, 0, sizeof(w->dir));
	return false;
}

/* Puts the children where the weighting says; false if it cannot. */
static bool apply_weighting(struct weighting *w)
{
	char pid[32];

	for (int i = 0; i < 2; i++) {
		if (w->dir[i][0]) {
			snprintf(pid, sizeof(pid), "%d\n", (int)child[i]);
			if (!write_file(w->dir[i], "cgroup.procs", pid))
				return false;
		} else if (setpriority(PRIO_PROCESS, (id_t)child[i], w->nice[i]) < 0) {
			return false;
		}
	}
	return true;
}

/* ---- measuring ---- */

static long long cpu_ns(pid_t pid)
{
	clockid_t clock;
	struct timespec ts;

	if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &ts) < 0)
		err(1, "CPU time of %d", (int)pid);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until(long long t)
{
	struct timespec ts = { (time_t)(t / 1000000000LL), (long)(t % 1000000000LL) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void kill_children(void)
{
	for (int i = 0; i < 2; i++)
		if (child[i] > 0) {
			kill(child[i], SIGKILL);
			waitpid(child[i], NULL, 0);
			child[i] = 0;
		}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Error of A's share in each window of `span` samples: median and max, pp. */
static void window_errors(const long long (*cpu)[2], int samples, int span,
			  double target, double *med, double *max)
{
	static double err_pp[MAX_WINDOWS];
	int n = 0;

	for (int s = span; s < samples; s += span) {
		double a = (double)(cpu[s][0] - cpu[s - span][0]);
		double b = (double)(cpu[s][1] - cpu[s - span][1]);

		if (a + b > 0)
			err_pp[n++] = fabs(100.0 * (a / (a + b) - target));
	}
	*med = *max = NAN;
	if (n == 0)
		return;
	qsort(err_pp, (size_t)n, sizeof(err_pp[0]), cmp_double);
	*med = n % 2 ? err_pp[n / 2] : (err_pp[n / 2 - 1] + err_pp[n / 2]) / 2;
	*max = err_pp[n - 1];
}

int main(int argc, char **argv)
{
	enum { OPT_SECONDS = 256, OPT_CPU, OPT_METHOD, OPT_RESULTS };
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, OPT_SECONDS },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "method", required_argument, NULL, OPT_METHOD },
		{ "results", required_argument, NULL, OPT_RESULTS },
		{ NULL, 0, NULL, 0 },
	};
	static long long cpu[MAX_WINDOWS + 1][2];
	struct weighting w = { .how = NULL };
	double seconds = 10, med10, max10, med100, max100, cum_max = 0, share_a;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), pin = ncpu - 1, c, samples;
	int ready[2], go[2];
	const char *results = NULL, *method = "any";
	FILE *out;
	char byte;
	long long start;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SECONDS: seconds = atof(optarg); break;
		case OPT_CPU:     pin = atoi(optarg); break;
		case OPT_RESULTS: results = optarg; break;
		case OPT_METHOD:  method = optarg; break;
		default:
			fprintf(stderr, "usage: cfs-share [--seconds S] [--cpu N] "
				"[--method cgroup2|cgroup1|nice] [--results FILE]\n");
			return 2;
		}
	}
	samples = (int)(seconds * 1e9 / WINDOW_NS);
	if (samples < 100 || samples > MAX_WINDOWS || pin < 0 || pin >= ncpu)
		errx(2, "--seconds from 1 to %d, --cpu from 0 to %d",
		     MAX_WINDOWS / 100, ncpu - 1);
	out = results ? fopen(results, "a") : NULL;
	if (results && !out)
		err(1, "%s", results);

	if (strcmp(method, "any") && strcmp(method, "cgroup2") &&
	    strcmp(method, "cgroup1") && strcmp(method, "nice"))
		errx(2, "--method: cgroup2, cgroup1 or nice");
	if (!(strstr("any cgroup2", method) && try_cgroup_v2(&w)) &&
	    !(strstr("any cgroup1", method) && try_cgroup_v1(&w)) &&
	    strstr("any nice", method)) {
		w.how = "nice 0 and nice 4 (weights 1024 and 423)";
		w.nice[0] = 0;
		w.nice[1] = 4;
		w.expected_a = 1024.0 / (1024 + 423);
	}

	/* The watcher runs on another CPU where there is one. */
	if (ncpu > 1) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(pin == 0 ? 1 : 0, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	if (pipe(ready) < 0 || pipe(go) < 0)
		err(1, "pipe");
	for (int i = 0; i < 2; i++) {
		child[i] = fork();
		if (child[i] < 0)
			err(1, "fork");
		if (child[i] == 0)
			spin_vm(pin, ready[1], go[0]);
	}
	/* Only the children write "ready": a child that fails before it
	 * does must end the parent's read, not block it for ever. */
	close(ready[1]);
	close(go[0]);
	for (int i = 0; i < 2; i++)
		if (read(ready[0], &byte, 1) != 1) {
			kill_children();
			remove_groups(&w);
			errx(1, "a spinning VM did not start");
		}
	if (!w.how || !apply_weighting(&w)) {
		kill_children();
		remove_groups(&w);
		printf("  cfs-share: no way to weight the two VMs here (tried: %s): "
		       "n/a\n", strcmp(method, "any") ? method :
		       "cgroup v2, cgroup v1, nice");
		if (out) {
			fprintf(out, "cfs_share_err_pp_10ms\tn/a\n");
			fclose(out);
		}
		return 0;
	}

	if (write(go[1], "gg", 2) != 2)
		err(1, "pipe");
	start = mono_ns();
	cpu[0][0] = cpu_ns(child[0]);
	cpu[0][1] = cpu_ns(child[1]);
	for (int s = 1; s <= samples; s++) {
		sleep_until(start + s * WINDOW_NS);
		cpu[s][0] = cpu_ns(child[0]);
		cpu[s][1] = cpu_ns(child[1]);
	}
	kill_children();
	remove_groups(&w);

	for (int s = 100; s <= samples; s++) {   /* the cumulative share from 1 s */
		double a = (double)(cpu[s][0] - cpu[0][0]);
		double b = (double)(cpu[s][1] - cpu[0][1]);
		double e = fabs(100.0 * (a / (a + b) - TARGET_A));

		if (e > cum_max)
			cum_max = e;
	}
	share_a = (double)(cpu[samples][0] - cpu[0][0]) /
		  (double)(cpu[samples][0] - cpu[0][0] + cpu[samples][1] - cpu[0][1]);
	window_errors(cpu, samples + 1, 1, TARGET_A, &med10, &max10);
	window_errors(cpu, samples + 1, 10, TARGET_A, &med100, &max100);

	printf("  weights: %s, both pinned to CPU %d, %.0f s sampled every 10 ms\n",
	       w.how, pin, seconds);
	printf("  share of A over the run: %.2f %% (target 70 %%, the weights "
	       "give %.2f %%)\n", 100 * share_a, 100 * w.expected_a);
	printf("  error of the share over the whole run      %6.2f pp\n",
	       fabs(100 * (share_a - TARGET_A)));
	printf("  ... largest of the cumulative share from 1 s %6.2f pp\n", cum_max);
	printf("  ... within 10 ms windows: median %.1f, max %.1f pp\n", med10, max10);
	printf("  ... within 100 ms windows: median %.1f, max %.1f pp\n", med100, max100);
	if (out) {
		fprintf(out, "cfs_share_err_pp_10ms\t%.2f\n",
			fabs(100 * (share_a - TARGET_A)));
		fprintf(out, "cfs_how\t%s\n", w.how);
		fprintf(out, "cfs_cum_max_pp\t%.2f\n", cum_max);
		fprintf(out, "cfs_win10_med_pp\t%.1f\ncfs_win10_max_pp\t%.1f\n", med10, max10);
		fprintf(out, "cfs_win100_med_pp\t%.1f\ncfs_win100_max_pp\t%.1f\n", med100, max100);
		if (fclose(out) != 0)
			err(1, "%s", results);
	}
	return 0;
}
