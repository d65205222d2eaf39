# Hostile guests (tests/guests/hostile.c): each abuses the ABI once, then
# prints "still running". simple-kvm must refuse the abuse with one stderr
# line, print nothing from outside guest RAM, and let the guest go on.
# Each runs in every mode where it makes sense: -l (the 64-bit build),
# -s and -p (the 32-bit build, tests/guests/32/); real mode has its own
# guest, tests/real-mode.bats.
load common

setup() { require_kvm; }

banner_of() {
	case "$1" in
	-l) echo "Testing 64-bit mode" ;;
	-p) echo "Testing 32-bit paging" ;;
	-s) echo "Testing protected mode" ;;
	esac
}

# run_guest NAME MODE [simple-kvm options...]
run_guest() {
	local name="$1" mode="$2" image
	shift 2
	image="$GUESTS/$name.elf"
	[ "$mode" = -l ] || image="$GUESTS/32/$name.elf"
	run_split "$SKVM" "$mode" --guest "$image" "$@"
	MODE=$mode
}

# expect_run [STDOUT [STDERR]]: status 0; stdout is the banner, STDOUT
# and "still running"; stderr is STDERR.
expect_run() {
	assert_equal "$stderr" "${2:-}"
	assert_equal "$output" "$(printf '%s\n%sstill running' "$(banner_of "$MODE")" "${1:-}")"
	[ "$status" -eq 0 ]
}

expect_refused() { expect_run "" "$1"; }

@test "printStr of an unmapped address (without paging: outside RAM)" {
	for mode in -l -p; do
		run_guest printstr_unmapped $mode
		expect_refused "simple-kvm: HC_printStr: string at GVA 0x400000: not mapped"
	done
	run_guest printstr_unmapped -s
	expect_refused "simple-kvm: HC_printStr: string at GVA 0x400000: outside guest RAM"
}

@test "printStr of a mapped page that lies outside guest RAM" {
	for mode in -l -p; do
		run_guest printstr_outside_ram $mode
		expect_refused "simple-kvm: HC_printStr: string at GVA 0x400000: outside guest RAM"
	done
}

@test "printStr of a string not terminated before the end of RAM" {
	for mode in -l -p -s; do
		run_guest printstr_unterminated $mode
		expect_refused "simple-kvm: HC_printStr: string at GVA 0x1fff00: no NUL within guest RAM and 1 MiB"
	done
}

@test "printStr of a string longer than 1 MiB, all inside RAM" {
	for mode in -l -p -s; do
		run_guest printstr_too_long $mode --mem 4M
		expect_refused "simple-kvm: HC_printStr: string at GVA 0x200000: no NUL within guest RAM and 1 MiB"
	done
}

@test "printStr of a string whose address + length wraps past 4 GiB" {
	for mode in -l -p; do
		run_guest printstr_wraps $mode
		expect_refused "simple-kvm: HC_printStr: string at GVA 0xffffff00: address + length wraps around"
	done
}

@test "printStr across a page boundary onto a non-adjacent physical page" {
	for mode in -l -p; do
		run_guest printstr_split_pages $mode
		expect_run $'Hello, pages!\n'
	done
}

@test "printStr and gvaToHva through a large page with a reserved bit: refused, as the CPU does" {
	for mode in -l -p; do
		run_guest printstr_reserved_bit $mode
		expect_run $'Invalid GVA\n0\n' "simple-kvm: HC_printStr: string at GVA 0x5c0000: not mapped"
	done
}

@test "printStr of 64 KiB prints it whole in exactly one exit" {
	expected=$(awk 'BEGIN { for (i = 0; i < 65536; i++) printf "%s", (i % 64 == 63) ? "\n" : sprintf("%c", 97 + i % 26) }')
	for mode in -l -p -s; do
		run_guest printstr_64k $mode
		expect_run "$expected"$'\n2\n'
	done
}

@test "gvaToHva with an argument struct whose 8 bytes wrap past 4 GiB" {
	for mode in -l -p -s; do
		run_guest gvatohva_arg_wraps $mode
		expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0xfffffffc: address + length wraps around"
	done
}

