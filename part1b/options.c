#include <elf.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hypercall.h"
#include "options.h"
#include "output.h"

#define VERSION "simple-kvm 1.0, hypercall ABI v1"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

static void usage(FILE *to)
{
	fprintf(to,
		"usage: simple-kvm [-r | -s | -p | -l] [--guest FILE] [--mem SIZE]\n"
		"                  [--stats] [--trace] [--gdb PORT] [--coalesce-print8]\n"
		"                  [-v] [-h] [--version]\n"
		"  -r, -s, -p, -l  real, protected, 32-bit paging, long mode (default -l)\n"
		"  --guest FILE    run FILE (ELF or flat binary) instead of the embedded guest\n"
		"  --mem SIZE      guest RAM, a multiple of 2M from 2M to 512M (default 2M)\n"
		"  --stats         print exit counts by reason and by port on stderr at the end\n"
		"  --trace         print one line per VM exit on stderr\n"
		"  --gdb PORT      wait for gdb on 127.0.0.1:PORT (0: any free port)\n"
		"  --coalesce-print8  queue print8bit's bytes in KVM's coalesced PIO ring\n"
		"                  instead of one exit each, where KVM can\n"
		"  -v, --verbose   print where guest RAM is in the host on stderr\n"
		"  -h, --help      print this help;  --version  print the version\n");
}

static _Noreturn void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static _Noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarnx(fmt, ap);
	va_end(ap);
	usage(stderr);
	exit(2);
}

/*
 * "2M", "64M", "2097152": a whole number of the 2 MiB pages that long mode
 * maps, and no more than fits below 4 GiB in the host (MAP_32BIT's window
 * is 1 GiB, and other mappings share it).
 */
static uint64_t parse_ram_size(const char *text)
{
	char *end;
	unsigned long long value;
	uint64_t unit = 1;

	errno = 0;
	value = strtoull(text, &end, 10);
	if (end != text && *end && !end[1]) {
		switch (*end) {
		case 'K': case 'k': unit = 1 << 10; end++; break;
		case 'M': case 'm': unit = MIB; end++; break;
		case 'G': case 'g': unit = GIB; end++; break;
		}
	}
	if (end == text || *end || errno || text[0] == '-' ||
	    value > GUEST_RAM_MAX / unit || value * unit < GUEST_RAM_DEFAULT ||
	    value * unit % (2 * MIB) != 0)
		usage_error("--mem %s: give a multiple of 2M from 2M to 512M", text);
	return value * unit;
}

static int parse_port(const char *text)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(text, &end, 10);
	if (end == text || *end || errno || port < 0 || port > 65535)
		usage_error("--gdb %s: give a TCP port from 0 to 65535", text);
	return (int)port;
}

void parse_options(int argc, char **argv, struct options *opt)
{
	enum { OPT_GUEST = 256, OPT_MEM, OPT_STATS, OPT_TRACE, OPT_GDB,
	       OPT_VERSION, OPT_COALESCE };
	static const struct option longopts[] = {
		{ "guest", required_argument, NULL, OPT_GUEST },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "gdb", required_argument, NULL, OPT_GDB },
		{ "coalesce-print8", no_argument, NULL, OPT_COALESCE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*opt = (struct options){ .ram_size = GUEST_RAM_DEFAULT, .gdb_port = -1 };
	/* The leading ':' tells a missing value (':') from an unknown option. */
	while ((c = getopt_long(argc, argv, ":rsplvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': case 's': case 'p': case 'l':
			if (opt->mode && opt->mode->flag != c)
				usage_error("give one mode: -r, -s, -p or -l");
			opt->mode = mode_of_flag(c);
			break;
		case OPT_GUEST:   opt->guest_path = optarg; break;
		case OPT_MEM:     opt->ram_size = parse_ram_size(optarg); break;
		case OPT_STATS:   opt->stats = true; break;
		case OPT_TRACE:   opt->trace = true; break;
		case OPT_GDB:     opt->gdb_port = parse_port(optarg); break;
		case OPT_COALESCE: opt->coalesce_print8 = true; break;
		case 'v':         opt->verbose = true; break;
		case 'h':         usage(stdout); stdout_flush(NULL); exit(0);
		case OPT_VERSION: puts(VERSION); stdout_flush(NULL); exit(0);
		case ':':
			usage_error("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
	if (!opt->mode)
		opt->mode = mode_of_flag('l');
}

/*
 * The ELF gdb should load for the guest's symbols: a --guest ELF, or the
 * embedded guest's, built next to simple-kvm. NULL when there is none.
 */
const char *guest_elf(const struct options *opt, char *path, size_t size)
{
	static const char magic[SELFMAG] = ELFMAG;
	char head[SELFMAG];
	FILE *file;
	ssize_t len;
	char *slash;

	if (opt->guest_path) {
		file = fopen(opt->guest_path, "rb");
		len = file ? (ssize_t)fread(head, 1, sizeof(head), file) : 0;
		if (file)
			fclose(file);
		return len == SELFMAG && !memcmp(head, magic, SELFMAG) ?
		       opt->guest_path : NULL;
	}
	len = readlink("/proc/self/exe", path, size - 1);
	slash = len > 0 ? memrchr(path, '/', (size_t)len) : NULL;
	if (!slash || (size_t)(slash - path) + 16 > size)
		return NULL;
	strcpy(slash + 1, opt->mode->flag == 'r' ? "guest16.elf" :
	       opt->mode->flag == 'l' ? "guest64.elf" : "guest32.elf");
	return access(path, R_OK) == 0 ? path : NULL;
}
