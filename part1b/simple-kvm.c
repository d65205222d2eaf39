/*
 * simple-kvm: one VM with one vCPU in one of four CPU modes, running a guest
 * that talks to the hypervisor through the port-I/O hypercalls of
 * hypercall.h.
 *
 * main() reads top to bottom as the KVM life cycle:
 *
 *   open /dev/kvm                     the system fd: KVM_GET_API_VERSION
 *   KVM_CREATE_VM                     the VM fd
 *   KVM_SET_IDENTITY_MAP_ADDR,        pages Intel needs for real mode
 *   KVM_SET_TSS_ADDR                  without "unrestricted guest"
 *   mmap + KVM_SET_USER_MEMORY_REGION guest RAM
 *   load the guest image              into guest RAM, checked first
 *   KVM_CREATE_VCPU + mmap kvm_run    the vCPU fd and its shared page
 *   KVM_CHECK_EXTENSION               sync the special registers to kvm_run
 *   KVM_GET_SUPPORTED_CPUID,          the CPU features the guest sees
 *   KVM_SET_CPUID2
 *   KVM_GET_SREGS .. KVM_SET_REGS     one setup function per CPU mode
 *   KVM_RUN, again and again          each return is one VM exit
 *
 * Each step up to the CPUID is a function of the VM module that part2 and
 * the bench share (../common/kvm_vm.c). The hypercalls themselves are
 * served by hc_host.c, on a guest memory view that checks every guest
 * address (guest_mem.c).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <elf.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "coalesced.h"
#include "exit_log.h"
#include "gdb_stub.h"
#include "guest_file.h"
#include "guest_mem.h"
#include "hc_host.h"
#include "hypercall.h"
#include "internal_error.h"
#include "kvm_names.h"
#include "kvm_quirks.h"
#include "kvm_vm.h"
#include "loader.h"
#include "soft_mmu.h"

#define VERSION "simple-kvm 1.0, hypercall ABI v1"
#define KVM_DEVICE_ENV "SIMPLE_KVM_DEVICE" /* lets tests name another path */
#define PAGING32_ENV "SIMPLE_KVM_PAGING32" /* real or compat: forces -p's way */

/* Control register and EFER bits the mode setups use. */
#define CR0_PE   (1u << 0)   /* protected mode */
#define CR0_MP   (1u << 1)   /* WAIT honours TS, as SSE code expects */
#define CR0_EM   (1u << 2)   /* x87 emulation: clear, so x87 and SSE run */
#define CR0_ET   (1u << 4)
#define CR0_NE   (1u << 5)   /* native FPU error reporting */
#define CR0_WP   (1u << 16)  /* honour read-only pages in ring 0 too */
#define CR0_PG   (1u << 31)  /* paging */
#define CR4_PSE  (1u << 4)   /* 4 MiB pages in 32-bit paging */
#define CR4_PAE  (1u << 5)   /* 64-bit page-table entries */
#define CR4_OSFXSR     (1u << 9)  /* the OS saves SSE state: SSE enabled */
#define CR4_OSXMMEXCPT (1u << 10) /* SIMD exceptions are #XM, not #UD */
#define EFER_LME (1u << 8)   /* long mode enable */
#define EFER_LMA (1u << 10)  /* long mode active */

/* Page-table entry bits, the same in 32-bit and 4-level paging. */
#define PTE_PRESENT (1u << 0)
#define PTE_RW      (1u << 1)
#define PTE_PS      (1u << 7) /* the entry maps a large page */

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define GUEST_RAM_MAX (512 * MIB)

/* The embedded guests, linked in by payload.ld. */
extern const uint8_t guest16_image[], guest16_image_end[];
extern const uint8_t guest32_image[], guest32_image_end[];
extern const uint8_t guest64_image[], guest64_image_end[];

typedef void (*mode_setup_fn)(struct vm *vm, struct kvm_sregs *sregs,
			      struct kvm_regs *regs);

struct cpu_mode {
	char flag;
	const char *banner;
	const uint8_t *image, *image_end;       /* the embedded guest */
	unsigned elf_class;                     /* of a --guest ELF */
	uint64_t entry_limit;                   /* what rip can reach */
	mode_setup_fn setup;
	mode_setup_fn setup_if_no_paging;       /* for KVMs that drop CR0.PG */
};

