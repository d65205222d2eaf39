/*
 * Unit tests of the scheduling policy (sched.c), run without KVM.
 *
 *   unit/test-sched          run every case
 *   unit/test-sched NAME...  run the named cases
 *
 * ../../common/unit/check.h tells what it prints.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../sched.h"
#include "check.h"

#define Q 1000000000ull         /* a quantum of one second, in ns */
#define MAX_VMS 64

/* ---- a schedule under test -------------------------------------------- */

struct trial {
	struct sched s;
	struct sched_vm vm[MAX_VMS];
	uint64_t slices[MAX_VMS];
	uint64_t max_slice_ns;
	uint64_t rng;
};

static void trial_init(struct trial *t, const uint32_t *weights, unsigned n,
		       uint64_t seed)
{
	sched_free(&t->s);
	memset(t, 0, sizeof(*t));
	sched_init(&t->s, t->vm, Q);
	for (unsigned i = 0; i < n; i++)
		sched_add(&t->s, weights[i]);
	t->rng = seed * 2654435761u + 1;
}

/* xorshift64*: the same numbers on every machine. */
static uint64_t rng_next(struct trial *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ull;
}

/* A slice length, uniform in [lo, hi] percent of a quantum. */
static uint64_t rng_slice(struct trial *t, unsigned lo, unsigned hi)
{
	uint64_t lo_ns = Q * lo / 100, hi_ns = Q * hi / 100;

	return lo_ns + rng_next(t) % (hi_ns - lo_ns + 1);
}

/* The ways a slice's measured length may differ from the quantum. */
enum charge { EXACT, JITTER5, LATE10, SHORT, WILD, CHARGE_KINDS };
static const char *const charge_name[] = {
	"equal slices", "slices within 5%", "signals up to 10% late",
	"slices of 30-100%", "slices of 50-150%",
};

static uint64_t slice_ns(struct trial *t, enum charge charge)
{
	switch (charge) {
	case JITTER5: return rng_slice(t, 95, 105);
	case LATE10:  return rng_slice(t, 100, 110);
	case SHORT:   return rng_slice(t, 30, 100);
	case WILD:    return rng_slice(t, 50, 150);
	default:      return Q;
	}
}

static unsigned step(struct trial *t, enum charge charge)
{
	unsigned vm = sched_pick(&t->s);
	uint64_t ns = slice_ns(t, charge);

	sched_charge(&t->s, vm, ns);
	t->slices[vm]++;
	if (ns > t->max_slice_ns)
		t->max_slice_ns = ns;
	return vm;
}

static void steps(struct trial *t, int n, enum charge charge)
{
	for (int k = 0; k < n; k++)
		step(t, charge);
}

/* How far a VM is from its ideal, in quanta: > 0 behind, < 0 ahead. */
static double lag_quanta(const struct trial *t, unsigned vm)
{
	const struct sched *s = &t->s;
	double ideal = (double)s->charged_sum_ns * s->vm[vm].weight /
		       s->weight_sum;

	return (ideal - (double)s->vm[vm].charged_ns) / Q;
}

/* ---- the cases ------------------------------------------------------- */

static const uint32_t defaults[] = { 7, 3 };

/* The order of ten quanta at the defaults, N for Neo and M for Morpheus. */
static void block_string(struct trial *t, enum charge charge, char out[11])
{
	for (int i = 0; i < 10; i++)
		out[i] = step(t, charge) == 0 ? 'N' : 'M';
	out[10] = '\0';
}

static void default_order(void)
{
	static struct trial t;   /* static: trial_init frees its last groups */
	char block[11];

	trial_init(&t, defaults, 2, 0);
	for (int b = 0; b < 1000; b++) {
		block_string(&t, EXACT, block);
		if (strcmp(block, "NMNNMNNMNN"))
			FAIL("block %d is %s, not NMNNMNNMNN", b, block);
	}
}

static bool block_is_7_3(const char *block)
{
	int neo = 0;

	for (int i = 0; i < 10; i++)
		neo += block[i] == 'N';
	return neo == 7;
}

