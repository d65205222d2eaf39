/*
 * One VM and its vCPU, made step by step: the KVM code that simple-kvm
 * (part1b), the matrix programs (part2) and the bench runners share, so
 * that each portability fix is made once. Each function is one step of the
 * KVM life cycle, named after it, and shows its ioctls; a caller takes the
 * steps it needs, in this order:
 *
 *   kvm_open                     open /dev/kvm, KVM_GET_API_VERSION
 *   vm_create                    KVM_CREATE_VM
 *   vm_set_tss_and_identity_map  KVM_SET_IDENTITY_MAP_ADDR, KVM_SET_TSS_ADDR
 *   vm_add_ram                   mmap, KVM_SET_USER_MEMORY_REGION
 *   vcpu_create                  KVM_CREATE_VCPU, mmap of struct kvm_run
 *   vcpu_sync_sregs              KVM_CHECK_EXTENSION (KVM_CAP_SYNC_REGS)
 *   vcpu_set_supported_cpuid     KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2
 *   vcpu_enter_mode              KVM_GET_SREGS, KVM_SET_SREGS, KVM_SET_REGS
 *                                (the mode itself: cpu_modes.h)
 *   vcpu_set_signal_mask         KVM_SET_SIGNAL_MASK
 *   vm_destroy                   unmap and close what the steps made
 *
 * What one process asks KVM only once (the size of struct kvm_run, the
 * supported CPUID) is asked once and kept, so a program that makes many
 * VMs pays per VM only for the VM. Every step ends the program with one
 * line on stderr when an ioctl fails: a half-made VM has no use. A probe,
 * which asks what a KVM can do, uses the vcpu_try_ forms of the register
 * steps instead: they return false, and a refusal is its answer.
 */
#ifndef KVM_VM_H
#define KVM_VM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

/*
 * Intel VMX without "unrestricted guest" runs real mode as a virtual-8086
 * task, and KVM needs guest-physical pages for it: one page for an
 * identity-mapped page table and three for the task's TSS. They are placed
 * just below 4 GiB, far above any guest RAM (at most 512 MiB here) and
 * below the reset vector's 0xfffff000; other KVMs accept and ignore them.
 */
#define VM_IDENTITY_MAP_ADDR 0xfffbc000u /* 1 page */
#define VM_TSS_ADDR          0xfffbd000u /* 3 pages, up to 0xfffc0000 */

/* The levels of the hierarchy: the system (/dev/kvm), a VM, its vCPU. */
struct vcpu {
	int fd;                 /* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run;    /* shared with KVM: why KVM_RUN returned */
	size_t run_size;
};

struct vm {
	int kvm_fd;             /* /dev/kvm: system ioctls (shared by VMs) */
	int vm_fd;              /* KVM_CREATE_VM: VM ioctls */
	uint8_t *guest_ram;     /* host mapping of guest physical 0.. */
	uint64_t ram_size;
	struct vcpu vcpu;       /* the one vCPU every program here gives a VM */
};

struct cpu_tables;

/* Where guest RAM may sit in the host's address space. */
enum ram_placement {
	RAM_ANYWHERE,
	RAM_BELOW_4GIB,         /* MAP_32BIT: a host address fits 32 bits */
};

/* Opens device (/dev/kvm when NULL or empty) and checks that it speaks the
 * stable API; fails saying what to do (load the module, join the group). */
int kvm_open(const char *device);

void vm_create(struct vm *vm, int kvm_fd);
void vm_set_tss_and_identity_map(const struct vm *vm);
void vm_add_ram(struct vm *vm, uint64_t size, enum ram_placement where);
void vcpu_create(struct vm *vm);

/* Asks KVM to copy the special registers into kvm_run at every exit, where
 * it can; returns whether it will. */
bool vcpu_sync_sregs(struct vm *vm);

/* Gives the vCPU every CPUID feature KVM supports (a new vCPU has none). */
void vcpu_set_supported_cpuid(const struct vm *vm);

/* A mode setup of cpu_modes.h: fills the registers for its mode from
 * those of a vCPU fresh from reset, and writes the tables it needs. */
typedef void cpu_mode_setup(const struct vm *vm, const struct cpu_tables *t,
			    struct kvm_sregs *sregs, struct kvm_regs *regs);

/* Puts the vCPU in setup's mode, at entry with the stack at stack_top. */
void vcpu_enter_mode(struct vm *vm, cpu_mode_setup *setup,
		     const struct cpu_tables *t, uint64_t entry,
		     uint64_t stack_top);

/* The signals KVM_RUN lets through: inside KVM_RUN the thread's signal
 * mask is mask; NULL gives KVM_RUN the thread's own mask back. */
void vcpu_set_signal_mask(const struct vcpu *vcpu, const sigset_t *mask);

/* The register steps by themselves: each ends the program on failure. */
void vcpu_get_regs(const struct vcpu *vcpu, struct kvm_regs *regs);
void vcpu_set_regs(const struct vcpu *vcpu, const struct kvm_regs *regs);
void vcpu_get_sregs(const struct vcpu *vcpu, struct kvm_sregs *sregs);
void vcpu_set_sregs(const struct vcpu *vcpu, const struct kvm_sregs *sregs);

/* The same, returning false where KVM refused: for a probe, to which a
 * refusal is an answer, and for a report that goes on without them. */
bool vcpu_try_get_regs(const struct vcpu *vcpu, struct kvm_regs *regs);
bool vcpu_try_set_regs(const struct vcpu *vcpu, const struct kvm_regs *regs);
bool vcpu_try_get_sregs(const struct vcpu *vcpu, struct kvm_sregs *sregs);
bool vcpu_try_set_sregs(const struct vcpu *vcpu,
			const struct kvm_sregs *sregs);

void vm_destroy(struct vm *vm);

#endif /* KVM_VM_H */
