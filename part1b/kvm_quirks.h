/*
 * KVM differences simple-kvm finds out at run time with a throwaway probe
 * VM, for -v (SPEC §1.4). -p's probe (can this KVM page outside long
 * mode?) lives in simple-kvm.c, next to the mode setups it chooses among.
 */
#ifndef KVM_QUIRKS_H
#define KVM_QUIRKS_H

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