/* ---- CPU mode setup: segments, control registers, page tables ---- */

/* GDT slots; a selector is its slot's byte offset. */
enum { GDT_NULL, GDT_CODE64, GDT_CODE32, GDT_DATA, GDT_SLOTS };

#define SEG_TYPE_CODE 0xb /* execute/read, accessed */
#define SEG_TYPE_DATA 0x3 /* read/write, accessed */

static struct kvm_segment flat_segment(unsigned slot, uint8_t type, bool code64)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = slot * 8,
		.type = type, .present = 1, .s = 1, .g = 1,
		.l = code64, .db = !code64,
	};
}

/* The GDT entry that loads as seg: KVM_SET_SREGS fills the hidden part of
 * the segment registers, this lets the guest reload them. */
static uint64_t gdt_entry(const struct kvm_segment *seg)
{
	uint64_t limit = seg->g ? seg->limit >> 12 : seg->limit;

	return (limit & 0xffff) | (seg->base & 0xffffff) << 16 |
	       (uint64_t)seg->type << 40 | (uint64_t)seg->s << 44 |
	       (uint64_t)seg->dpl << 45 | (uint64_t)seg->present << 47 |
	       (limit >> 16 & 0xf) << 48 | (uint64_t)seg->l << 53 |
	       (uint64_t)seg->db << 54 | (uint64_t)seg->g << 55 |
	       (seg->base >> 24 & 0xff) << 56;
}

static void use_flat_segments(struct vm *vm, struct kvm_sregs *sregs,
			      bool code64)
{
	uint64_t *gdt = (uint64_t *)(vm->guest_ram + HV_GDT);
	struct kvm_segment code = flat_segment(code64 ? GDT_CODE64 : GDT_CODE32,
					       SEG_TYPE_CODE, code64);
	struct kvm_segment data = flat_segment(GDT_DATA, SEG_TYPE_DATA, false);

	gdt[code.selector / 8] = gdt_entry(&code);
	gdt[data.selector / 8] = gdt_entry(&data);
	sregs->gdt.base = HV_GDT;
	sregs->gdt.limit = GDT_SLOTS * 8 - 1;
	/* No IDT (SPEC §1.5): a guest exception finds no handler and ends as
	 * a triple fault, never a jump through whatever lies at address 0. */
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
}

/*
 * Real mode: an address is segment * 16 + offset, so the entry point and
 * the stack top are each split into a segment and a 16-bit offset.
 */
static void setup_real_mode(struct vm *vm, struct kvm_sregs *sregs,
			    struct kvm_regs *regs)
{
	uint64_t stack_base = HV_STACK_TOP - 0x10000;

	(void)vm;
	sregs->cs.selector = regs->rip >> 4;
	sregs->cs.base = regs->rip & ~UINT64_C(0xf);
	regs->rip &= 0xf;
	sregs->ds.selector = sregs->es.selector = 0;
	sregs->ds.base = sregs->es.base = 0;
	sregs->ss.selector = stack_base >> 4;
	sregs->ss.base = stack_base;
	regs->rsp = 0; /* the first push wraps to ss:0xfffe */
}

/*
 * What an ordinary compiler's code expects of the CPU (SPEC §1.5): x87 and
 * SSE usable. The vCPU's CPUID offers them (main sets it); the OS's part
 * is these bits.
 */
static void use_x87_and_sse(struct kvm_sregs *sregs)
{
	sregs->cr0 = (sregs->cr0 | CR0_MP) & ~(uint64_t)CR0_EM;
	sregs->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
}

static void setup_protected_mode(struct vm *vm, struct kvm_sregs *sregs,
				 struct kvm_regs *regs)
{
	(void)regs;
	use_flat_segments(vm, sregs, false);
	sregs->cr0 = CR0_PE | CR0_ET | CR0_NE;
	sregs->cr4 = 0;
	use_x87_and_sse(sregs);
}

