# Shared by part1b's bats files: `load common`.
load ../../tests/lib

PART1B="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
SKVM="$PART1B/simple-kvm"
GUESTS="$PART1B/tests/guests"

EXPECTED="$PART1B/expected"

# The expected stdout of `simple-kvm` in the mode whose banner is $1: the
# file of expected/ (see expected/README.md) that begins with that banner.
expected_demo() {
	case "$1" in
	"Testing 64-bit mode") cat "$EXPECTED/simple-kvm-l.out" ;;
	"Testing protected mode") cat "$EXPECTED/simple-kvm-s.out" ;;
	"Testing 32-bit paging") cat "$EXPECTED/simple-kvm-p.out" ;;
	*) echo "no expected output for banner '$1'" >&2; return 1 ;;
	esac
}

# The stdout of the embedded demonstration after the banner; HVA is the one
# number that changes from run to run.
demo_lines() {
	tail -n +2 "$EXPECTED/simple-kvm-l.out"
}

# Checks that $output is the banner $1 and then the demonstration, with a
# non-zero decimal host address in the HVA line.
assert_demo_output() {
	local banner="$1" hva expected
	hva=$(printf '%s\n' "$output" | sed -n 8p)
	[[ "$hva" =~ ^[1-9][0-9]*$ ]] || { echo "HVA line is '$hva'" >&2; return 1; }
	expected=$(expected_demo "$banner") || return 1
	assert_equal "$output" "$(sed "s/^HVA\$/$hva/" <<<"$expected")"
}

# The KVM behind /dev/kvm, told by the module loaded: kvm_amd, kvm_intel,
# kvm_pvm, or "unknown" when none of them or several are.
kvm_flavour() {
	local found=() m
	for m in kvm_amd kvm_intel kvm_pvm; do
		[ ! -d "/sys/module/$m" ] || found+=("$m")
	done
	if [ "${#found[@]}" -eq 1 ]; then echo "${found[0]}"; else echo unknown; fi
}

# What -p -v says of the way it ran (SPEC §1.1).
PAGING32_REAL="simple-kvm: -p runs real 32-bit paging: a 32-bit paged probe guest ran on this KVM"
PAGING32_COMPAT="simple-kvm: -p runs its 32-bit code in compatibility mode under long mode's page tables: this KVM cannot run 32-bit paging"

# assert_paging32_path LINE: LINE is -p's line for this KVM: real 32-bit
# paging on kvm_amd and kvm_intel, compatibility mode on kvm-pvm, and on a
# KVM not known here one of the two.
assert_paging32_path() {
	case "$(kvm_flavour)" in
	kvm_amd | kvm_intel) assert_equal "$1" "$PAGING32_REAL" ;;
	kvm_pvm) assert_equal "$1" "$PAGING32_COMPAT" ;;
	*)
		[ "$1" = "$PAGING32_REAL" ] || [ "$1" = "$PAGING32_COMPAT" ] ||
			{ echo "not a -p line: '$1'" >&2; return 1; }
		;;
	esac
}

# What -r -v says of a real-mode exception past the IDT limit (SPEC §1.4).
REAL_IDT_HONOURED="simple-kvm: real mode honours the IDT limit on this KVM: an exception past it is a triple fault (a probe's ud2 with limit 0 shut down)"
REAL_IDT_IGNORED="simple-kvm: real mode ignores the IDT limit on this KVM: an exception goes through the interrupt table at guest address 0 even with limit 0 (a probe's ud2 did)"

# real_mode_idt_limit: "honoured" where a real-mode exception past the IDT
# limit is a triple fault (hardware real mode: kvm_amd, kvm_intel with
# unrestricted guest), "ignored" where it goes through the interrupt table
# at guest address 0 all the same (KVMs that emulate the delivery: kvm-pvm,
# kvm_intel's vm86 path without unrestricted guest). On a KVM not known
# here, what the probe of `simple-kvm -r -v` found, or "either".
real_mode_idt_limit() {
	local ug=/sys/module/kvm_intel/parameters/unrestricted_guest probe
	case "$(kvm_flavour)" in
	kvm_amd) echo honoured ;;
	kvm_intel) if [ "$(cat "$ug")" = Y ]; then echo honoured; else echo ignored; fi ;;
	kvm_pvm) echo ignored ;;
	*)
		probe=$(bounded "$SKVM" -r -v 2>&1 >/dev/null | sed -n 2p)
		case "$probe" in
		"$REAL_IDT_HONOURED") echo honoured ;;
		"$REAL_IDT_IGNORED") echo ignored ;;
		*) echo either ;;
		esac
		;;
	esac
}

# assert_real_idt_line LINE: LINE is -r -v's line for this KVM.
assert_real_idt_line() {
	case "$(real_mode_idt_limit)" in
	honoured) assert_equal "$1" "$REAL_IDT_HONOURED" ;;
	ignored) assert_equal "$1" "$REAL_IDT_IGNORED" ;;
	*) [[ "$1" == "simple-kvm: real mode "* ]] || { echo "not a -r line: '$1'" >&2; return 1; } ;;
	esac
}

# assert_verbose_stderr MODE: $stderr of a `simple-kvm MODE -v` run that
# went well is the guest RAM line and, for -p, the line of the way this KVM
# allows, for -r what this KVM does with the IDT limit; nothing else.
assert_verbose_stderr() {
	local lines=1
	[[ "${stderr_lines[0]}" =~ ^simple-kvm:\ guest\ RAM:\ [0-9]+\ bytes\ at\ host\ address\ [1-9][0-9]*$ ]] ||
		{ echo "stderr: $stderr" >&2; return 1; }
	if [ "$1" = -p ]; then
		assert_paging32_path "${stderr_lines[1]}" || return 1
		lines=2
	elif [ "$1" = -r ]; then
		assert_real_idt_line "${stderr_lines[1]}" || return 1
		lines=2
	fi
	[ "${#stderr_lines[@]}" -eq "$lines" ] || { echo "stderr: $stderr" >&2; return 1; }
}
