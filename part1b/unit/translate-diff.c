/*
 * translate-diff: soft_mmu.c against KVM_TRANSLATE on the real KVM.
 *
 *   translate-diff [--seed N] [--seconds S]
 *
 * For each paging mode soft_mmu walks (no paging, 32-bit paging with PSE,
 * 4-level paging with EFER.NXE clear and set), on a vCPU without CPUID and
 * on one with the CPUID KVM supports (what simple-kvm gives its vCPU),
 * builds random page-table shapes in guest RAM (pt_random.c), puts the
 * vCPU in the mode with KVM_SET_SREGS, and translates each shape's
 * addresses with both. Where soft_mmu answers, KVM_TRANSLATE must give the
 * same answer (valid or not, and the same physical address); where
 * soft_mmu says the answer depends on the KVM, KVM's is counted only.
 *
 * A mode the KVM does not keep (kvm-pvm drops CR0.PG from a 32-bit
 * KVM_SET_SREGS) is skipped, saying so on stderr. stderr ends with one
 * line per mode run: how many addresses, how soft_mmu answered them.
 * Status 0 when all agreed, 1 on a difference (each printed with the seed
 * that reproduces it), 2 on bad usage.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "kvm_vm.h"
#include "pt_random.h"
#include "soft_mmu.h"
#include "x86.h"

#define MIB            (UINT64_C(1) << 20)
#define RAM_SIZE       (4 * MIB)
#define TABLES_AT      (1 * MIB)      /* the random tables' pool */
#define TABLES_END     (TABLES_AT + 64 * 4096)
#define MAX_REPORTED   5              /* differences printed in full */

struct paging_mode {
	const char *name;
	enum soft_mmu_mode walk;
	uint64_t cr0, cr4, efer;
	bool code64;            /* CS.L, for long mode */
};

static const struct paging_mode modes[] = {
	{ "no paging", SOFT_MMU_IDENTITY, CR0_PE | CR0_ET, 0, 0, false },
	{ "32-bit paging with PSE", SOFT_MMU_PAGING32,
	  CR0_PE | CR0_ET | CR0_PG, CR4_PSE, 0, false },
	{ "4-level paging, EFER.NXE=0", SOFT_MMU_LONG,
	  CR0_PE | CR0_ET | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA, true },
	{ "4-level paging, EFER.NXE=1", SOFT_MMU_LONG,
	  CR0_PE | CR0_ET | CR0_PG, CR4_PAE, EFER_LME | EFER_LMA | EFER_NXE,
	  true },
};
#define NMODES (sizeof(modes) / sizeof(modes[0]))
#define NCPUIDS 2 /* no CPUID, the supported CPUID */

struct tally {
	uint64_t addresses, valid, invalid, asked, asked_valid, differences;
};

struct run {
	uint64_t seed;
	double seconds_per_mode;
	unsigned long differences_reported;
	struct tally total;
};

static const char *const cpuid_names[NCPUIDS] = {
	"no CPUID", "supported CPUID",
};

static void usage_exit(void)
{
	fprintf(stderr, "usage: translate-diff [--seed N] [--seconds S]\n");
	exit(2);
}

static void parse_options(int argc, char **argv, struct run *run)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	double seconds = 2;
	char *end;
	int c;

	run->seed = (uint64_t)time(NULL);
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		errno = 0;
		if (c == 's')
			run->seed = strtoull(optarg, &end, 0);
		else if (c == 't')
			seconds = strtod(optarg, &end);
		else
			usage_exit();
		if (end == optarg || *end || errno || seconds <= 0)
			usage_exit();
	}
	if (optind != argc)
		usage_exit();
	run->seconds_per_mode = seconds / (NMODES * NCPUIDS);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct kvm_segment flat_segment(uint8_t type, bool code64)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = code64 ? 8 : 16,
		.type = type, .present = 1, .s = 1, .g = 1,
		.l = code64, .db = !code64,
	};
}

/*
 * Puts the vCPU in mode with its tables at cr3; false when this KVM does
 * not keep the control registers it was given.
 */
