/*
 * The unit-test harness of part1b/unit and part2/unit, the tests that need
 * no KVM. A test program is a table of named cases, each a function that
 * checks with CHECK (and goes on) or FAIL (and returns). The harness runs
 *
 *   ./test-NAME           every case
 *   ./test-NAME CASE...   the named cases, in the table's order
 *   ./test-NAME --list    no case: it prints their names, one a line
 *
 * and prints one line per case on stdout,
 *
 *   ok NAME
 *   FAIL NAME: what differed (file:line)
 *
 * main's status is 1 when any case failed. A name that is no case is bad
 * usage: one line on stderr, status 2, and no case runs. A case stops being
 * judged at its first failed check (later checks are still evaluated, but
 * only the first message is kept: it is the one that explains the others).
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct check_case {
	const char *name;
	void (*run)(void);
};

/* Records a failure of the running case unless ok; returns ok. */
bool check_that(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define CHECK(cond, ...) check_that((cond), __FILE__, __LINE__, __VA_ARGS__)

/* Fails the running case and returns from the function it is in: a case,
 * or a helper that a case calls last. */
#define FAIL(...) do {                                                  \
		check_that(false, __FILE__, __LINE__, __VA_ARGS__);     \
		return;                                                 \
	} while (0)

/*
 * Compares bytes (which may hold NULs) with the expected ones; on a
 * difference the message shows both, escaped.
 */
bool check_bytes_at(const char *what, const void *actual, size_t actual_len,
		    const void *expected, size_t expected_len,
		    const char *file, int line);

#define CHECK_BYTES(what, actual, len, expected, expected_len) \
	check_bytes_at((what), (actual), (len), (expected), (expected_len), \
		       __FILE__, __LINE__)
#define CHECK_TEXT(what, actual, len, expected) \
	CHECK_BYTES((what), (actual), (len), (expected), strlen(expected))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Runs the cases named in argv (all of them when there is none) and
 * returns main's exit status. `--list` prints the case names instead.
 */
int check_main(const struct check_case *cases, size_t ncases,
	       int argc, char **argv);

#endif /* CHECK_H */
