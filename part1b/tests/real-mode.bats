# Real mode (-r) with the test guest tests/guests/real16.S: every hypercall
# from 16-bit code, numExitsByType's string read by the guest itself (the
# result area lies below 0x10FFF0, where real mode reaches), and the abuses
# of the hostile suite that real mode allows, each refused with one stderr
# line while the guest runs on.
load common

setup() { require_kvm; }

# run_real16 [ABUSE]: the guest, or its build that makes ABUSE first.
run_real16() {
	run_split "$SKVM" -r --guest "$GUESTS/real16${1:+-$1}.elf"
}

@test "real mode: every hypercall, and numExitsByType's string read by the guest" {
	run_real16
	assert_equal "$stderr" ""
	assert_equal "$status" 0
	hva=$(printf '%s\n' "$output" | sed -n 9p)
	[[ "$hva" =~ ^[1-9][0-9]*$ ]] || { echo "HVA line is '$hva'"; return 1; }
	assert_equal "$output" "$(printf '%s\n' "Testing real mode" R 2048 4 \
		"real mode" "IO in: 2" "IO out: 5" "IO in: 2" "$hva" "Invalid GVA" 0)"
}

# expect_refused_real ABUSE STDOUT STDERR: status 0, the guest ran on.
expect_refused_real() {
	run_real16 "$1"
	assert_equal "$stderr" "$3"
	assert_equal "$output" "$(printf 'Testing real mode\n%sstill running' "$2")"
	assert_equal "$status" 0
}

@test "real mode: printStr of an address outside guest RAM" {
	expect_refused_real printstr_outside_ram "" \
		"simple-kvm: HC_printStr: string at GVA 0x300000: outside guest RAM"
}

@test "real mode: gvaToHva with an argument struct straddling the end of RAM" {
	expect_refused_real gvatohva_arg_straddles_end "" \
		"simple-kvm: HC_gvaToHva: argument at GVA 0x1ffffc: outside guest RAM"
}

@test "real mode: gvaToHva with an argument struct whose 8 bytes wrap past 4 GiB" {
	expect_refused_real gvatohva_arg_wraps "" \
		"simple-kvm: HC_gvaToHva: argument at GVA 0xfffffffc: address + length wraps around"
}

@test "real mode: the wrong I/O size: refused, an in returns 0" {
	expect_refused_real wrong_size $'0\n' "$(printf '%s\n' \
		"simple-kvm: HC_print32bit: outb on port 0xea, the ABI says outl" \
		"simple-kvm: HC_numExits: inw on port 0xeb, the ABI says inl")"
}

@test "real mode: the wrong direction: refused, an in returns 0" {
	expect_refused_real wrong_direction $'0\n' "$(printf '%s\n' \
		"simple-kvm: HC_print32bit: inl on port 0xea, the ABI says outl" \
		"simple-kvm: HC_numExits: outl on port 0xeb, the ABI says inl")"
}

@test "real mode: unknown ports: one line per port, reads give all ones" {
	expect_refused_real unknown_ports $'4294967295\n4294967295\n' "$(printf '%s\n' \
		"simple-kvm: port 0x80: no hypercall here; reads give all ones, writes are ignored" \
		"simple-kvm: port 0x81: no hypercall here; reads give all ones, writes are ignored")"
}

@test "real mode: a guest that scribbles over the result area reads only guest RAM back" {
	xs=$(head -c 1024 /dev/zero | tr '\0' X)
	expect_refused_real overwrite_result_area "$xs"$'\nIO in: 2\nIO out: 2\n' ""
}

# What real16.S's own IVT entry 6 prints where the ud2 goes through it.
UD_THROUGH_IVT="exception 6 (#UD) went through the IVT at guest address 0 despite its limit 0: this KVM ignores the IDT limit in real mode, no triple fault"

expect_triple_fault() {
	assert_equal "$output" "Testing real mode"
	assert_equal "${stderr%%$'\n'*}" "simple-kvm: KVM_EXIT_SHUTDOWN: the guest shut down (a triple fault)"
	assert_equal "$status" 1
}

expect_ud_through_ivt() {
	assert_equal "$output" "$(printf '%s\n' "Testing real mode" "$UD_THROUGH_IVT")"
	assert_equal "$stderr" ""
	assert_equal "$status" 0
}

# lidt with limit 0, then ud2: hardware real mode (kvm_amd, kvm_intel with
# unrestricted guest) checks the limit, so #UD becomes #GP, #DF, a triple
# fault. KVMs that deliver real-mode exceptions themselves (kvm-pvm,
# kvm_intel's vm86 path) ignore the limit: the guest's IVT entry 6 runs.
@test "real mode: a triple fault: status 1, stderr names KVM_EXIT_SHUTDOWN (where the KVM ignores the IDT limit, the guest's IVT entry says so)" {
	run_real16 triple_fault
	case "$(real_mode_idt_limit)" in
	honoured) expect_triple_fault ;;
	ignored) expect_ud_through_ivt ;;
	*) if [ "$status" -eq 0 ]; then expect_ud_through_ivt; else expect_triple_fault; fi ;;
	esac
}

@test "real mode -v: says whether this KVM honours the IDT limit, as the guest finds it" {
	run_split "$SKVM" -r -v
	assert_equal "$output" "Testing real mode"
	assert_equal "$status" 0
	assert_verbose_stderr -r
	# and the guest agrees with the probe
	probe=${stderr_lines[1]}
	run_real16 triple_fault
	case "$probe" in
	"$REAL_IDT_HONOURED") expect_triple_fault ;;
	"$REAL_IDT_IGNORED") expect_ud_through_ivt ;;
	*) # a KVM not known here, whose probe could not tell: either
		if [ "$status" -eq 0 ]; then expect_ud_through_ivt; else expect_triple_fault; fi ;;
	esac
}
