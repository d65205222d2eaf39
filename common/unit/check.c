#include <err.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The first failure of the running case; empty while it passes. */
static char first_failure[1024];

bool check_that(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	if (ok || first_failure[0])
		return ok;
	va_start(ap, fmt);
	vsnprintf(first_failure, sizeof(first_failure), fmt, ap);
	va_end(ap);
	used = strlen(first_failure);
	snprintf(first_failure + used, sizeof(first_failure) - used,
		 " (%s:%d)", file, line);
	return false;
}

/* C-style escapes, so that a failure message stays on one line. */
static void escape(const uint8_t *text, size_t len, char *out, size_t out_size)
{
	size_t used = 0;

	for (size_t i = 0; i < len && used + 8 < out_size; i++) {
		uint8_t c = text[i];

		if (c == '\n')
			used += (size_t)snprintf(out + used, out_size - used, "\\n");
		else if (c == '\\' || c == '"')
			used += (size_t)snprintf(out + used, out_size - used, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			used += (size_t)snprintf(out + used, out_size - used, "\\x%02x", c);
		else
			out[used++] = (char)c;
	}
	if (used + 8 >= out_size && len > 0)
		used += (size_t)snprintf(out + used, out_size - used, "...");
	out[used] = '\0';
}

bool check_bytes_at(const char *what, const void *actual, size_t actual_len,
		    const void *expected, size_t expected_len,
		    const char *file, int line)
{
	char shown_actual[200], shown_expected[200];

	if (actual_len == expected_len &&
	    (expected_len == 0 || memcmp(actual, expected, expected_len) == 0))
		return true;
	escape(actual, actual_len, shown_actual, sizeof(shown_actual));
	escape(expected, expected_len, shown_expected, sizeof(shown_expected));
	return check_that(false, file, line, "%s is \"%s\" (%zu bytes), "
			  "expected \"%s\" (%zu bytes)", what, shown_actual,
			  actual_len, shown_expected, expected_len);
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/* The first name in argv that no case has, or NULL. */
static const char *unknown_name(const struct check_case *cases,
				size_t ncases, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t c = 0;

		while (c < ncases && strcmp(cases[c].name, argv[i]) != 0)
			c++;
		if (c == ncases)
			return argv[i];
	}
	return NULL;
}

int check_main(const struct check_case *cases, size_t ncases,
	       int argc, char **argv)
{
	const char *unknown;
	int failed = 0;

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < ncases; i++)
			puts(cases[i].name);
		return 0;
	}
	unknown = unknown_name(cases, ncases, argc, argv);
	if (unknown) {
		warnx("no case named '%s' (try --list)", unknown);
		return 2;
	}
	/* Our lines must not interleave with a case's own stdio use. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < ncases; i++) {
		if (!wanted(cases[i].name, argc, argv))
			continue;
		first_failure[0] = '\0';
		cases[i].run();
		if (first_failure[0]) {
			printf("FAIL %s: %s\n", cases[i].name, first_failure);
			failed++;
		} else {
			printf("ok %s\n", cases[i].name);
		}
	}
	return failed ? 1 : 0;
}