/*
 * 32-bit paging with 4 MiB pages: one page directory whose entries map
 * guest RAM at the same virtual addresses. Nothing else is mapped.
 */
static void setup_paged32_mode(struct vm *vm, struct kvm_sregs *sregs,
			       struct kvm_regs *regs)
{
	uint32_t *page_dir = (uint32_t *)(vm->guest_ram + HV_PD32);
	uint64_t large_page = 4 * MIB;

	for (uint64_t i = 0; i * large_page < vm->ram_size; i++)
		page_dir[i] = (uint32_t)(i * large_page) | PTE_PRESENT | PTE_RW | PTE_PS;

	setup_protected_mode(vm, sregs, regs);
	sregs->cr3 = HV_PD32;
	sregs->cr4 |= CR4_PSE;
	sregs->cr0 |= CR0_WP | CR0_PG;
}

/*
 * Long mode needs 4-level paging: one PML4 entry, one PDPT entry, and a
 * page directory of 2 MiB pages that maps guest RAM at the same virtual
 * addresses (so at most 1 GiB of RAM, one page directory's worth).
 */
static void setup_long_mode(struct vm *vm, struct kvm_sregs *sregs,
			    struct kvm_regs *regs)
{
	uint64_t *pml4 = (uint64_t *)(vm->guest_ram + HV_PML4);
	uint64_t *pdpt = (uint64_t *)(vm->guest_ram + HV_PDPT);
	uint64_t *pd = (uint64_t *)(vm->guest_ram + HV_PD);
	uint64_t large_page = 2 * MIB;

	(void)regs;
	pml4[0] = HV_PDPT | PTE_PRESENT | PTE_RW;
	pdpt[0] = HV_PD | PTE_PRESENT | PTE_RW;
	for (uint64_t i = 0; i * large_page < vm->ram_size; i++)
		pd[i] = i * large_page | PTE_PRESENT | PTE_RW | PTE_PS;

	use_flat_segments(vm, sregs, true);
	sregs->cr3 = HV_PML4;
	sregs->cr4 = CR4_PAE;
	sregs->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->efer = EFER_LME | EFER_LMA;
	use_x87_and_sse(sregs);
}

/*
 * Some KVMs page only in long mode: kvm-pvm, a nested KVM (KVM inside a
 * KVM guest), clears CR0.PG from a 32-bit KVM_SET_SREGS (its
 * kernel log says so) and the vCPU shuts down at its next KVM_RUN. There
 * -p runs the same 32-bit code in compatibility mode: long mode's page
 * tables under a 32-bit code segment. The guest sees 32-bit code with
 * paging on; KVM_TRANSLATE walks the tables it really uses.
 */
static void setup_paged32_compat_mode(struct vm *vm, struct kvm_sregs *sregs,
				      struct kvm_regs *regs)
{
	setup_long_mode(vm, sregs, regs);
	use_flat_segments(vm, sregs, false);
}

static const struct cpu_mode cpu_modes[] = {
	{
		.flag = 'r', .banner = "Testing real mode",
		.image = guest16_image, .image_end = guest16_image_end,
		.elf_class = ELFCLASS32, .entry_limit = MIB,
		.setup = setup_real_mode,
	}, {
		.flag = 's', .banner = "Testing protected mode",
		.image = guest32_image, .image_end = guest32_image_end,
		.elf_class = ELFCLASS32, .entry_limit = 4 * GIB,
		.setup = setup_protected_mode,
	}, {
		.flag = 'p', .banner = "Testing 32-bit paging",
		.image = guest32_image, .image_end = guest32_image_end,
		.elf_class = ELFCLASS32, .entry_limit = 4 * GIB,
		.setup = setup_paged32_mode,
		.setup_if_no_paging = setup_paged32_compat_mode,
	}, {
		.flag = 'l', .banner = "Testing 64-bit mode",
		.image = guest64_image, .image_end = guest64_image_end,
		.elf_class = ELFCLASS64, .entry_limit = UINT64_MAX,
		.setup = setup_long_mode,
	},
};

/* ---- stdout that cannot be written (SPEC §4.7) ---- */

