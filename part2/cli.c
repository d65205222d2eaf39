#include <ctype.h>
#include <err.h>
#include <errno.h>          /* program_invocation_short_name */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sched.h"
#include "time_ns.h"

/* Below this the timer would fire faster than a VM exit and a printed
 * line take; above it a student would wait an hour for one slice. */
#define QUANTUM_MIN_NS (100 * NSEC_PER_USEC)
#define QUANTUM_MAX_NS (3600 * NSEC_PER_SEC)

enum { OPT_SECONDS = 256, OPT_QUANTUM, OPT_VM, OPT_TRACE, OPT_CHARGE_WALL,
       OPT_PRINT_COUNT };

static const struct option long_options[] = {
	{ "slices",  required_argument, NULL, 'n' },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "quantum", required_argument, NULL, OPT_QUANTUM },
	{ "vm",      required_argument, NULL, OPT_VM },
	{ "quiet",   no_argument,       NULL, 'q' },
	{ "trace",   required_argument, NULL, OPT_TRACE },
	{ "help",    no_argument,       NULL, 'h' },
	/* Not in --help, for bench/: wall-time charging to compare with, and
	 * the guests' own loop counts (run_finish.c). */
	{ "charge-wall", no_argument,   NULL, OPT_CHARGE_WALL },
	{ "print-count", no_argument,   NULL, OPT_PRINT_COUNT },
	{ NULL, 0, NULL, 0 },
};

static void usage(const struct stage *stage)
{
	printf("Usage: %s [OPTION]...\n%s\n\n", program_invocation_short_name,
	       stage->about);
	printf("  -n, --slices N         stop after N slices\n"
	       "      --seconds S        stop after S seconds (3, 0.5, ...)\n");
	if (stage->preempts)
		printf("      --quantum DURATION CPU time of a slice: 1s, 10ms, "
		       "500us (default %gs)\n",
		       (double)stage->quantum_ns / NSEC_PER_SEC);
	if (stage->weighs)
		printf("      --vm IMAGE[:WEIGHT]\n"
		       "                         run IMAGE with WEIGHT (1 to %u, "
		       "default 1);\n"
		       "                         repeatable; replaces the default "
		       "guests\n",
		       SCHED_MAX_WEIGHT);
	else
		printf("      --vm IMAGE         run IMAGE; repeatable; replaces "
		       "the default guests\n");
	printf("  -q, --quiet            print no per-slice lines\n"
	       "      --trace FILE       write a CSV row per slice: "
	       "vm,start_ns,end_ns,cpu_ns\n"
	       "  -h, --help             show this help\n\n"
	       "Without --slices or --seconds it runs until SIGINT or "
	       "SIGTERM. Then it\nprints a summary on stderr and exits with "
	       "status 0.\n");
	if (fflush(stdout) != 0 || ferror(stdout))
		err(1, "stdout");
	exit(0);
}

/* "12" or "12.5" followed by one of the suffixes, each meaning unit_ns[i]
 * nanoseconds. Digits past the ninth after the point are ignored. */
static bool parse_ns(const char *text, const char *const *suffix,
		     const uint64_t *unit_ns, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0, frac_scale = 1;
	const char *p = text;

	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > UINT64_MAX / 10 - 1)
			return false;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return false;
		for (; isdigit((unsigned char)*p); p++) {
			if (frac_scale < NSEC_PER_SEC) {
				frac = frac * 10 + (*p - '0');
				frac_scale *= 10;
			}
		}
	}
	for (int i = 0; suffix[i]; i++) {
		uint64_t frac_ns = frac * unit_ns[i] / frac_scale;

		if (strcmp(p, suffix[i]))
			continue;
		if (whole > (UINT64_MAX - frac_ns) / unit_ns[i])
			return false;       /* does not fit in 64 bits */
		*ns = whole * unit_ns[i] + frac_ns;
		return true;
	}
	return false;
}

static uint64_t parse_seconds(const char *text)
{
	static const char *const suffix[] = { "", NULL };
	static const uint64_t unit_ns[] = { NSEC_PER_SEC };
	uint64_t ns;

	if (!parse_ns(text, suffix, unit_ns, &ns) || ns == 0)
		errx(2, "--seconds '%s': not a number of seconds above 0",
		     text);
	return ns;
}

static uint64_t parse_quantum(const char *text)
{
	static const char *const suffix[] = { "s", "ms", "us", NULL };
	static const uint64_t unit_ns[] = {
		NSEC_PER_SEC, NSEC_PER_MSEC, NSEC_PER_USEC,
	};
	uint64_t ns;

	if (!parse_ns(text, suffix, unit_ns, &ns))
		errx(2, "--quantum '%s': not a duration like 1s, 10ms or 500us",
		     text);
	if (ns < QUANTUM_MIN_NS || ns > QUANTUM_MAX_NS)
		errx(2, "--quantum '%s': must be from 100us to 3600s", text);
	return ns;
}

