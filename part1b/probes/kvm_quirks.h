/*
 * KVM differences simple-kvm finds out at run time, each with a throwaway
 * probe VM (probe.h): whether -p can really page (SPEC §1.1), and for -v
 * how real mode treats the IDT limit (SPEC §1.4). They are kept here, out
 * of the life cycle simple-kvm.c teaches.
 */
#ifndef KVM_QUIRKS_H
#define KVM_QUIRKS_H

#include <stdbool.h>

#include "cpu_modes.h"

/*
 * -p's two ways (SPEC §1.1): true where a 32-bit paged probe guest ran,
 * so that -p runs real 32-bit paging; false where -p must run its 32-bit
 * code in compatibility mode instead (kvm-pvm clears CR0.PG outside long
 * mode). SIMPLE_KVM_PAGING32=real or =compat forces one, so that the
 * tests can run the compatibility path on any KVM. The probe's GDT and
 * page tables go where tables says, as the real run's will. With verbose,
 * one stderr line says which and why (flag names the mode: -p).
 */
bool paged32_runs_real(int kvm_fd, const struct cpu_tables *tables,
		       char flag, bool verbose);

/*
 * Does a real-mode exception honour the IDT limit? Hardware (kvm_amd,
 * kvm_intel with unrestricted guest) checks it: with limit 0 an exception
 * is a triple fault. A KVM that emulates real mode may not (kvm-pvm, and
 * kvm_intel's vm86 path without unrestricted guest): the exception goes
 * through the interrupt table at guest address 0 whatever the limit.
 * Prints one line on stderr saying which, or that the probe could not
 * tell. Bounded: the probe VM is stopped after a few seconds.
 */
void say_real_mode_idt_limit(int kvm_fd);

/* The lines it prints (the tests and the README hold them too). */
#define REAL_IDT_HONOURED "real mode honours the IDT limit on this KVM: " \
	"an exception past it is a triple fault (a probe's ud2 with limit 0 " \
	"shut down)"
#define REAL_IDT_IGNORED "real mode ignores the IDT limit on this KVM: " \
	"an exception goes through the interrupt table at guest address 0 " \
	"even with limit 0 (a probe's ud2 did)"

#endif /* KVM_QUIRKS_H */
