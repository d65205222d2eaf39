/*
 * simple-kvm: one VM with one vCPU in one of four CPU modes, running a guest
 * that talks to the hypervisor through the port-I/O hypercalls of
 * hypercall.h.
 *
 * main(), at the end, reads top to bottom as the KVM life cycle:
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
 *   KVM_GET_SREGS .. KVM_SET_REGS     the CPU mode (modes.c)
 *   KVM_RUN, again and again          each return is one VM exit
 *
 * Each step up to the mode is a function of the VM module that part2 and
 * the bench share (../common/kvm_vm.c); the modes themselves are set up
 * in ../common/cpu_modes.c. The hypercalls are served by hc_host.c, on a
 * guest memory view that checks every guest address (guest_mem.c). What
 * is not the life cycle has a file of its own: the command line
 * (options.c), the KVM differences found by probing (kvm_quirks.c), the
 * report of a fatal exit (fault_report.c) and the debugger (gdb/).
 */
#include <err.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "coalesced.h"
#include "exit_log.h"
#include "fault_report.h"
#include "gdb_stub.h"
#include "guest_file.h"
#include "guest_mem.h"
#include "hc_host.h"
#include "hypercall.h"
#include "kvm_vm.h"
#include "loader.h"
#include "modes.h"
#include "options.h"
#include "output.h"
#include "translate.h"

#define KVM_DEVICE_ENV "SIMPLE_KVM_DEVICE" /* lets tests name another path */

/*
 * --coalesce-print8: print8bit's `out`s queue in KVM's ring instead of
 * exiting, where this KVM can (coalesced.h). Where it cannot, one line
 * says so and the run goes on with an exit per byte, as without the option.
 */
static void coalesce_print8(struct vm *vm, struct coalesced_ring *cr,
			    bool verbose)
{
	const char *why;

	if (!coalesced_setup(cr, vm->vm_fd, vm->vcpu.run, vm->vcpu.run_size,
			     HC_PORT_PRINT8BIT, &why))
		warnx("--coalesce-print8: %s: print8bit exits on every byte",
		      why);
	else if (verbose)
		warnx("--coalesce-print8: port 0x%x is coalesced PIO, in a ring "
		      "of %u entries", HC_PORT_PRINT8BIT, cr->entries);
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

	switch (vm->vcpu.run->exit_reason) {
	case KVM_EXIT_IO:
		io = io_of(vm->vcpu.run);
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
		run_errno = ioctl(vm->vcpu.fd, KVM_RUN, 0) < 0 ? errno : 0;
		drain_coalesced(cr, hc, log);
		if (run_errno && run_errno != EINTR) {
			errno = run_errno;
			err(1, "KVM_RUN");
		}
		if (gdb && gdb_stub_claims_exit(gdb))
			continue;
		hc_count_exit(hc);
		state = serve_exit(vm, hc);
		exit_log_record(log, &vm->vcpu);
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

	vcpu_get_regs(&vm->vcpu, &regs);
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

static struct gdb_stub *gdb_attach(const struct options *opt, struct vm *vm,
				   const struct guest_mem *mem)
{
	struct gdb_target target = {
		.vm = vm, .mem = *mem, .mode = opt->mode->flag,
	};
	char path[4096];

	/* gdb's addresses are checked like a hypercall's, with KVM's own
	 * translation (the synced registers are stale before a KVM_RUN). */
	target.mem.translate = kvm_translate;
	return gdb_stub_attach((uint16_t)opt->gdb_port, &target,
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
	mode_enter(&vm, opt.mode, entry, opt.verbose);
	if (opt.coalesce_print8)
		coalesce_print8(&vm, &coalesced, opt.verbose);

	mem = (struct guest_mem){
		.ram = vm.guest_ram,
		.ram_size = vm.ram_size,
		.translate = synced_translate,
		.translate_ctx = &vm,
	};
	/* The ABI has HC_gvaToHva ask KVM itself (SPEC §1.3). */
	if (!hc_host_init(&hc, &mem, kvm_translate, stdout, stderr))
		err(1, "hypercall buffers");
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
