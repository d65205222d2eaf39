#include <elf.h>
#include <stddef.h>

#include "hypercall.h"
#include "kvm_quirks.h"
#include "modes.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

/* The embedded guests, linked in by payload.ld. */
extern const uint8_t guest16_image[], guest16_image_end[];
extern const uint8_t guest32_image[], guest32_image_end[];
extern const uint8_t guest64_image[], guest64_image_end[];

const struct cpu_tables hv_tables = {
	.gdt = HV_GDT, .page_tables = HV_PAGE_TABLES,
};

static const struct cpu_mode cpu_modes[] = {
	{
		.flag = 'r', .banner = "Testing real mode",
		.image = guest16_image, .image_end = guest16_image_end,
		.elf_class = ELFCLASS32, .entry_limit = MIB,
		.setup = cpu_real_mode,
	}, {
		.flag = 's', .banner = "Testing protected mode",
		.image = guest32_image, .image_end = guest32_image_end,
		.elf_class = ELFCLASS32, .entry_limit = 4 * GIB,
		.setup = cpu_protected_mode,
	}, {
		.flag = 'p', .banner = "Testing 32-bit paging",
		.image = guest32_image, .image_end = guest32_image_end,
		.elf_class = ELFCLASS32, .entry_limit = 4 * GIB,
		.setup = cpu_paged32_mode,
		.setup_if_no_paging = cpu_compat_mode,
	}, {
		.flag = 'l', .banner = "Testing 64-bit mode",
		.image = guest64_image, .image_end = guest64_image_end,
		.elf_class = ELFCLASS64, .entry_limit = UINT64_MAX,
		.setup = cpu_long_mode,
	},
};

const struct cpu_mode *mode_of_flag(int flag)
{
	for (size_t i = 0; i < sizeof(cpu_modes) / sizeof(cpu_modes[0]); i++)
		if (cpu_modes[i].flag == flag)
			return &cpu_modes[i];
	return NULL;
}

void mode_enter(struct vm *vm, const struct cpu_mode *mode, uint64_t entry,
		bool verbose)
{
	cpu_mode_setup *setup = mode->setup;

	if (mode->setup_if_no_paging &&
	    !paged32_runs_real(vm->kvm_fd, &hv_tables, mode->flag, verbose))
		setup = mode->setup_if_no_paging;
	if (verbose && mode->flag == 'r')
		say_real_mode_idt_limit(vm->kvm_fd);
	vcpu_enter_mode(vm, setup, &hv_tables, entry, HV_STACK_TOP);
}
