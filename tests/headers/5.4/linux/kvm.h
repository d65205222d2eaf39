/*
 * linux/kvm.h as Linux 5.4 has it, for `make check-headers`: the real
 * header found next on the include path, then every KVM_* macro newer than
 * 5.4 removed. Code that names one of them outside #ifdef fails to compile
 * against this, as it would against 5.4's own headers.
 */
#include_next <linux/kvm.h>
#include "../../post-5.4.h"
