/*
 * simple-kvm's command line (SPEC §3): the mode, the guest and the
 * options. Bad input ends the program with one stderr line, the usage and
 * status 2, before any VM exists.
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modes.h"

#define GUEST_RAM_MAX (UINT64_C(512) << 20)

struct options {
	const struct cpu_mode *mode;
	const char *guest_path;         /* NULL: the embedded guest */
	uint64_t ram_size;
	bool stats, trace, verbose;
	bool coalesce_print8;           /* print8bit's port as coalesced PIO */
	int gdb_port;                   /* -1: no --gdb */
};

void parse_options(int argc, char **argv, struct options *opt);

/* The ELF gdb should load for the guest's symbols: a --guest ELF, or the
 * embedded guest's, built next to simple-kvm. NULL when there is none. */
const char *guest_elf(const struct options *opt, char *path, size_t size);

#endif /* OPTIONS_H */
