# The test guests, built by part1b/Makefile (which includes this file, so
# paths are relative to part1b/) for `make test-programs`. Each guest is
# one rule from its source to its ELF here; the object goes to build/
# (guest_cc and guest_as in part1b/Makefile).

# One guest per abuse in hostile.c, each named by its function: 64-bit
# for -l, and 32-bit (in tests/guests/32/) for -s and -p.
HOSTILE := $(shell sed -n 's/^void \([a-z0-9_]*\)(void)$$/\1/p' tests/guests/hostile.c)
HOSTILE_GUESTS := $(HOSTILE:%=tests/guests/%.elf) $(HOSTILE:%=tests/guests/32/%.elf)

$(HOSTILE:%=tests/guests/%.elf): tests/guests/%.elf: tests/guests/hostile.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,64,$(GUEST_CFLAGS) -DABUSE=$*)
$(HOSTILE:%=tests/guests/32/%.elf): tests/guests/32/%.elf: tests/guests/hostile.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	@mkdir -p $(@D)
	$(call guest_cc,32,$(GUEST_CFLAGS) -DABUSE=$*)

# The real-mode test guest (every hypercall), and one per abuse that real
# mode allows: the labels real16.S calls with -DABUSE=<label>.
REAL16_ABUSES := printstr_outside_ram gvatohva_arg_straddles_end \
                 gvatohva_arg_wraps wrong_size wrong_direction unknown_ports \
                 overwrite_result_area triple_fault
REAL16_GUESTS := tests/guests/real16.elf \
                 $(REAL16_ABUSES:%=tests/guests/real16-%.elf)

tests/guests/real16.elf: tests/guests/real16.S guest.ld | $(BUILD)
	$(call guest_cc,32,)
$(REAL16_ABUSES:%=tests/guests/real16-%.elf): tests/guests/real16-%.elf: tests/guests/real16.S guest.ld | $(BUILD)
	$(call guest_cc,32,-DABUSE=$*)

# The --coalesce-print8 guests (tests/coalesced.bats): one per variant of
# coalesce.c, 64-bit (coalesce-NAME64) and 32-bit (coalesce-NAME32).
COALESCE_VARIANTS := flood mixed hundred
COALESCE_GUESTS := $(foreach v,$(COALESCE_VARIANTS),\
                     tests/guests/coalesce-$(v)64.elf tests/guests/coalesce-$(v)32.elf)

tests/guests/coalesce-%64.elf: tests/guests/coalesce.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,64,$(GUEST_CFLAGS) -DVARIANT=$*)
tests/guests/coalesce-%32.elf: tests/guests/coalesce.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,32,$(GUEST_CFLAGS) -DVARIANT=$*)

# The SSE guest is built as an ordinary compiler builds code, without
# -mgeneral-regs-only; its 32-bit build asks for SSE math, which 64-bit
# code has by default (SPEC §1.5).
SSE_GUEST_CFLAGS := $(filter-out -mgeneral-regs-only,$(GUEST_CFLAGS))
SSE_GUESTS := tests/guests/sse64.elf tests/guests/sse32.elf

tests/guests/sse64.elf: tests/guests/sse.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,64,$(SSE_GUEST_CFLAGS))
tests/guests/sse32.elf: tests/guests/sse.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,32,-msse2 -mfpmath=sse $(SSE_GUEST_CFLAGS))

# The guests tests/gdb.bats debugs, per mode: gdbNN-main runs to its halt,
# gdbNN-spin spins until gdb says stop, gdbNN-fault triple-faults. -O0 so
# that what gdb steps through is what the source says.
GDB_VARIANT_main :=
GDB_VARIANT_spin := SPIN
GDB_VARIANT_fault := TRIPLE_FAULT
GDB_GUESTS := $(foreach m,16 32 64,$(foreach v,main spin fault,\
                tests/guests/gdb$(m)-$(v).elf))
gdb_variant = $(if $(GDB_VARIANT_$*),$(1)$(GDB_VARIANT_$*))

tests/guests/gdb64-%.elf: tests/guests/gdbtest.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,64,$(GUEST_CFLAGS) -O0 $(call gdb_variant,-D))
tests/guests/gdb32-%.elf: tests/guests/gdbtest.c $(GUEST_HEADERS) guest.ld | $(BUILD)
	$(call guest_cc,32,$(GUEST_CFLAGS) -O0 $(call gdb_variant,-D))
# GNU as itself: clang's assembler takes no --defsym.
tests/guests/gdb16-%.elf: tests/guests/gdbtest16.s guest.ld | $(BUILD)
	$(call guest_as,$(if $(GDB_VARIANT_$*),--defsym $(GDB_VARIANT_$*)=1))

TEST_GUESTS := $(HOSTILE_GUESTS) $(SSE_GUESTS) $(REAL16_GUESTS) $(GDB_GUESTS) \
               $(COALESCE_GUESTS)