/*
 * Ends the run at the first failed write to stdout, after --stats (log,
 * when there is one) printed its table. A reader that closed the pipe
 * (EPIPE: main ignores SIGPIPE so that the table still prints) ends it the
 * way it ends every Unix filter, quietly, killed by SIGPIPE: status 141.
 * Any other error is one stderr line, status 1.
 */
static _Noreturn void stdout_failed(int error, struct exit_log *log)
{
	if (log)
		exit_log_finish(log);
	if (error == EPIPE) {
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	warnx("cannot write to stdout: %s", strerror(error));
	_exit(1); /* not exit(): its flush of stdout would fail once more */
}

/* Sends what is left in stdout's buffer; stops the run if it cannot. */
static void stdout_flush(struct exit_log *log)
{
	if (fflush(stdout) == EOF)
		stdout_failed(errno, log);
}

/* ---- command line ---- */

struct options {
	const struct cpu_mode *mode;
	const char *guest_path;         /* NULL: the embedded guest */
	uint64_t ram_size;
	bool stats, trace, verbose;
	bool coalesce_print8;           /* print8bit's port as coalesced PIO */
	int gdb_port;                   /* -1: no --gdb */
};

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

static const struct cpu_mode *mode_of_flag(int flag)
{
	for (size_t i = 0; i < sizeof(cpu_modes) / sizeof(cpu_modes[0]); i++)
		if (cpu_modes[i].flag == flag)
			return &cpu_modes[i];
	return NULL;
}

static void parse_options(int argc, char **argv, struct options *opt)
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

/* ---- the KVM life cycle ---- */

/*
 * Runs a tiny 32-bit paged guest in a throwaway VM, set up as -p sets up
 * the real one: its code is at guest physical 0 but runs at virtual 4 MiB,
 * an address that only the page directory maps there (4 MiB is past the
 * probe's RAM), and halts with PROBE_EAX. Only a KVM that really pages
 * gets there; one that drops CR0.PG (kvm-pvm does, and logs it) is not run
 * at all, and one that keeps the bit but cannot run it stops elsewhere.
 * Not the real VM: on kvm-pvm a vCPU once given 32-bit paging shuts down
 * at its next run, whatever it is given after.
 */
#define PROBE_ENTRY (4 * MIB)
#define PROBE_EAX   0x32b17u
static const uint8_t probe_code[] = {
	0xb8, PROBE_EAX & 0xff, PROBE_EAX >> 8 & 0xff,  /* mov eax, PROBE_EAX */
	PROBE_EAX >> 16 & 0xff, PROBE_EAX >> 24,
	0xf4,                                           /* hlt */
};

static bool kvm_runs_paged32(int kvm_fd)
{
	struct vm probe;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rflags = 0x2, .rsp = HV_STACK_TOP };
	bool ran = false;

	vm_create(&probe, kvm_fd);
	vm_set_tss_and_identity_map(&probe);
	vm_add_ram(&probe, GUEST_RAM_DEFAULT, RAM_ANYWHERE);
	vcpu_create(&probe);
	vcpu_set_supported_cpuid(&probe);
	memcpy(probe.guest_ram, probe_code, sizeof(probe_code));

	if (ioctl(probe.vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
	setup_paged32_mode(&probe, &sregs, &regs);
	((uint32_t *)(probe.guest_ram + HV_PD32))[PROBE_ENTRY / (4 * MIB)] =
		0 | PTE_PRESENT | PTE_RW | PTE_PS;
	regs.rip = PROBE_ENTRY;
	if (ioctl(probe.vcpu_fd, KVM_SET_SREGS, &sregs) == 0 &&
	    ioctl(probe.vcpu_fd, KVM_GET_SREGS, &sregs) == 0 &&
	    (sregs.cr0 & CR0_PG) &&
	    ioctl(probe.vcpu_fd, KVM_SET_REGS, &regs) == 0 &&
	    ioctl(probe.vcpu_fd, KVM_RUN, 0) == 0 &&
	    probe.run->exit_reason == KVM_EXIT_HLT &&
	    ioctl(probe.vcpu_fd, KVM_GET_REGS, &regs) == 0)
		ran = (uint32_t)regs.rax == PROBE_EAX;
	vm_destroy(&probe);
	return ran;
}

/*
 * -p's two ways (SPEC §1.1): real 32-bit paging where the probe guest ran,
 * else compatibility mode. SIMPLE_KVM_PAGING32=real or =compat forces one,
 * so that the tests can run the compatibility path on any KVM.
 */
static mode_setup_fn choose_paged32_setup(int kvm_fd,
					  const struct cpu_mode *mode,
					  bool verbose)
{
	const char *forced = getenv(PAGING32_ENV);
	const char *why;
	bool real;

	if (forced && *forced) {
		if (strcmp(forced, "real") != 0 && strcmp(forced, "compat") != 0)
			errx(2, "%s=%s: give real or compat", PAGING32_ENV,
			     forced);
		real = strcmp(forced, "real") == 0;
		why = real ? "forced by " PAGING32_ENV "=real" :
			     "forced by " PAGING32_ENV "=compat";
	} else {
		real = kvm_runs_paged32(kvm_fd);
		why = real ? "a 32-bit paged probe guest ran on this KVM" :
			     "this KVM cannot run 32-bit paging";
	}
	if (verbose && real)
		warnx("-%c runs real 32-bit paging: %s", mode->flag, why);
	else if (verbose)
		warnx("-%c runs its 32-bit code in compatibility mode under "
		      "long mode's page tables: %s", mode->flag, why);
	return real ? mode->setup : mode->setup_if_no_paging;
}

/* Puts the vCPU in mode at entry, with the stack at HV_STACK_TOP. */
static void vcpu_setup(struct vm *vm, const struct cpu_mode *mode,
		       uint64_t entry, bool verbose)
{
	mode_setup_fn setup = mode->setup;
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rflags = 0x2, /* bit 1 is reserved and always set */
		.rip = entry,
		.rsp = HV_STACK_TOP,
	};

	if (mode->setup_if_no_paging)
		setup = choose_paged32_setup(vm->kvm_fd, mode, verbose);
	if (verbose && mode->flag == 'r')
		say_real_mode_idt_limit(vm->kvm_fd);
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
	setup(vm, &sregs, &regs);
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		err(1, "KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		err(1, "KVM_SET_REGS");
}

/* KVM_TRANSLATE walks the guest's page tables in its current mode. */
static bool kvm_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct vm *vm = ctx;
	struct kvm_translation tr = { .linear_address = gva };

	if (ioctl(vm->vcpu_fd, KVM_TRANSLATE, &tr) < 0)
		err(1, "KVM_TRANSLATE");
	*gpa = tr.physical_address;
	return tr.valid;
}

/*
 * The same translation, walked in software (soft_mmu.c) with the control
 * registers KVM synced into kvm_run at this exit: a KVM_TRANSLATE costs
 * most of a VM exit on nested KVM, and a long string spans many pages.
 * Where KVM does not sync them, for a mode soft_mmu does not walk, and for
 * the entries whose meaning differs between KVMs, it asks KVM_TRANSLATE.
 */
static bool synced_translate(void *ctx, uint64_t gva, uint64_t *gpa)
{
	struct vm *vm = ctx;
	const struct kvm_sregs *sregs = &vm->run->s.regs.sregs;
	struct soft_mmu mmu;

	if (!(vm->run->kvm_valid_regs & KVM_SYNC_X86_SREGS) ||
	    !soft_mmu_init_from_registers(&mmu, vm->guest_ram, vm->ram_size,
					  sregs->cr0, sregs->cr3, sregs->cr4,
					  sregs->efer))
		return kvm_translate(ctx, gva, gpa);
	switch (soft_mmu_walk(&mmu, gva, gpa)) {
	case SOFT_MMU_VALID:
		return true;
	case SOFT_MMU_INVALID:
		return false;
	case SOFT_MMU_ASK_KVM:
		break;
	}
	return kvm_translate(ctx, gva, gpa);
}

/*
 * --coalesce-print8: print8bit's `out`s queue in KVM's ring instead of
 * exiting, where this KVM can (coalesced.h). Where it cannot, one line
 * says so and the run goes on with an exit per byte, as without the option.
 */
static void coalesce_print8(struct vm *vm, struct coalesced_ring *cr,
			    bool verbose)
{
	const char *why;

	if (!coalesced_setup(cr, vm->vm_fd, vm->run, vm->run_size,
			     HC_PORT_PRINT8BIT, &why))
		warnx("--coalesce-print8: %s: print8bit exits on every byte",
		      why);
	else if (verbose)
		warnx("--coalesce-print8: port 0x%x is coalesced PIO, in a ring "
		      "of %u entries", HC_PORT_PRINT8BIT, cr->entries);
}

/* ---- running ---- */

/*
 * Whether the vCPU holds the state of an x86 reset: rip 0xfff0 in a code
 * segment of base 0xffff0000 (selector 0xf000), protected mode off. No
 * guest of simple-kvm can get there by itself: that base exists only
 * after a reset. kvm_amd resets the vCPU when it reports KVM_EXIT_SHUTDOWN
 * (a triple fault); other KVMs leave the registers of the fault.
 */
static bool vcpu_was_reset(const struct kvm_regs *r, const struct kvm_sregs *s)
{
	return r->rip == 0xfff0 && s->cs.selector == 0xf000 &&
	       s->cs.base == 0xffff0000 && !(s->cr0 & CR0_PE);
}

static void print_registers(struct vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		warn("cannot read the registers");
		return;
	}
	if (vcpu_was_reset(&r, &s)) {
		warnx("the registers at the fault are not available: this KVM "
		      "reset the vCPU (rip 0xfff0, cs f000)");
		return;
	}
	fprintf(stderr,
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx rsp %016llx rbp %016llx\n"
		"  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n"
		"  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n"
		"  rip %016llx rflags %08llx cs %04x ss %04x\n"
		"  cr0 %08llx cr2 %016llx cr3 %016llx cr4 %08llx efer %llx\n",
		r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rsp, r.rbp,
		r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15,
		r.rip, r.rflags, s.cs.selector, s.ss.selector,
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
}

/*
 * The suberror by name and, for an emulation failure, the instruction at
 * rip (internal_error.c), read with KVM's own translation.
 */
static void report_internal_error(struct vm *vm)
{
	uint32_t suberror = vm->run->internal.suberror;
	struct guest_mem mem = {
		.ram = vm->guest_ram, .ram_size = vm->ram_size,
		.translate = kvm_translate, .translate_ctx = vm,
	};
	struct kvm_regs r;
	struct kvm_sregs s;
	bool code64;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0) {
		warnx("KVM_EXIT_INTERNAL_ERROR: suberror %u (%s)", suberror,
		      internal_error_name(suberror));
		return;
	}
	code64 = (s.efer & EFER_LMA) && s.cs.l;
	internal_error_report(stderr, suberror, &mem,
			      code64 ? r.rip : (s.cs.base + r.rip) & 0xffffffff,
			      code64 ? 64 : s.cs.db ? 32 : 16);
}

