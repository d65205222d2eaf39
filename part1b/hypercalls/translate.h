/*
 * The two ways a guest virtual address becomes a guest physical one, as
 * translate_fn (guest_mem.h) with the VM as context: KVM_TRANSLATE, which
 * HC_gvaToHva must use (SPEC §1.3), and a walk in software of the tables
 * KVM synced into kvm_run (soft_mmu.c), which every other guest pointer
 * goes through because it costs no ioctl.
 */
#ifndef TRANSLATE_H
#define TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

/* ctx is the struct vm. */
bool kvm_translate(void *ctx, uint64_t gva, uint64_t *gpa);
bool synced_translate(void *ctx, uint64_t gva, uint64_t *gpa);

#endif /* TRANSLATE_H */
