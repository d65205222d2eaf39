/*
 * The command line shared by matrix-a, matrix-b and matrix (SPEC §4.6).
 * Every bad value ends the program with one line on stderr and status 2,
 * before any VM exists.
 */
#ifndef CLI_H
#define CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct vm_option {
	const char *image;
	uint32_t weight;
};

/* What a program runs by default and which options it takes. */
struct stage {
	const char *about;              /* a paragraph for --help */
	const char *default_image[2];   /* looked up next to the executable */
	uint32_t default_weight[2];
	bool preempts;                  /* a timer ends each slice: --quantum */
	bool weighs;                    /* --vm takes IMAGE:WEIGHT */
	uint64_t quantum_ns;            /* the default --quantum */
};

struct options {
	struct vm_option *vm;           /* nvm of them, on the heap */
	unsigned nvm;
	unsigned vm_room;
	uint64_t max_slices;            /* --slices; 0: no limit */
	uint64_t max_ns;                /* --seconds; 0: no limit */
	uint64_t quantum_ns;            /* --quantum, when the stage preempts */
	bool quiet;
	bool charge_wall;               /* the bench's hidden --charge-wall */
	bool print_count;               /* the bench's hidden --print-count */
	const char *trace_path;         /* --trace; NULL: none */
	char default_path[2][PATH_MAX];
};

void cli_parse(int argc, char **argv, const struct stage *stage,
	       struct options *opts);
void cli_free(struct options *opts);

#endif