/* An exit the guest cannot continue from: say which, and stop. */
static _Noreturn void fatal_exit(struct vm *vm)
{
	struct kvm_run *run = vm->run;

	fflush(stdout);
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		warnx("KVM_EXIT_MMIO: guest %s of %u bytes at guest physical "
		      "0x%llx, outside guest RAM",
		      run->mmio.is_write ? "write" : "read", run->mmio.len,
		      run->mmio.phys_addr);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		warnx("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason 0x%llx",
		      run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		report_internal_error(vm);
		break;
	case KVM_EXIT_SHUTDOWN:
		warnx("KVM_EXIT_SHUTDOWN: the guest shut down (a triple fault)");
		break;
	default:
		warnx("%s: exit reason %u, which simple-kvm does not serve",
		      kvm_exit_name(run->exit_reason), run->exit_reason);
	}
	print_registers(vm);
	exit(1);
}

static struct hc_io io_of(struct kvm_run *run)
{
	return (struct hc_io){
		.port = run->io.port,
		.is_out = run->io.direction == KVM_EXIT_IO_OUT,
		.size = run->io.size,
		.count = run->io.count,
		.data = (uint8_t *)run + run->io.data_offset,
	};
}

enum guest_state { GUEST_RUNS, GUEST_HALTED, GUEST_FAILED };