/* Every jitter of the first ten slices by +5% or -5%, worst cases
 * included: the first block is still 7:3, Morpheus within four. */
static void default_first_block_jitter_extremes(void)
{
	for (unsigned signs = 0; signs < 1024; signs++) {
		static struct trial t;   /* static: trial_init frees its last groups */
		char block[11];

		trial_init(&t, defaults, 2, 0);
		for (int i = 0; i < 10; i++) {
			unsigned vm = sched_pick(&t.s);

			sched_charge(&t.s, vm, signs >> i & 1 ? Q * 105 / 100
							      : Q * 95 / 100);
			block[i] = vm == 0 ? 'N' : 'M';
		}
		block[10] = '\0';
		if (!block_is_7_3(block) || !strchr(block, 'M') ||
		    strchr(block, 'M') - block >= 4)
			FAIL("jitter %#x gives %s", signs, block);
	}
}

/* Random jitter within 5%: the first five blocks of ten are all 7:3. Later
 * the drift of the measured time is paid back, which may move one quantum
 * across a block's edge: that is the accounting working, not a fault. */
static void default_blocks_jitter(void)
{
	for (uint64_t seed = 1; seed <= 1000; seed++) {
		static struct trial t;   /* static: trial_init frees its last groups */
		char block[11];

		trial_init(&t, defaults, 2, seed);
		for (int b = 0; b < 5; b++) {
			block_string(&t, JITTER5, block);
			if (!block_is_7_3(block))
				FAIL("seed %lu: block %d is %s",
				     (unsigned long)seed, b, block);
			if (b == 0 && strchr(block, 'M') - block >= 4)
				FAIL("seed %lu: Morpheus first runs in "
				     "quantum %d", (unsigned long)seed,
				     (int)(strchr(block, 'M') - block) + 1);
		}
	}
}

/* Slices late by 0 to `late_permille` of a quantum (a CPU-time timer fires
 * at the first scheduler tick after it expires: up to 4 ms late on 1 s).
 * At every block boundary both VMs stand at their ideal, give or take the
 * jitter: the tie rule must keep every one of `blocks` blocks exactly
 * NMNNMNNMNN, not only the first. */
static void blocks_exact_under_late_ticks(int blocks, unsigned late_permille,
					  uint64_t seeds)
{
	for (uint64_t seed = 1; seed <= seeds; seed++) {
		static struct trial t;   /* static: trial_init frees its last groups */
		char block[11];

		trial_init(&t, defaults, 2, seed);
		for (int b = 0; b < blocks; b++) {
			for (int i = 0; i < 10; i++) {
				unsigned vm = sched_pick(&t.s);

				sched_charge(&t.s, vm, Q + rng_next(&t) %
					     (Q * late_permille / 1000 + 1));
				block[i] = vm == 0 ? 'N' : 'M';
			}
			block[10] = '\0';
			if (strcmp(block, "NMNNMNNMNN"))
				FAIL("late by up to %u permille, seed %lu: "
				     "block %d is %s", late_permille,
				     (unsigned long)seed, b, block);
		}
	}
}

/* 1 s quanta, a 4 ms tick: 50 blocks (500 quanta), 300 seeds. */
static void default_blocks_tick_late(void)
{
	blocks_exact_under_late_ticks(50, 4, 300);
}

/* 200 ms quanta, a 4 ms tick (2%): the 3 blocks of the loaded test. */
static void default_blocks_short_quantum(void)
{
	blocks_exact_under_late_ticks(3, 20, 1000);
}

/* Jitter of either sign, the size of a tick on 1 s, one block boundary
 * after another: each VM's lag there is a hair either side of zero, and
 * the lower index (Neo) must begin every block. */
static void default_boundary_either_side(void)
{
	for (uint64_t seed = 1; seed <= 300; seed++) {
		static struct trial t;   /* static: trial_init frees its last groups */

		trial_init(&t, defaults, 2, seed);
		for (int b = 0; b < 50; b++) {
			for (int i = 0; i < 10; i++) {
				unsigned vm = sched_pick(&t.s);

				if (i == 0 && vm != 0)
					FAIL("seed %lu: block %d begins with "
					     "Morpheus", (unsigned long)seed, b);
				sched_charge(&t.s, vm, Q - Q / 500 +
					     rng_next(&t) % (Q / 250 + 1));
			}
		}
	}
}

