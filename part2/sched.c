#include <stdbool.h>

#include "sched.h"

typedef unsigned __int128 u128;

void sched_init(struct sched *s, struct sched_vm *vm, uint64_t quantum_ns)
{
	*s = (struct sched){ .vm = vm, .longest_ns = quantum_ns };
}

unsigned sched_add(struct sched *s, uint32_t weight)
{
	struct sched_vm *vm = &s->vm[s->nvm];
	uint64_t ideal_ns = 0;

	/* Credit the newcomer with what its weight would have earned so far:
	 * its lag is then zero, and every other VM's ideal stays the same. */
	if (s->weight_sum)
		ideal_ns = (u128)weight * s->charged_sum_ns / s->weight_sum;
	*vm = (struct sched_vm){ .weight = weight, .charged_ns = ideal_ns };
	s->weight_sum += weight;
	s->charged_sum_ns += ideal_ns;
	return s->nvm++;
}

/* lag >= 0, multiplied through by the weight sum:
 * charged * weight_sum <= weight * charged_sum. */
static bool eligible(const struct sched *s, const struct sched_vm *vm)
{
	return (u128)vm->charged_ns * s->weight_sum <=
	       (u128)vm->weight * s->charged_sum_ns;
}

/* a's pass after one more slice is below b's: the one whose lag would
 * reach a slice first if it waited. Cross-multiplied, so exact. */
static bool due_sooner(const struct sched *s, const struct sched_vm *a,
		      const struct sched_vm *b)
{
	uint64_t slice_ns = s->longest_ns;

	return ((u128)a->charged_ns + slice_ns) * b->weight <
	       ((u128)b->charged_ns + slice_ns) * a->weight;
}

unsigned sched_pick(const struct sched *s)
{
	unsigned best = s->nvm;

	/* Not every VM can be ahead of its ideal: the lags sum to zero, so
	 * at least one is eligible and the loop always finds a VM. */
	for (unsigned i = 0; i < s->nvm; i++) {
		if (!eligible(s, &s->vm[i]))
			continue;
		if (best == s->nvm || due_sooner(s, &s->vm[i], &s->vm[best]))
			best = i;
	}
	return best;
}

void sched_charge(struct sched *s, unsigned vm, uint64_t ns)
{
	s->vm[vm].charged_ns += ns;
	s->charged_sum_ns += ns;
	if (ns > s->longest_ns)
		s->longest_ns = ns;
}
