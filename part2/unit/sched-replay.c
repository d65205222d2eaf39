/*
 * sched-replay: the decisions of sched.c on charges measured elsewhere, for
 * the tests. matrix's order is fixed by what it measured: given the same
 * charges (a --trace file's cpu_ns column), the policy must make the same
 * picks, however loaded the host was when they were measured.
 *
 *   unit/sched-replay QUANTUM_NS WEIGHT... < charges
 *
 * Reads one charge in ns per line; before each, prints the index (0, 1, ...)
 * of the VM the policy picks, then charges it.
 */
#include <err.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "../sched.h"

static uint64_t number(const char *text, uint64_t max)
{
	char *end;
	unsigned long long value = strtoull(text, &end, 10);

	if (end == text || *end || value == 0 || value > max)
		errx(2, "'%s': not a whole number from 1 to %" PRIu64, text,
		     max);
	return value;
}

int main(int argc, char **argv)
{
	struct sched_vm *vm;
	struct sched sched;
	unsigned long long charge;

	if (argc < 3)
		errx(2, "usage: sched-replay QUANTUM_NS WEIGHT... < charges");
	vm = calloc(argc - 2, sizeof(*vm));
	if (!vm)
		err(1, "calloc");
	sched_init(&sched, vm, number(argv[1], UINT64_MAX / 2));
	for (int i = 2; i < argc; i++)
		sched_add(&sched, number(argv[i], SCHED_MAX_WEIGHT));
	while (scanf("%llu", &charge) == 1) {
		unsigned pick = sched_pick(&sched);

		printf("%u\n", pick);
		sched_charge(&sched, pick, charge);
	}
	if (!feof(stdin))
		errx(2, "a charge is not a whole number of ns");
	sched_free(&sched);
	free(vm);
	return 0;
}