static enum guest_state serve_exit(struct vm *vm, struct hc_host *hc)
{
	struct hc_io io;

	switch (vm->run->exit_reason) {
	case KVM_EXIT_IO:
		io = io_of(vm->run);
		hc_handle_io(hc, &io);
		return GUEST_RUNS;
	case KVM_EXIT_INTR:     /* a signal; nothing to serve */
		return GUEST_RUNS;
	case KVM_EXIT_HLT:
		return GUEST_HALTED;
	default:
		return GUEST_FAILED;
	}
}

/*
 * Prints the print8bit bytes KVM queued in the coalesced ring (when
 * --coalesce-print8 set one up) since the last exit. They were written
 * before this exit happened, so they go out before anything serves it: a
 * hypercall's output, a fault's report, a gdb stop, the halt.
 */
static void drain_coalesced(struct coalesced_ring *cr, struct hc_host *hc,
			    struct exit_log *log)
{
	if (!cr->ring)
		return;
	errno = 0; /* a failed putc leaves its own */
	if (coalesced_drain(cr, hc->out) != COALESCED_OK)
		errx(1, "the coalesced PIO ring's indices (first %u, last %u) "
		     "are outside its %u entries", cr->ring->first,
		     cr->ring->last, cr->entries);
	if (!hc->out_errno && ferror(hc->out))
		hc->out_errno = errno ? errno : EIO;
	if (hc->out_errno)
		stdout_failed(hc->out_errno, log);
}