static bool parse_whole(const char *text, uint64_t *n)
{
	static const char *const suffix[] = { "", NULL };
	static const uint64_t unit[] = { 1 };

	return !strchr(text, '.') && parse_ns(text, suffix, unit, n);
}

static uint64_t parse_slices(const char *text)
{
	uint64_t n;

	if (!parse_whole(text, &n) || n == 0)
		errx(2, "--slices '%s': not a whole number above 0", text);
	return n;
}

static void grow_vms(struct options *opts, unsigned room)
{
	struct vm_option *vm = reallocarray(opts->vm, room, sizeof(*vm));

	if (!vm || room <= opts->nvm)
		errx(1, "no memory for %u VMs", room);
	opts->vm = vm;
	opts->vm_room = room;
}

/* IMAGE or IMAGE:WEIGHT. The weight follows the last colon, so an image
 * whose name has a colon needs an explicit weight. */
static void parse_vm(char *text, const struct stage *stage,
		     struct options *opts)
{
	char *colon = strrchr(text, ':');
	struct vm_option *vm;

	if (opts->nvm == opts->vm_room)
		grow_vms(opts, opts->vm_room ? 2 * opts->vm_room : 8);
	vm = &opts->vm[opts->nvm];
	if (!*text || colon == text)
		errx(2, "--vm '%s': no image", text);
	*vm = (struct vm_option){ .image = text, .weight = 1 };
	if (colon) {
		uint64_t weight;

		if (!stage->weighs)
			errx(2, "--vm '%s': only matrix takes a weight", text);
		if (!parse_whole(colon + 1, &weight) || weight == 0 ||
		    weight > SCHED_MAX_WEIGHT)
			errx(2, "--vm '%s': the weight must be a whole number "
			     "from 1 to %u", text, SCHED_MAX_WEIGHT);
		vm->weight = weight;
		*colon = '\0';
	}
	opts->nvm++;
}

/* The stage's own guests, from the folder that holds the executable, so
 * that ./matrix and part2/matrix both find them. */
static void use_default_vms(const struct stage *stage, struct options *opts)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *dir;

	if (len < 0)
		err(1, "/proc/self/exe");
	exe[len] = '\0';
	dir = dirname(exe);
	grow_vms(opts, 2);
	for (int i = 0; i < 2; i++) {
		snprintf(opts->default_path[i], sizeof(opts->default_path[i]),
			 "%s/%s", dir, stage->default_image[i]);
		opts->vm[i] = (struct vm_option){
			.image = opts->default_path[i],
			.weight = stage->default_weight[i],
		};
	}
	opts->nvm = 2;
}

static void unknown_option(int argc, char **argv)
{
	/* optopt names a bad short option; a bad long one is the argument
	 * just read, up to any "=value". */
	const char *arg = optind <= argc ? argv[optind - 1] : "?";

	if (optopt && optopt < 256)
		errx(2, "unknown option '-%c' (see --help)", optopt);
	errx(2, "unknown option '%.*s' (see --help)",
	     (int)strcspn(arg, "="), arg);
}

/* matrix-a has no timer, so no quantum. */
static void no_quantum(void)
{
	errx(2, "unknown option '--quantum' (see --help)");
}

void cli_parse(int argc, char **argv, const struct stage *stage,
	       struct options *opts)
{
	int opt;

	*opts = (struct options){ .quantum_ns = stage->quantum_ns };
	opterr = 0;     /* our messages, in our format */
	while ((opt = getopt_long(argc, argv, ":n:qh", long_options,
				  NULL)) != -1) {
		switch (opt) {
		case 'n':
			opts->max_slices = parse_slices(optarg);
			break;
		case OPT_SECONDS:
			opts->max_ns = parse_seconds(optarg);
			break;
		case OPT_QUANTUM:
			if (!stage->preempts)
				no_quantum();
			opts->quantum_ns = parse_quantum(optarg);
			break;
		case OPT_VM:
			parse_vm(optarg, stage, opts);
			break;
		case 'q':
			opts->quiet = true;
			break;
		case OPT_TRACE:
			opts->trace_path = optarg;
			break;
		case OPT_CHARGE_WALL:
			opts->charge_wall = true;
			break;
		case OPT_PRINT_COUNT:
			opts->print_count = true;
			break;
		case 'h':
			usage(stage);
			break;
		case ':':
			if (optopt == OPT_QUANTUM && !stage->preempts)
				no_quantum();
			errx(2, "option '%s' needs a value", argv[optind - 1]);
		default:
			unknown_option(argc, argv);
		}
	}
	if (optind < argc)
		errx(2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (opts->nvm == 0)
		use_default_vms(stage, opts);
}

void cli_free(struct options *opts)
{
	free(opts->vm);
	opts->vm = NULL;
}