/* The drift of Neo's lag after k slices charged in the pattern's order
 * (slice i went to pattern[i % 10]): its lag less the lag the pattern has
 * with every slice as long as their mean, in ns. While it stays within
 * DRIFT_SAFE, the tie rule keeps the order exactly NMNNMNNMNN: the
 * pattern's lags are whole tenths of a slice, eligible VMs stand at 0 and
 * the others at -0.1 or below, and the tie is a twentieth. The tests of
 * matrix compute the same drift from a trace (part2.bash, pattern_drift). */
#define DRIFT_SAFE (Q / 25)
static const char pattern[] = "NMNNMNNMNN";

static double pattern_drift(uint64_t neo_ns, uint64_t all_ns, int k)
{
	int neo_slices = 0;

	for (int i = 0; i < k; i++)
		neo_slices += pattern[i % 10] == 'N';
	return 0.7 * all_ns - neo_ns -
	       (0.7 * k - neo_slices) * ((double)all_ns / k);
}

/* Slices of random length, within 1% to 20% of a quantum and centred on it
 * or not: as long as the drift has stayed within DRIFT_SAFE, every pick is
 * the pattern's, in any block, not only the first. */
static void pattern_while_drift_small(void)
{
	static const unsigned spread_permille[] = { 10, 20, 40, 80, 200 };
	int checked = 0;

	for (size_t j = 0; j < ARRAY_SIZE(spread_permille); j++) {
		for (uint64_t seed = 1; seed <= 300; seed++) {
			static struct trial t;   /* static: trial_init frees its last groups */
			uint64_t spread = Q * spread_permille[j] / 1000;
			uint64_t base = Q - spread / 2 + seed % 3 * Q / 50;

			trial_init(&t, defaults, 2, seed);
			for (int k = 0; k < 1000; k++) {
				double drift = k ? pattern_drift(t.vm[0].charged_ns,
						t.s.charged_sum_ns, k) : 0;
				unsigned vm;

				if (drift >= DRIFT_SAFE || -drift >= DRIFT_SAFE)
					break;  /* from here the pattern may move */
				vm = sched_pick(&t.s);
				if ((vm == 0) != (pattern[k % 10] == 'N'))
					FAIL("spread %u permille, seed %lu: "
					     "quantum %d went to VM %u with a "
					     "drift of %.4f quanta",
					     spread_permille[j],
					     (unsigned long)seed, k, vm, drift / Q);
				sched_charge(&t.s, vm, base +
					     rng_next(&t) % (spread + 1));
				checked++;
			}
		}
	}
	if (checked < 300000)
		FAIL("only %d picks had a small drift", checked);
}

static const struct {
	const char *name;
	unsigned n;
	uint32_t weight[MAX_VMS];
} configs[] = {
	{ "7:3", 2, { 7, 3 } },
	{ "5:3:2", 3, { 5, 3, 2 } },
	{ "1:1000", 2, { 1, 1000 } },
	{ "1000:1000:1000:1", 4, { 1000, 1000, 1000, 1 } },
	{ "1:2:4:...:512", 10, { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512 } },
	{ "100 and fifty 1s", 51, { 100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 } },
	{ "eight 1s", 8, { 1, 1, 1, 1, 1, 1, 1, 1 } },
	{ "1000000:1", 2, { SCHED_MAX_WEIGHT, 1 } },
};

/* After every slice, for every VM: it is less than the longest slice so far
 * behind its ideal, and less than that (and the tie) ahead. */