# -l maps RAM with 2 MiB pages: the page after RAM is not mapped. -p with
# real 32-bit paging maps it with 4 MiB pages, so the rest of that page is
# mapped, outside RAM; -p in compatibility mode (kvm-pvm) has long mode's
# 2 MiB pages: not mapped, as in -l. So -p's answer follows the path -v
# names, and the compatibility path, which every KVM runs, is run forced
# too. -s has no paging: outside RAM.
@test "gvaToHva with an argument struct straddling the end of RAM" {
	local why
	run_guest gvatohva_arg_straddles_end -l
	expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0x1ffffc: not mapped"
	run_guest gvatohva_arg_straddles_end -s
	expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0x1ffffc: outside guest RAM"

	run_guest gvatohva_arg_straddles_end -p -v
	assert_paging32_path "${stderr_lines[1]}"
	why="not mapped"
	[ "${stderr_lines[1]}" != "$PAGING32_REAL" ] || why="outside guest RAM"
	stderr=$(printf '%s\n' "${stderr_lines[@]:2}")
	expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0x1ffffc: $why"

	SIMPLE_KVM_PAGING32=compat run_guest gvatohva_arg_straddles_end -p
	expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0x1ffffc: not mapped"
}

@test "gvaToHva with an unmapped argument struct (without paging: outside RAM)" {
	for mode in -l -p; do
		run_guest gvatohva_arg_unmapped $mode
		expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0x400000: not mapped"
	done
	run_guest gvatohva_arg_unmapped -s
	expect_refused "simple-kvm: HC_gvaToHva: argument at GVA 0x400000: outside guest RAM"
}

@test "gvaToHva of a GVA mapped outside RAM: Invalid GVA and 0" {
	for mode in -l -p -s; do
		run_guest gvatohva_gpa_outside_ram $mode
		expect_run $'Invalid GVA\n0\n'
	done
}

@test "the wrong I/O size: refused, an in returns 0" {
	for mode in -l -p -s; do
		run_guest wrong_size $mode
		expect_run $'0\n' "$(printf '%s\n' \
			"simple-kvm: HC_print32bit: outb on port 0xea, the ABI says outl" \
			"simple-kvm: HC_numExits: inw on port 0xeb, the ABI says inl")"
	done
}

@test "the wrong direction: refused, an in returns 0" {
	for mode in -l -p -s; do
		run_guest wrong_direction $mode
		expect_run $'0\n' "$(printf '%s\n' \
			"simple-kvm: HC_print32bit: inl on port 0xea, the ABI says outl" \
			"simple-kvm: HC_numExits: outl on port 0xeb, the ABI says inl")"
	done
}

# A string instruction to a hypercall port: KVM's instruction emulator
# runs it, and the hypervisor sees either one exit per element (count 1)
# or one exit for several (count N), which the ABI refuses. For outs the
# emulator writes one element an exit (measured on kvm_amd and kvm-pvm);
# for ins it reads ahead, as many as fit in the page, in one exit (count 5
# on kvm_amd and kvm_intel). So rep outsb shows the one-byte path, and rep
# insl the counted one. --trace tells which path ran; each test asserts
# that path's result. test-hc covers both without KVM.

# counted_exits PORT DIRECTION SIZE COUNT: how many --trace lines in
# $stderr show an exit of that count.
counted_exits() {
	printf '%s\n' "$stderr" | grep -c "^simple-kvm: exit [0-9]*: KVM_EXIT_IO port $1 $2 size $3 count $4 " || true
}

# $stderr without the --trace lines.
stderr_untraced() {
	printf '%s\n' "$stderr" | grep -v '^simple-kvm: exit [0-9]*: ' || true
}

@test "rep outsb to print8bit: one-byte exits print, a counted one is refused" {
	for mode in -l -p -s; do
		run_guest rep_outs $mode --trace
		[ "$status" -eq 0 ]
		if [ "$(counted_exits 0xe9 out 1 5)" -eq 1 ]; then
			assert_equal "$output" "$(printf '%s\nstill running' "$(banner_of $mode)")"
			assert_equal "$(stderr_untraced)" "simple-kvm: HC_print8bit: rep outb (count 5) on port 0xe9, the ABI says one outb"
		else
			assert_equal "$(counted_exits 0xe9 out 1 1)" 5
			assert_equal "$output" "$(printf '%s\n12345still running' "$(banner_of $mode)")"
			assert_equal "$(stderr_untraced)" ""
		fi
	done
}

