/*
 * The names of KVM's exit reasons. The table is built from the headers the
 * program is compiled against: a reason newer than Linux 5.4, the oldest
 * headers supported (README.md), is named only where the headers define it,
 * and is "KVM_EXIT_(unknown)" elsewhere.
 */
#include <linux/kvm.h>

#include "kvm_names.h"

#define NAME(reason) [reason] = #reason

static const char *const exit_names[] = {
	NAME(KVM_EXIT_UNKNOWN),         NAME(KVM_EXIT_EXCEPTION),
	NAME(KVM_EXIT_IO),              NAME(KVM_EXIT_HYPERCALL),
	NAME(KVM_EXIT_DEBUG),           NAME(KVM_EXIT_HLT),
	NAME(KVM_EXIT_MMIO),            NAME(KVM_EXIT_IRQ_WINDOW_OPEN),
	NAME(KVM_EXIT_SHUTDOWN),        NAME(KVM_EXIT_FAIL_ENTRY),
	NAME(KVM_EXIT_INTR),            NAME(KVM_EXIT_SET_TPR),
	NAME(KVM_EXIT_TPR_ACCESS),      NAME(KVM_EXIT_S390_SIEIC),
	NAME(KVM_EXIT_S390_RESET),      NAME(KVM_EXIT_DCR),
	NAME(KVM_EXIT_NMI),             NAME(KVM_EXIT_INTERNAL_ERROR),
	NAME(KVM_EXIT_OSI),             NAME(KVM_EXIT_PAPR_HCALL),
	NAME(KVM_EXIT_S390_UCONTROL),   NAME(KVM_EXIT_WATCHDOG),
	NAME(KVM_EXIT_S390_TSCH),       NAME(KVM_EXIT_EPR),
	NAME(KVM_EXIT_SYSTEM_EVENT),    NAME(KVM_EXIT_S390_STSI),
	NAME(KVM_EXIT_IOAPIC_EOI),      NAME(KVM_EXIT_HYPERV),
	/* Newer than Linux 5.4, in the order they came. */
#ifdef KVM_EXIT_ARM_NISV
	NAME(KVM_EXIT_ARM_NISV),
#endif
#ifdef KVM_EXIT_X86_RDMSR
	NAME(KVM_EXIT_X86_RDMSR),
#endif
#ifdef KVM_EXIT_X86_WRMSR
	NAME(KVM_EXIT_X86_WRMSR),
#endif
#ifdef KVM_EXIT_DIRTY_RING_FULL
	NAME(KVM_EXIT_DIRTY_RING_FULL),
#endif
#ifdef KVM_EXIT_AP_RESET_HOLD
	NAME(KVM_EXIT_AP_RESET_HOLD),
#endif
#ifdef KVM_EXIT_X86_BUS_LOCK
	NAME(KVM_EXIT_X86_BUS_LOCK),
#endif
#ifdef KVM_EXIT_XEN
	NAME(KVM_EXIT_XEN),
#endif
#ifdef KVM_EXIT_RISCV_SBI
	NAME(KVM_EXIT_RISCV_SBI),
#endif
#ifdef KVM_EXIT_RISCV_CSR
	NAME(KVM_EXIT_RISCV_CSR),
#endif
#ifdef KVM_EXIT_NOTIFY
	NAME(KVM_EXIT_NOTIFY),
#endif
#ifdef KVM_EXIT_LOONGARCH_IOCSR
	NAME(KVM_EXIT_LOONGARCH_IOCSR),
#endif
#ifdef KVM_EXIT_MEMORY_FAULT
	NAME(KVM_EXIT_MEMORY_FAULT),
#endif
};

const char *kvm_exit_name(uint32_t exit_reason)
{
	if (exit_reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[exit_reason])
		return exit_names[exit_reason];
	return "KVM_EXIT_(unknown)";
}