static void lag_bound(void)
{
	for (size_t c = 0; c < ARRAY_SIZE(configs); c++) {
		for (enum charge charge = EXACT; charge < CHARGE_KINDS;
		     charge++) {
			for (uint64_t seed = 1; seed <= 20; seed++) {
				static struct trial t;   /* static: trial_init frees its last groups */

				trial_init(&t, configs[c].weight, configs[c].n,
					   seed);
				for (int k = 0; k < 3000; k++) {
					double bound;

					step(&t, charge);
					bound = (double)t.max_slice_ns / Q;
					for (unsigned i = 0; i < configs[c].n;
					     i++) {
						double lag = lag_quanta(&t, i);

						if (lag >= bound || -lag >= bound +
						    1.0 / SCHED_TIE_PARTS)
							FAIL("%s, %s, seed %lu"
							     ": VM %u off by "
							     "%.3f quanta",
							     configs[c].name,
							     charge_name[charge],
							     (unsigned long)seed,
							     i, lag);
					}
				}
			}
		}
	}
}

/* Late signals and short slices are paid back: after many slices of
 * random length the shares of measured time are exact to 1e-4. */
static void long_run_share(void)
{
	for (size_t c = 0; c < 2; c++) {
		for (enum charge charge = JITTER5; charge < CHARGE_KINDS;
		     charge++) {
			static struct trial t;   /* static: trial_init frees its last groups */

			trial_init(&t, configs[c].weight, configs[c].n, 42);
			steps(&t, 100000, charge);
			for (unsigned i = 0; i < configs[c].n; i++) {
				double share = (double)t.vm[i].charged_ns /
					       t.s.charged_sum_ns;
				double target = (double)t.vm[i].weight /
						t.s.weight_sum;

				if (share - target > 1e-4 ||
				    target - share > 1e-4)
					FAIL("%s, %s: VM %u has %.6f, not "
					     "%.6f", configs[c].name,
					     charge_name[charge], i, share,
					     target);
			}
		}
	}
}

/* The light VM runs exactly once in each of the next `rounds` periods of
 * `period` equal quanta. */
static void once_per_period(struct trial *t, unsigned light, int period,
			    int rounds)
{
	uint64_t before = t->slices[light];

	for (int round = 1; round <= rounds; round++) {
		steps(t, period, EXACT);
		if (t->slices[light] - before != (uint64_t)round)
			FAIL("in %d quanta the weight-1 VM ran %lu times",
			     round * period,
			     (unsigned long)(t->slices[light] - before));
	}
}

/* Weights 1 and 1000: one quantum in every 1001 for the light VM. */
static void weights_1_and_1000(void)
{
	static const uint32_t w[] = { 1, 1000 };
	static struct trial t;   /* static: trial_init frees its last groups */

	trial_init(&t, w, 2, 0);
	once_per_period(&t, 0, 1001, 20);
}

/* Three VMs of weight 1000 and one of 1 from the start: the light one
 * runs once in every 3001 quanta. */
static void light_vm_among_heavy_runs(void)
{
	static const uint32_t w[] = { 1000, 1000, 1000, 1 };
	static struct trial t;   /* static: trial_init frees its last groups */

	trial_init(&t, w, 4, 0);
	once_per_period(&t, 3, 3001, 5);
}

/* The same, with the light VM added after 10000 jittered quanta: its
 * credit makes it neither wait forever nor take over. */
static void light_vm_added_late_runs(void)
{
	static const uint32_t heavy[] = { 1000, 1000, 1000 };
	static struct trial t;   /* static: trial_init frees its last groups */

	trial_init(&t, heavy, 3, 7);
	steps(&t, 10000, JITTER5);
	once_per_period(&t, sched_add(&t.s, 1), 3001, 5);
}

/* Ties go to the lowest index: equal weights take turns in order. */
static void equal_weights_take_turns(void)
{
	static const uint32_t w[] = { 1, 1, 1 };
	static struct trial t;   /* static: trial_init frees its last groups */

	trial_init(&t, w, 3, 0);
	for (int k = 0; k < 300; k++) {
		unsigned vm = step(&t, EXACT);

		if (vm != (unsigned)k % 3)
			FAIL("quantum %d went to VM %u", k, vm);
	}
}

