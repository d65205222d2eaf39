/*
 * The report of an exit the guest cannot continue from (SPEC §1.4): one
 * line that names the exit and what the guest did, then the registers,
 * on stderr. For KVM_EXIT_INTERNAL_ERROR, internal_error.c names the
 * suberror and shows the instruction KVM could not emulate.
 */
#ifndef FAULT_REPORT_H
#define FAULT_REPORT_H

#include "kvm_vm.h"

/* Reports the exit in vm's kvm_run and ends the program with status 1. */
_Noreturn void fatal_exit(struct vm *vm);

#endif /* FAULT_REPORT_H */