static bool enter_mode(const struct vm *vm, const struct paging_mode *mode,
		       uint64_t cr3)
{
	struct kvm_sregs sregs;

	if (ioctl(vm->vcpu.fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
	sregs.cs = flat_segment(SEG_TYPE_CODE, mode->code64);
	sregs.ds = sregs.es = sregs.ss = flat_segment(SEG_TYPE_DATA, false);
	sregs.cr0 = mode->cr0;
	sregs.cr3 = cr3;
	sregs.cr4 = mode->cr4;
	sregs.efer = mode->efer;
	if (ioctl(vm->vcpu.fd, KVM_SET_SREGS, &sregs) < 0)
		return false;
	if (ioctl(vm->vcpu.fd, KVM_GET_SREGS, &sregs) < 0)
		err(1, "KVM_GET_SREGS");
	return sregs.cr0 == mode->cr0 && sregs.cr4 == mode->cr4 &&
	       sregs.efer == mode->efer && sregs.cr3 == cr3;
}

static bool kvm_translate(const struct vm *vm, uint64_t gva, uint64_t *gpa)
{
	struct kvm_translation tr = { .linear_address = gva };

	if (ioctl(vm->vcpu.fd, KVM_TRANSLATE, &tr) < 0)
		err(1, "KVM_TRANSLATE");
	*gpa = tr.physical_address;
	return tr.valid;
}

static const char *answer_name(enum soft_mmu_answer answer)
{
	switch (answer) {
	case SOFT_MMU_VALID:   return "valid";
	case SOFT_MMU_INVALID: return "invalid";
	case SOFT_MMU_ASK_KVM: return "ask KVM";
	}
	return "?";
}

/* The entries of gva's walk, as soft_mmu reads them, for a report. */
static void print_walk(const struct vm *vm, const struct soft_mmu *mmu,
		       uint64_t gva)
{
	bool long_mode = mmu->mode == SOFT_MMU_LONG;
	unsigned levels = long_mode ? 4 : 2, size = long_mode ? 8 : 4;
	uint64_t mask = long_mode ? PTE_FRAME : 0xfffff000;
	uint64_t table = mmu->cr3 & mask;

	for (unsigned level = 0; level < levels; level++) {
		unsigned shift = long_mode ? 39 - 9 * level : 22 - 10 * level;
		uint64_t index = gva >> shift & (long_mode ? 0x1ff : 0x3ff);
		uint64_t at = table + index * size, entry = 0;

		if (at + size > vm->ram_size) {
			fprintf(stderr, "    level %u: table at 0x%" PRIx64
				" is outside RAM\n", level, table);
			return;
		}
		memcpy(&entry, vm->guest_ram + at, size);
		fprintf(stderr, "    level %u: entry at 0x%" PRIx64 " = 0x%016"
			PRIx64 "\n", level, at, entry);
		if (!(entry & PTE_PRESENT) || (level > 0 && (entry & PTE_PS)))
			return;
		table = entry & mask;
	}
}

static void compare(struct run *run, const struct vm *vm,
		    const struct soft_mmu *mmu, const char *where,
		    uint64_t shape, uint64_t gva, struct tally *tally)
{
	uint64_t soft_gpa = 0, kvm_gpa = 0;
	enum soft_mmu_answer soft = soft_mmu_walk(mmu, gva, &soft_gpa);
	bool kvm_valid = kvm_translate(vm, gva, &kvm_gpa);
	bool differs;

	tally->addresses++;
	switch (soft) {
	case SOFT_MMU_VALID:   tally->valid++; break;
	case SOFT_MMU_INVALID: tally->invalid++; break;
	case SOFT_MMU_ASK_KVM:
		tally->asked++;
		tally->asked_valid += kvm_valid;
		return;
	}
	differs = soft == SOFT_MMU_VALID ? !kvm_valid || kvm_gpa != soft_gpa
					 : kvm_valid;
	if (!differs)
		return;
	tally->differences++;
	if (run->differences_reported++ >= MAX_REPORTED)
		return;
	fprintf(stderr, "translate-diff: DIFFERENCE (seed %" PRIu64 ", %s, "
		"shape %" PRIu64 "): GVA 0x%016" PRIx64 ": soft_mmu %s 0x%"
		PRIx64 ", KVM_TRANSLATE %s 0x%" PRIx64 "\n", run->seed, where,
		shape, gva, answer_name(soft), soft_gpa,
		kvm_valid ? "valid" : "invalid", kvm_gpa);
	if (mmu->mode != SOFT_MMU_IDENTITY)
		print_walk(vm, mmu, gva);
}

/* Random 64-bit addresses: without paging every one is its own GPA. */
static void addresses_without_paging(struct pt_random *random, uint64_t *gvas)
{
	for (unsigned i = 0; i < PT_RANDOM_GVAS; i++)
		gvas[i] = pt_random_next(random) >> (pt_random_next(random) % 64);
}

static void run_mode(struct run *run, const struct vm *vm,
		     const struct paging_mode *mode, const char *cpuid_name,
		     unsigned stream, struct pt_random *random)
{
	char where[128];
	struct tally tally = { 0 };
	struct soft_mmu mmu;
	uint64_t shape = 0;
	double end = now() + run->seconds_per_mode;

	snprintf(where, sizeof(where), "%s, %s", cpuid_name, mode->name);
	/* Each mode its own sequence: shape N of a mode is the same in every
	 * run with this seed, however long the other modes ran. */
	pt_random_seed(random, run->seed * (NMODES * NCPUIDS) + stream);
	random->mode = mode->walk == SOFT_MMU_PAGING32 ? SOFT_MMU_PAGING32
							: SOFT_MMU_LONG;
	if (!enter_mode(vm, mode, TABLES_AT)) {
		fprintf(stderr, "translate-diff: %s: SKIPPED: this KVM does not "
			"keep these control registers (KVM_SET_SREGS)\n", where);
		return;
	}
	soft_mmu_init_from_registers(&mmu, vm->guest_ram, vm->ram_size,
				     mode->cr0, TABLES_AT, mode->cr4, mode->efer);
	do {
		uint64_t gvas[PT_RANDOM_GVAS];

		if (mode->walk == SOFT_MMU_IDENTITY) {
			addresses_without_paging(random, gvas);
		} else {
			pt_random_shape(random);
			memcpy(gvas, random->gvas, sizeof(gvas));
		}
		for (unsigned i = 0; i < PT_RANDOM_GVAS; i++)
			compare(run, vm, &mmu, where, shape, gvas[i], &tally);
		shape++;
	} while (now() < end);

	fprintf(stderr, "translate-diff: %s: %" PRIu64 " addresses in %" PRIu64
		" shapes: soft_mmu %" PRIu64 " valid, %" PRIu64 " invalid, %"
		PRIu64 " asked KVM (%" PRIu64 " valid there); %" PRIu64
		" differences\n", where, tally.addresses, shape, tally.valid,
		tally.invalid, tally.asked, tally.asked_valid,
		tally.differences);
	run->total.addresses += tally.addresses;
	run->total.differences += tally.differences;
}

int main(int argc, char **argv)
{
	struct run run = { 0 };
	struct pt_random random;
	int kvm_fd;

	parse_options(argc, argv, &run);
	fprintf(stderr, "translate-diff: seed %" PRIu64 "\n", run.seed);
	kvm_fd = kvm_open(getenv("SIMPLE_KVM_DEVICE"));

	/* A fresh VM for each: a mode one KVM refused must not weigh on the
	 * next (kvm-pvm's vCPU, once given 32-bit paging, stays broken). */
	for (unsigned c = 0; c < NCPUIDS; c++) {
		for (unsigned m = 0; m < NMODES; m++) {
			struct vm vm;

			vm_create(&vm, kvm_fd);
			vm_add_ram(&vm, RAM_SIZE, RAM_ANYWHERE);
			vcpu_create(&vm);
			if (c == 1)
				vcpu_set_supported_cpuid(&vm);
			random.ram = vm.guest_ram;
			random.ram_size = vm.ram_size;
			random.tables_at = TABLES_AT;
			random.tables_end = TABLES_END;
			run_mode(&run, &vm, &modes[m], cpuid_names[c],
				 c * NMODES + m, &random);
			vm_destroy(&vm);
		}
	}

	if (run.total.differences) {
		fprintf(stderr, "translate-diff: %" PRIu64 " differences in %"
			PRIu64 " addresses; reproduce with --seed %" PRIu64 "\n",
			run.total.differences, run.total.addresses, run.seed);
		return 1;
	}
	return 0;
}