/*
 * Runs the vCPU until it halts; every return of KVM_RUN is one exit, but
 * for those a debugger caused (gdb, when there is one, claims them). The
 * print8bit bytes KVM queued instead of exiting (--coalesce-print8) are
 * drained here, once per return, before the exit is looked at.
 */
static void run_until_halt(struct vm *vm, struct hc_host *hc,
			   struct exit_log *log, struct gdb_stub *gdb,
			   struct coalesced_ring *cr)
{
	enum guest_state state = GUEST_RUNS;
	int run_errno;

	do {
		run_errno = ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0 ? errno : 0;
		drain_coalesced(cr, hc, log);
		if (run_errno && run_errno != EINTR) {
			errno = run_errno;
			err(1, "KVM_RUN");
		}
		if (gdb && gdb_stub_claims_exit(gdb))
			continue;
		hc->exits++;
		state = serve_exit(vm, hc);
		exit_log_record(log, vm->run, vm->vcpu_fd);
		if (hc->out_errno)
			stdout_failed(hc->out_errno, log);
		if (gdb && state == GUEST_RUNS)
			gdb_stub_exit_served(gdb);
	} while (state == GUEST_RUNS);

	if (state == GUEST_FAILED) {
		exit_log_finish(log);
		if (gdb)
			gdb_stub_guest_failed(gdb);
		fatal_exit(vm);
	}
}

/* The embedded guest leaves 42 in memory and in the accumulator. */
static bool check_result(struct vm *vm)
{
	struct kvm_regs regs;
	uint32_t stored;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		err(1, "KVM_GET_REGS");
	memcpy(&stored, vm->guest_ram + GUEST_RESULT_ADDR, sizeof(stored));
	if (stored != GUEST_RESULT_VALUE || (uint32_t)regs.rax != GUEST_RESULT_VALUE) {
		fflush(stdout);
		fprintf(stderr, "Wrong result: memory at 0x%x holds %" PRIu32
			", eax holds %" PRIu32 ", both should hold %d\n",
			GUEST_RESULT_ADDR, stored, (uint32_t)regs.rax,
			GUEST_RESULT_VALUE);
		return false;
	}
	return true;
}

