#ifndef KVM_NAMES_H
#define KVM_NAMES_H

#include <stdint.h>

/* "KVM_EXIT_IO" for 2: the name linux/kvm.h gives an exit reason, or
 * "KVM_EXIT_(unknown)" for a number the headers built against lack. */
const char *kvm_exit_name(uint32_t exit_reason);

#endif /* KVM_NAMES_H */
