/*
 * The VM of the matrix programs (matrix-a, matrix-b and matrix): one vCPU
 * in real mode, loaded with a guest image, run one slice at a time, its
 * exits printed in their format. It is built on the VM module all programs
 * share (../common/kvm_vm.h: vm_create, vcpu_create, ...); its functions
 * are named matrix_vm_* so that they never read like that module's vm_*
 * steps. Every function exits the program on a failed ioctl: there is
 * nothing sensible to do with a half-made VM.
 */
#ifndef MATRIX_VM_H
#define MATRIX_VM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm_vm.h"

#include "image.h"

/* 1 MiB, all that real mode addresses; an image is loaded at its start. */
#define GUEST_RAM_SIZE (1u << 20)

/* Creates the VM (its vm_fd is "VMFD" in every printed line), its RAM and
 * its vCPU, loads the image at address 0, puts the vCPU in real mode at
 * 0000:0000 and prints "Loaded Program with size". */
void matrix_vm_create(struct vm *vm, int kvm_fd, const struct image *img);

/* The signals the thread accepts while the vCPU runs, and only then. */
void matrix_vm_set_signal_mask(const struct vm *vm, const sigset_t *mask);

/* One KVM_RUN. A signal ends it with exit reason KVM_EXIT_INTR; any other
 * failure ends the program. */
void matrix_vm_run(struct vm *vm);

/* Prints the lines of an exit: "stopped running - exit reason: R" and, for
 * an OUT or a signal, the line or two that say what it was. */
void matrix_vm_print_exit(const struct vm *vm);

/* True for the exits the programs expect: an OUT, or a signal. */
bool matrix_vm_exit_expected(const struct vm *vm);

#endif
