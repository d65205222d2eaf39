/*
 * One VM with one vCPU in real mode: the KVM life cycle shared by matrix-a,
 * matrix-b and matrix. Every function exits the program on a failed ioctl:
 * there is nothing sensible to do with a half-made VM.
 */
#ifndef VM_H
#define VM_H

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
void vm_create_with_image(struct vm *vm, int kvm_fd, const struct image *img);

/* The signals the thread accepts while the vCPU runs, and only then. */
void vm_set_signal_mask(const struct vm *vm, const sigset_t *mask);

/* One KVM_RUN. A signal ends it with exit reason KVM_EXIT_INTR; any other
 * failure ends the program. */
void vm_run(struct vm *vm);

/* Prints the lines of an exit: "stopped running - exit reason: R" and, for
 * an OUT or a signal, the line or two that say what it was. */
void vm_print_exit(const struct vm *vm);

/* True for the exits the programs expect: an OUT, or a signal. */
bool vm_exit_expected(const struct vm *vm);

#endif
