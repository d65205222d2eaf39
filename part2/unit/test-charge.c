/*
 * Unit tests of what matrix charges a VM for a slice: the run loop of
 * run_slice.c and the policy of sched.c, as matrix.c joins them, over a
 * fake KVM and a fake clock, on a "loaded host" where another process
 * takes a different part of the CPU during each slice.
 *
 *   unit/test-charge          run every case
 *   unit/test-charge NAME...  run the named cases
 *
 * ../../common/unit/check.h tells what it prints.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../run.h"
#include "../sched.h"
#include "../stamp.h"
#include "../time_ns.h"
#include "check.h"

#define QUANTUM (10 * NSEC_PER_MSEC)
#define SLICES 3000

/* ---- the fake clock and the fake KVM ---------------------------------- */

static struct stamp fake_now;           /* both clocks */
static uint64_t fake_rng;
static uint64_t cpu_given_ns[2];        /* the truth: CPU each VM got */

void stamp_before(struct stamp *s) { *s = fake_now; }
void stamp_after(struct stamp *s) { *s = fake_now; }

/* xorshift64*: the same numbers on every machine. */
static uint64_t rng_next(void)
{
	fake_rng ^= fake_rng >> 12;
	fake_rng ^= fake_rng << 25;
	fake_rng ^= fake_rng >> 27;
	return fake_rng * 2685821657736338717ull;
}

/*
 * One quantum of wall time; the competing process takes 20-80% of it, at
 * random, so the thread's CPU time inside KVM_RUN is 20-80% of the slice.
 * vm_fd is the VM's index here.
 */
void matrix_vm_run(struct vm *vm)
{
	uint64_t cpu_ns = QUANTUM / 5 + rng_next() % (QUANTUM * 3 / 5);

	fake_now.wall_ns += QUANTUM;
	fake_now.cpu_ns += cpu_ns;
	cpu_given_ns[vm->vm_fd] += cpu_ns;
	vm->vcpu.run->exit_reason = KVM_EXIT_INTR;
}

bool matrix_vm_exit_expected(const struct vm *vm) { (void)vm; return true; }
void matrix_vm_print_exit(const struct vm *vm) { (void)vm; }
int kvm_open(const char *device) { (void)device; return -1; }
void matrix_vm_create(struct vm *vm, int kvm_fd, const struct image *img)
{
	(void)vm, (void)kvm_fd, (void)img;
}
void matrix_vm_set_signal_mask(const struct vm *vm, const sigset_t *mask)
{
	(void)vm, (void)mask;
}
void vm_destroy(struct vm *vm) { (void)vm; }

/* ---- a run of matrix at 7:3 over the fakes ----------------------------- */

struct trial {
	struct run run;
	struct vm vm[2];
	struct kvm_run kvm_run[2];
	struct vm_stats stats[2];
	struct vm_option vm_option[2];
	struct sched sched;
	struct sched_vm weighed[2];
	uint64_t received_ns[2];        /* what sched_charge was given */
};

static void trial_run(struct trial *t, bool charge_wall)
{
	memset(t, 0, sizeof(*t));
	memset(cpu_given_ns, 0, sizeof(cpu_given_ns));
	fake_now = (struct stamp){ .wall_ns = 1, .cpu_ns = 1 };
	fake_rng = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < 2; i++) {
		t->vm[i] = (struct vm){ .vm_fd = i, .vcpu.run = &t->kvm_run[i] };
		t->vm_option[i] = (struct vm_option){ .weight = i ? 3 : 7 };
	}
	t->run = (struct run){
		.opts = { .vm = t->vm_option, .nvm = 2, .quiet = true,
			  .max_slices = SLICES, .quantum_ns = QUANTUM,
			  .charge_wall = charge_wall },
		.nvm = 2, .vm = t->vm, .stats = t->stats, .kvm_fd = -1,
		.start_ns = 1,
	};
	sigemptyset(&t->run.interrupts);

	/* What matrix.c does. */
	sched_init(&t->sched, t->weighed, QUANTUM);
	for (unsigned i = 0; i < 2; i++)
		sched_add(&t->sched, t->vm_option[i].weight);
	while (!run_done(&t->run)) {
		unsigned vm = sched_pick(&t->sched);
		uint64_t ns = run_slice(&t->run, vm);

		t->received_ns[vm] += ns;
		sched_charge(&t->sched, vm, ns);
	}
}

static double cpu_share_pct(unsigned vm)
{
	return 100.0 * cpu_given_ns[vm] / (cpu_given_ns[0] + cpu_given_ns[1]);
}

/* ---- the cases ------------------------------------------------------- */

/* sched receives exactly the CPU time of each slice, and the summary's
 * CPU_S and WALL_S columns hold the two clocks. */
static void charges_cpu_time(void)
{
	static struct trial t;

	trial_run(&t, false);
	for (unsigned i = 0; i < 2; i++) {
		if (t.received_ns[i] != cpu_given_ns[i])
			FAIL("VM %u: sched got %llu ns, its CPU time was %llu ns",
			     i, (unsigned long long)t.received_ns[i],
			     (unsigned long long)cpu_given_ns[i]);
		if (t.stats[i].cpu_ns != cpu_given_ns[i] ||
		    t.stats[i].wall_ns != t.stats[i].slices * QUANTUM)
			FAIL("VM %u: stats cpu %llu wall %llu", i,
			     (unsigned long long)t.stats[i].cpu_ns,
			     (unsigned long long)t.stats[i].wall_ns);
	}
}

/* Neo gets 70% of the CPU time the VMs received, to 0.5 point. */
static void cpu_shares_exact_on_loaded_host(void)
{
	static struct trial t;

	trial_run(&t, false);
	if (cpu_share_pct(0) < 69.5 || cpu_share_pct(0) > 70.5)
		FAIL("Neo got %.2f%% of the CPU time", cpu_share_pct(0));
}

/* Charged by wall time, the same host gives shares of CPU that drift: the
 * slices each VM happened to lose to the other process are its loss. */
static void wall_charging_is_what_sched_gets_with_charge_wall(void)
{
	static struct trial t;

	trial_run(&t, true);
	for (unsigned i = 0; i < 2; i++)
		if (t.received_ns[i] != t.stats[i].slices * QUANTUM)
			FAIL("VM %u: sched got %llu ns for %llu slices", i,
			     (unsigned long long)t.received_ns[i],
			     (unsigned long long)t.stats[i].slices);
}

static const struct check_case cases[] = {
	{ "charges-cpu-time", charges_cpu_time },
	{ "cpu-shares-exact-on-loaded-host", cpu_shares_exact_on_loaded_host },
	{ "charge-wall-gives-wall-time",
	  wall_charging_is_what_sched_gets_with_charge_wall },
};

int main(int argc, char **argv)
{
	return check_main(cases, ARRAY_SIZE(cases), argc, argv);
}
