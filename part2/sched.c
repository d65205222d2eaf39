#include <err.h>
#include <stdbool.h>
#include <stdlib.h>

#include "sched.h"

typedef unsigned __int128 u128;

void sched_init(struct sched *s, struct sched_vm *vm, uint64_t quantum_ns)
{
	*s = (struct sched){ .vm = vm, .longest_ns = quantum_ns,
			     .tie_ns = quantum_ns / SCHED_TIE_PARTS };
}

/* ---- the heap of one weight: least charged first, then lowest index ---- */

static bool charged_less(const struct sched *s, unsigned a, unsigned b)
{
	const struct sched_vm *va = &s->vm[a], *vb = &s->vm[b];

	return va->charged_ns < vb->charged_ns ||
	       (va->charged_ns == vb->charged_ns && a < b);
}

static void heap_put(struct sched *s, struct sched_group *g, unsigned pos,
		     unsigned vm)
{
	g->heap[pos] = vm;
	s->vm[vm].heap_pos = pos;
}

static void sift_up(struct sched *s, struct sched_group *g, unsigned pos)
{
	unsigned vm = g->heap[pos];

	while (pos > 0 && charged_less(s, vm, g->heap[(pos - 1) / 2])) {
		heap_put(s, g, pos, g->heap[(pos - 1) / 2]);
		pos = (pos - 1) / 2;
	}
	heap_put(s, g, pos, vm);
}

static void sift_down(struct sched *s, struct sched_group *g, unsigned pos)
{
	unsigned vm = g->heap[pos];

	for (;;) {
		unsigned child = 2 * pos + 1;

		if (child >= g->n)
			break;
		if (child + 1 < g->n &&
		    charged_less(s, g->heap[child + 1], g->heap[child]))
			child++;
		if (!charged_less(s, g->heap[child], vm))
			break;
		heap_put(s, g, pos, g->heap[child]);
		pos = child;
	}
	heap_put(s, g, pos, vm);
}

static void *grow(void *array, unsigned *room, size_t size)
{
	unsigned new_room = *room ? 2 * *room : 4;

	array = reallocarray(array, new_room, size);
	if (!array || new_room < *room)
		err(1, "sched: no memory");
	*room = new_room;
	return array;
}

/* The group of a weight, made if it is new. */
static struct sched_group *group_of(struct sched *s, uint32_t weight)
{
	unsigned i;

	for (i = 0; i < s->ngroups; i++)
		if (s->group[i].weight == weight)
			return &s->group[i];
	if (s->ngroups == s->group_room)
		s->group = grow(s->group, &s->group_room, sizeof(*s->group));
	s->group[i] = (struct sched_group){ .weight = weight };
	s->ngroups++;
	return &s->group[i];
}

/* ---- the policy ---- */

unsigned sched_add(struct sched *s, uint32_t weight)
{
	unsigned index = s->nvm;
	struct sched_vm *vm = &s->vm[index];
	struct sched_group *g = group_of(s, weight);
	uint64_t ideal_ns = 0;

	/* Credit the newcomer with what its weight would have earned so far:
	 * its lag is then zero, and every other VM's ideal stays the same. */
	if (s->weight_sum)
		ideal_ns = (u128)weight * s->charged_sum_ns / s->weight_sum;
	*vm = (struct sched_vm){ .weight = weight, .charged_ns = ideal_ns,
				 .group = g - s->group };
	s->weight_sum += weight;
	s->charged_sum_ns += ideal_ns;
	s->nvm++;

	if (g->n == g->room)
		g->heap = grow(g->heap, &g->room, sizeof(*g->heap));
	g->heap[g->n++] = index;
	sift_up(s, g, g->n - 1);
	return index;
}

/* lag >= -tie, multiplied through by the weight sum:
 * charged * weight_sum <= weight * charged_sum + tie * weight_sum.
 * A VM a hair ahead of its ideal (timer jitter) counts as at it: at every
 * block boundary of 7:3 both VMs stand at their ideal, and without the
 * tie the jitter of the last slices would decide who runs first. */
static bool eligible(const struct sched *s, const struct sched_vm *vm)
{
	return (u128)vm->charged_ns * s->weight_sum <=
	       (u128)vm->weight * s->charged_sum_ns +
	       (u128)s->tie_ns * s->weight_sum;
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

/* Due sooner, or as soon and earlier in the order of the VMs. */
static bool better(const struct sched *s, unsigned a, unsigned b)
{
	return due_sooner(s, &s->vm[a], &s->vm[b]) ||
	       (!due_sooner(s, &s->vm[b], &s->vm[a]) && a < b);
}

unsigned sched_pick(const struct sched *s)
{
	unsigned best = s->nvm;

	/* Not every VM can be ahead of its ideal: the lags sum to zero, so
	 * at least one is eligible, and then so is the head of its group. */
	for (unsigned i = 0; i < s->ngroups; i++) {
		unsigned head = s->group[i].heap[0];

		if (!eligible(s, &s->vm[head]))
			continue;
		if (best == s->nvm || better(s, head, best))
			best = head;
	}
	return best;
}

void sched_charge(struct sched *s, unsigned vm, uint64_t ns)
{
	struct sched_vm *v = &s->vm[vm];

	v->charged_ns += ns;
	s->charged_sum_ns += ns;
	if (ns > s->longest_ns)
		s->longest_ns = ns;
	sift_down(s, &s->group[v->group], v->heap_pos);
}

void sched_free(struct sched *s)
{
	for (unsigned i = 0; i < s->ngroups; i++)
		free(s->group[i].heap);
	free(s->group);
	s->group = NULL;
	s->ngroups = s->group_room = 0;
}
