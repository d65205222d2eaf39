#include <stdbool.h>
#include <stdint.h>

#include "cpu_modes.h"
#include "x86.h"

#define MIB (UINT64_C(1) << 20)
#define PAGE_SIZE 0x1000

/* GDT slots; a selector is its slot's byte offset. */
enum { GDT_NULL, GDT_CODE64, GDT_CODE32, GDT_DATA, GDT_SLOTS };

static struct kvm_segment flat_segment(unsigned slot, uint8_t type, bool code64)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = slot * 8,
		.type = type, .present = 1, .s = 1, .g = 1,
		.l = code64, .db = !code64,
	};
}

/* The GDT entry that loads as seg: KVM_SET_SREGS fills the hidden part of
 * the segment registers, this lets the guest reload them. */
static uint64_t gdt_entry(const struct kvm_segment *seg)
{
	uint64_t limit = seg->g ? seg->limit >> 12 : seg->limit;

	return (limit & 0xffff) | (seg->base & 0xffffff) << 16 |
	       (uint64_t)seg->type << 40 | (uint64_t)seg->s << 44 |
	       (uint64_t)seg->dpl << 45 | (uint64_t)seg->present << 47 |
	       (limit >> 16 & 0xf) << 48 | (uint64_t)seg->l << 53 |
	       (uint64_t)seg->db << 54 | (uint64_t)seg->g << 55 |
	       (seg->base >> 24 & 0xff) << 56;
}

static void use_flat_segments(const struct vm *vm, const struct cpu_tables *t,
			      struct kvm_sregs *sregs, bool code64)
{
	uint64_t *gdt = (uint64_t *)(vm->guest_ram + t->gdt);
	struct kvm_segment code = flat_segment(code64 ? GDT_CODE64 : GDT_CODE32,
					       SEG_TYPE_CODE, code64);
	struct kvm_segment data = flat_segment(GDT_DATA, SEG_TYPE_DATA, false);

	gdt[code.selector / 8] = gdt_entry(&code);
	gdt[data.selector / 8] = gdt_entry(&data);
	sregs->gdt.base = t->gdt;
	sregs->gdt.limit = GDT_SLOTS * 8 - 1;
	/* No IDT: an exception is a triple fault, never a jump through
	 * whatever lies at address 0. */
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
}

/*
 * What an ordinary compiler's code expects of the CPU (SPEC §1.5): x87 and
 * SSE usable. The vCPU's CPUID offers them (vcpu_set_supported_cpuid); the
 * OS's part is these bits.
 */
static void use_x87_and_sse(struct kvm_sregs *sregs)
{
	sregs->cr0 = (sregs->cr0 | CR0_MP) & ~CR0_EM;
	sregs->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
}

void cpu_real_mode(const struct vm *vm, const struct cpu_tables *t,
		   struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	uint64_t stack_base = regs->rsp - 0x10000;

	(void)vm;
	(void)t;
	sregs->cs.selector = regs->rip >> 4;
	sregs->cs.base = regs->rip & ~UINT64_C(0xf);
	regs->rip &= 0xf;
	sregs->ds.selector = sregs->es.selector = 0;
	sregs->ds.base = sregs->es.base = 0;
	sregs->fs.selector = sregs->gs.selector = 0;
	sregs->fs.base = sregs->gs.base = 0;
	sregs->ss.selector = stack_base >> 4;
	sregs->ss.base = stack_base;
	regs->rsp = 0; /* the first push wraps to ss:0xfffe */
}

void cpu_protected_mode(const struct vm *vm, const struct cpu_tables *t,
			struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	(void)regs;
	use_flat_segments(vm, t, sregs, false);
	sregs->cr0 = CR0_PE | CR0_ET | CR0_NE;
	sregs->cr4 = 0;
	use_x87_and_sse(sregs);
}

/* One page directory whose entries map guest RAM; nothing else. */
void cpu_paged32_mode(const struct vm *vm, const struct cpu_tables *t,
		      struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	uint32_t *page_dir = (uint32_t *)(vm->guest_ram + t->page_tables);
	uint64_t large_page = 4 * MIB;

	for (uint64_t i = 0; i * large_page < vm->ram_size; i++)
		page_dir[i] = (uint32_t)(i * large_page | PTE_PRESENT |
					 PTE_RW | PTE_PS);

	cpu_protected_mode(vm, t, sregs, regs);
	sregs->cr3 = t->page_tables;
	sregs->cr4 |= CR4_PSE;
	sregs->cr0 |= CR0_WP | CR0_PG;
}

/* One PML4 entry, one PDPT entry, and a page directory of 2 MiB pages
 * (so at most 1 GiB of RAM, one page directory's worth). */
void cpu_long_mode(const struct vm *vm, const struct cpu_tables *t,
		   struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	uint64_t pml4_addr = t->page_tables;
	uint64_t pdpt_addr = pml4_addr + PAGE_SIZE;
	uint64_t pd_addr = pdpt_addr + PAGE_SIZE;
	uint64_t *pml4 = (uint64_t *)(vm->guest_ram + pml4_addr);
	uint64_t *pdpt = (uint64_t *)(vm->guest_ram + pdpt_addr);
	uint64_t *pd = (uint64_t *)(vm->guest_ram + pd_addr);
	uint64_t large_page = 2 * MIB;

	(void)regs;
	pml4[0] = pdpt_addr | PTE_PRESENT | PTE_RW;
	pdpt[0] = pd_addr | PTE_PRESENT | PTE_RW;
	for (uint64_t i = 0; i * large_page < vm->ram_size; i++)
		pd[i] = i * large_page | PTE_PRESENT | PTE_RW | PTE_PS;

	use_flat_segments(vm, t, sregs, true);
	sregs->cr3 = pml4_addr;
	sregs->cr4 = CR4_PAE;
	sregs->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->efer = EFER_LME | EFER_LMA;
	use_x87_and_sse(sregs);
}

/*
 * Some KVMs page only in long mode: kvm-pvm, a nested KVM, clears CR0.PG
 * from a 32-bit KVM_SET_SREGS and the vCPU shuts down at its next
 * KVM_RUN. This runs the same 32-bit code with paging all the same: long
 * mode's page tables under a 32-bit code segment.
 */
void cpu_compat_mode(const struct vm *vm, const struct cpu_tables *t,
		     struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	cpu_long_mode(vm, t, sregs, regs);
	use_flat_segments(vm, t, sregs, false);
}