# The counted path wherever KVM reads ahead: one exit of count 5, refused
# with one line, and the five dwords read as zeros (the guest set them to
# 0x77777777 first). A KVM that hands rep ins over one dword an exit runs
# numExits five times (1 to 5) instead: that is said in the test's output.
@test "rep insl from numExits: a counted exit is refused and reads zeros, one-dword exits each count" {
	local flavour
	flavour=$(kvm_flavour)
	for mode in -l -p -s; do
		run_guest rep_ins $mode --trace
		[ "$status" -eq 0 ]
		if [ "$(counted_exits 0xeb in 4 5)" -eq 1 ]; then
			assert_equal "$output" "$(printf '%s\n0\n0\n0\n0\n0\nstill running' "$(banner_of $mode)")"
			assert_equal "$(stderr_untraced)" "simple-kvm: HC_numExits: rep inl (count 5) on port 0xeb, the ABI says one inl"
		else
			# kvm_amd and kvm_intel read ahead: the counted path must run there.
			[ "$flavour" != kvm_amd ] && [ "$flavour" != kvm_intel ] ||
				{ echo "$flavour handed rep insl over without a count-5 exit" >&2; return 1; }
			assert_equal "$(counted_exits 0xeb in 4 1)" 5
			assert_equal "$output" "$(printf '%s\n1\n2\n3\n4\n5\nstill running' "$(banner_of $mode)")"
			assert_equal "$(stderr_untraced)" ""
			echo "# rep insl $mode: this KVM ($flavour) gives one exit per dword: the counted path did not run" >&3
		fi
	done
}

@test "unknown ports: one line per port, the first time; reads give all ones" {
	for mode in -l -p -s; do
		run_guest unknown_ports $mode
		expect_run $'4294967295\n4294967295\n' "$(printf '%s\n' \
			"simple-kvm: port 0x80: no hypercall here; reads give all ones, writes are ignored" \
			"simple-kvm: port 0x81: no hypercall here; reads give all ones, writes are ignored")"
	done
}

@test "a guest that scribbles over the result area reads only guest RAM back" {
	xs=$(head -c 1024 /dev/zero | tr '\0' X) # the 16 slots of 64 bytes
	for mode in -l -p -s; do
		run_guest overwrite_result_area $mode
		expect_run "$xs"$'\nIO in: 2\nIO out: 2\n'
	done
}

@test "a guest that scribbles over its GDT runs on" {
	for mode in -l -p -s; do
		run_guest overwrite_gdt $mode
		expect_run $'GDT gone\n'
	done
}

# kvm_amd resets the vCPU when it reports the shutdown, so the registers of
# the fault are gone there, and simple-kvm must say so rather than print the
# reset state (SPEC §1.4); kvm_intel and kvm-pvm keep them.
@test "a triple fault: status 1, stderr names KVM_EXIT_SHUTDOWN with the registers of the fault, or says this KVM reset them" {
	local reset_line flavour
	reset_line="simple-kvm: the registers at the fault are not available: this KVM reset the vCPU (rip 0xfff0, cs f000)"
	flavour=$(kvm_flavour)
	for mode in -l -p -s; do
		run_guest triple_fault $mode
		[ "$status" -eq 1 ]
		assert_equal "$output" "$(banner_of $mode)"
		assert_equal "${stderr_lines[0]}" "simple-kvm: KVM_EXIT_SHUTDOWN: the guest shut down (a triple fault)"
		if [ "$flavour" = kvm_amd ] ||
		   { [ "$flavour" = unknown ] && [ "${stderr_lines[1]}" = "$reset_line" ]; }; then
			assert_equal "${stderr_lines[1]}" "$reset_line"
			[ "${#stderr_lines[@]}" -eq 2 ]
		else
			[[ "$stderr" == *"rip 0000000000"* ]]
			[[ "$stderr" != *"rip 000000000000fff0"* ]]
			[ $mode != -l ] || [[ "$stderr" == *"cr3 0000000000110000"* ]]
		fi
	done
}

# With paging, GVA 4 MiB is mapped onto guest physical 4 MiB; without, it
# is guest physical 4 MiB. Either way no RAM backs it (2 MiB).
@test "MMIO outside RAM: status 1, stderr names KVM_EXIT_MMIO and the address" {
	for mode in -l -p -s; do
		run_guest mmio_outside_ram $mode
		assert_equal "$output" "$(banner_of $mode)"
		assert_equal "${stderr%%$'\n'*}" "simple-kvm: KVM_EXIT_MMIO: guest write of 4 bytes at guest physical 0x400010, outside guest RAM"
		[[ "$stderr" == *"rax "*"rip "* ]]
		[ "$status" -eq 1 ]
	done
}
