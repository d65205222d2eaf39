/*
 * simple-kvm's four CPU modes (SPEC §1.1): for each, its flag, its banner,
 * its embedded guest, what a --guest must be, and its setup
 * (../common/cpu_modes.c), with the tables where SPEC §2's memory map puts
 * them. -p has two setups; which one runs is found out from the KVM.
 */
#ifndef MODES_H
#define MODES_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu_modes.h"
#include "kvm_vm.h"

struct cpu_mode {
	char flag;
	const char *banner;
	const uint8_t *image, *image_end;       /* the embedded guest */
	unsigned elf_class;                     /* of a --guest ELF */
	uint64_t entry_limit;                   /* what rip can reach */
	cpu_mode_setup *setup;
	cpu_mode_setup *setup_if_no_paging;     /* for KVMs that drop CR0.PG */
};

/* The GDT and page tables of every mode, at their places in the map. */
extern const struct cpu_tables hv_tables;

/* The mode of -r, -s, -p or -l; NULL for any other flag. */
const struct cpu_mode *mode_of_flag(int flag);

/* Puts the vCPU in mode at entry, with the stack at HV_STACK_TOP. -v
 * prints what the KVM probes found (kvm_quirks.h). */
void mode_enter(struct vm *vm, const struct cpu_mode *mode, uint64_t entry,
		bool verbose);

#endif /* MODES_H */