/* 5:3:2 over 600 slices up to 10% late: the counts of slices stay within
 * 1% of 300, 180 and 120 (the shares of time are exact; the counts may
 * differ a little because the slices do). */
static void three_vms_5_3_2(void)
{
	static const uint32_t w[] = { 5, 3, 2 };
	static struct trial t;   /* static: trial_init frees its last groups */

	trial_init(&t, w, 3, 3);
	steps(&t, 600, LATE10);
	for (unsigned i = 0; i < 3; i++) {
		double counted = (double)t.slices[i] / 600 * 10;

		if (counted < w[i] - 0.1 || counted > w[i] + 0.1)
			FAIL("VM %u ran %lu of 600 slices", i,
			     (unsigned long)t.slices[i]);
	}
}

/* The pick by definition, a scan of every VM: the eligible one due
 * soonest, the lowest index on a tie. sched_pick looks only at the head of
 * each weight's heap and must choose the same VM. */
static unsigned scan_pick(const struct sched *s)
{
	typedef unsigned __int128 u128;
	unsigned best = s->nvm;

	for (unsigned i = 0; i < s->nvm; i++) {
		const struct sched_vm *v = &s->vm[i], *b = &s->vm[best];

		if ((u128)v->charged_ns * s->weight_sum >
		    (u128)v->weight * s->charged_sum_ns +
		    (u128)s->tie_ns * s->weight_sum)
			continue;
		if (best == s->nvm ||
		    ((u128)v->charged_ns + s->longest_ns) * b->weight <
		    ((u128)b->charged_ns + s->longest_ns) * v->weight)
			best = i;
	}
	return best;
}

/* 32 VMs, growing to 64 (VMs added late), of four weights and of as many
 * weights as VMs, slices of every kind: after every slice the heap pick is
 * the scan's. */
static void pick_is_the_scan(void)
{
	static const uint32_t few[] = { 1, 2, 3, 7 };
	static struct trial t;   /* static: trial_init frees its last groups */
	uint32_t weight[MAX_VMS];

	for (int distinct = 0; distinct < 2; distinct++) {
		for (enum charge charge = EXACT; charge < CHARGE_KINDS;
		     charge++) {
			for (unsigned i = 0; i < MAX_VMS; i++)
				weight[i] = distinct ? 1 + i * 37 : few[i % 4];
			trial_init(&t, weight, MAX_VMS / 2, charge + 1);
			for (int k = 0; k < 20000; k++) {
				unsigned want = scan_pick(&t.s);
				unsigned got = sched_pick(&t.s);

				if (got != want)
					FAIL("%s weights, %s, slice %d: picked "
					     "%u, the scan %u",
					     distinct ? "64" : "four",
					     charge_name[charge], k, got, want);
				sched_charge(&t.s, got, slice_ns(&t, charge));
				if (k % 500 == 499 && t.s.nvm < MAX_VMS)
					sched_add(&t.s, weight[t.s.nvm]);
			}
		}
	}
}

static const struct check_case cases[] = {
	{ "pick-is-the-scan", pick_is_the_scan },
	{ "default-blocks-tick-late", default_blocks_tick_late },
	{ "default-blocks-short-quantum", default_blocks_short_quantum },
	{ "default-boundary-either-side", default_boundary_either_side },
	{ "pattern-while-drift-small", pattern_while_drift_small },
	{ "default-order", default_order },
	{ "default-first-block-jitter-extremes",
	  default_first_block_jitter_extremes },
	{ "default-blocks-jitter", default_blocks_jitter },
	{ "lag-bound", lag_bound },
	{ "long-run-share", long_run_share },
	{ "weights-1-and-1000", weights_1_and_1000 },
	{ "light-vm-among-heavy-runs", light_vm_among_heavy_runs },
	{ "light-vm-added-late-runs", light_vm_added_late_runs },
	{ "equal-weights-take-turns", equal_weights_take_turns },
	{ "three-vms-5-3-2", three_vms_5_3_2 },
};

int main(int argc, char **argv)
{
	return check_main(cases, ARRAY_SIZE(cases), argc, argv);
}
