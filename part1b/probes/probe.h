/*
 * A throwaway VM for asking the KVM what it does: the probes of
 * kvm_quirks.c and of the gdb stub. Never the guest's own VM, which a
 * probe could disturb: on kvm-pvm a vCPU once given 32-bit paging shuts
 * down at its next run, whatever it is given after. A probe takes the
 * try_ forms of the register steps (kvm_vm.h) where a refusal is an
 * answer, and every run of it is bounded.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "kvm_vm.h"

/* Seconds a probe's KVM_RUN may take before a timer ends it. */
#define PROBE_SECONDS 5

/* A VM with ram_size bytes of RAM and its vCPU, fresh from reset. */
void probe_create(struct vm *probe, int kvm_fd, uint64_t ram_size);

/* One KVM_RUN; false when KVM refused it or the timer ended it. */
bool probe_run(struct vm *probe);

/* A probe ends as any VM does: vm_destroy. */

#endif /* PROBE_H */
