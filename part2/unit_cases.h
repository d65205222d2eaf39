/*
 * The frame of part2's unit-test programs (test-sched, test-charge): a
 * table of named cases, each a function that returns false with a reason.
 *
 *   ./test-NAME          run every case
 *   ./test-NAME CASE...  run the named cases
 *
 * Prints "ok - CASE" or "not ok - CASE: why" per case; exits 1 if any
 * fails, or if a named case does not exist.
 */
#ifndef UNIT_CASES_H
#define UNIT_CASES_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct unit_case {
	const char *name;
	bool (*run)(void);
};

static char why[256];

#define FAIL(...) do {                                          \
		snprintf(why, sizeof(why), __VA_ARGS__);        \
		return false;                                   \
	} while (0)

static bool unit_case_run(const struct unit_case *c)
{
	bool ok = c->run();

	if (ok)
		printf("ok - %s\n", c->name);
	else
		printf("not ok - %s: %s\n", c->name, why);
	return ok;
}

static int unit_cases_main(const struct unit_case *cases, size_t n,
			   int argc, char **argv)
{
	bool all_ok = true;

	if (argc == 1) {
		for (size_t c = 0; c < n; c++)
			all_ok &= unit_case_run(&cases[c]);
		return all_ok ? 0 : 1;
	}
	for (int a = 1; a < argc; a++) {
		size_t c = 0;

		while (c < n && strcmp(cases[c].name, argv[a]))
			c++;
		if (c == n) {
			printf("not ok - %s: no such case\n", argv[a]);
			all_ok = false;
			continue;
		}
		all_ok &= unit_case_run(&cases[c]);
	}
	return all_ok ? 0 : 1;
}

#endif
