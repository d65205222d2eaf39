/*
 * The scheduling policy of matrix: which VM runs the next quantum. Pure
 * logic, no KVM, no clock: the caller charges each VM with the nanoseconds
 * it measured around KVM_RUN, so a late signal or a short slice is paid
 * back in the decisions that follow.
 *
 * Every VM has a weight and an ideal: weight / (sum of weights) of all the
 * time charged so far. Its lag is its ideal minus its charged time. In the
 * words of stride scheduling, its pass is charged time / weight, and the
 * global pass is all charged time / all weight. The next VM is
 *   - one that is not ahead of its ideal (its pass is not beyond the
 *     global pass: "eligible"), and among those
 *   - the one whose pass after one more slice is smallest: the VM whose lag
 *     would first reach a whole slice if it kept waiting (earliest deadline
 *     first; a "slice" here is the longest charged so far, at least the
 *     quantum, so that long slices cannot outrun the deadlines);
 *   - on a tie, the lowest index.
 * A VM runs only while it is not ahead, so it is never more than a slice
 * (and that twentieth) ahead of its ideal; the deadlines keep it, in every
 * case the tests try, less than a slice behind. With equal slices and weights 7 and 3 the order is
 * N M N N M N N M N N, forever. This is stride scheduling with the
 * eligibility rule of EEVDF; without that rule a VM of weight 100 among
 * fifty of weight 1 falls 33 quanta behind. The comparisons are exact,
 * on 128-bit cross products: nothing is rounded away.
 *
 * The pick does not look at every VM: among VMs of one weight, both rules
 * favour the one charged least (eligibility and the deadline grow with the
 * charge), so each weight keeps its VMs in a heap, least charged first
 * (ties: lowest index), and the pick compares only the heads, one per
 * distinct weight. That is the same VM a scan of all of them would choose;
 * a pick costs O(distinct weights), a charge O(log N).
 */
#ifndef SCHED_H
#define SCHED_H

#include <stdint.h>

/* Weights above this are refused by the command line; the arithmetic
 * stays exact up to 2^32 VMs of this weight. */
#define SCHED_MAX_WEIGHT 1000000u

/* A VM less than quantum / SCHED_TIE_PARTS ahead of its ideal is still
 * eligible: lags that close count as equal (then the deadline, and on a
 * tie the lowest index, decide), so timer jitter cannot reorder a block. */
#define SCHED_TIE_PARTS 20

struct sched_vm {
	uint32_t weight;
	uint64_t charged_ns;
	unsigned group;             /* the index of its weight's group */
	unsigned heap_pos;          /* its place in that group's heap */
};

/* The VMs of one weight, in a binary heap, least charged first. */
struct sched_group {
	uint32_t weight;
	unsigned *heap;             /* VM indices */
	unsigned n, room;
};

struct sched {
	struct sched_vm *vm;        /* the caller's array */
	unsigned nvm;
	struct sched_group *group;  /* one per distinct weight */
	unsigned ngroups, group_room;
	uint64_t weight_sum;
	uint64_t charged_sum_ns;
	uint64_t longest_ns;        /* the longest slice, at least a quantum */
	uint64_t tie_ns;            /* lags this close count as equal */
};

/* An empty schedule over vm[], which must have room for every VM added. */
void sched_init(struct sched *s, struct sched_vm *vm, uint64_t quantum_ns);

/* Adds a VM with a weight from 1 to SCHED_MAX_WEIGHT and returns its index.
 * It starts exactly at its ideal, so joining late neither starves the
 * others nor makes it wait. */
unsigned sched_add(struct sched *s, uint32_t weight);

/* The VM to run next; there must be at least one. */
unsigned sched_pick(const struct sched *s);

/* Charges a VM with the time it really ran. */
void sched_charge(struct sched *s, unsigned vm, uint64_t ns);

/* Frees the groups (not the caller's array). */
void sched_free(struct sched *s);

#endif