static void load_guest(struct vm *vm, const struct options *opt,
		       uint64_t *entry)
{
	const struct cpu_mode *mode = opt->mode;
	struct guest_file file = {
		.bytes = mode->image,
		.size = (size_t)(mode->image_end - mode->image),
	};
	struct load_target target = {
		.ram = vm->guest_ram,
		.ram_size = vm->ram_size,
		.elf_class = mode->elf_class,
		.entry_limit = mode->entry_limit,
	};
	char why[256];

	if (opt->guest_path)
		guest_file_read(opt->guest_path, GUEST_RAM_MAX, &file);
	if (!image_load(file.bytes, file.size, &target, entry, why, sizeof(why)))
		errx(2, "%s: %s", opt->guest_path ? opt->guest_path :
		     "embedded guest", why);
	if (opt->guest_path)
		guest_file_free(&file);
}

/*
 * The ELF gdb should load for the guest's symbols: a --guest ELF, or the
 * embedded guest's, built next to simple-kvm. NULL when there is none.
 */
static const char *guest_elf(const struct options *opt, char *path, size_t size)
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

static struct gdb_stub *gdb_attach(const struct options *opt, struct vm *vm,
				   const struct guest_mem *mem)
{
	struct gdb_vcpu vcpu = {
		.kvm_fd = vm->kvm_fd, .vcpu_fd = vm->vcpu_fd, .run = vm->run,
		.mem = *mem, .mode = opt->mode->flag,
	};
	char path[4096];

	/* gdb's addresses are checked like a hypercall's, with KVM's own
	 * translation (the synced registers are stale before a KVM_RUN). */
	vcpu.mem.translate = kvm_translate;
	return gdb_stub_attach((uint16_t)opt->gdb_port, &vcpu,
			       guest_elf(opt, path, sizeof(path)));
}

int main(int argc, char **argv)
{
	struct options opt;
	int kvm_fd;
	struct vm vm;
	struct hc_host hc;
	struct exit_log log;
	uint64_t entry;
	struct guest_mem mem;
	bool ok = true;
	struct gdb_stub *gdb = NULL;
	struct coalesced_ring coalesced = { .ring = NULL };

	parse_options(argc, argv, &opt);
	/* Graders read stdout through pipes: a line must leave when done. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A closed pipe shows as EPIPE, so --stats can still print. */
	signal(SIGPIPE, SIG_IGN);

	kvm_fd = kvm_open(getenv(KVM_DEVICE_ENV));
	vm_create(&vm, kvm_fd);
	vm_set_tss_and_identity_map(&vm);
	vm_add_ram(&vm, opt.ram_size, RAM_BELOW_4GIB);
	load_guest(&vm, &opt, &entry);
	if (opt.verbose)
		warnx("guest RAM: %" PRIu64 " bytes at host address %" PRIuPTR,
		      vm.ram_size, (uintptr_t)vm.guest_ram);

	vcpu_create(&vm);
	vcpu_sync_sregs(&vm);
	vcpu_set_supported_cpuid(&vm);
	vcpu_setup(&vm, opt.mode, entry, opt.verbose);
	if (opt.coalesce_print8)
		coalesce_print8(&vm, &coalesced, opt.verbose);

	mem = (struct guest_mem){
		.ram = vm.guest_ram,
		.ram_size = vm.ram_size,
		.translate = synced_translate,
		.translate_ctx = &vm,
	};
	if (!hc_host_init(&hc, &mem, stdout, stderr))
		err(1, "hypercall buffers");
	/* The ABI has HC_gvaToHva ask KVM itself (SPEC §1.3). */
	hc.gva_to_hva_translate = kvm_translate;
	exit_log_init(&log, opt.stats, opt.trace, stderr);
	if (coalesced.ring)
		log.coalesced = &coalesced;

	if (puts(opt.mode->banner) == EOF)
		stdout_failed(errno, &log);
	if (opt.gdb_port >= 0)
		gdb = gdb_attach(&opt, &vm, &mem);
	run_until_halt(&vm, &hc, &log, gdb, &coalesced);
	if (!opt.guest_path)
		ok = check_result(&vm);
	if (gdb)
		gdb_stub_guest_halted(gdb, ok ? 0 : 1);

	exit_log_finish(&log);
	stdout_flush(&log); /* a last line the guest left without '\n' */
	hc_host_free(&hc);
	return ok ? 0 : 1;
}
