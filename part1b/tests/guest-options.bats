# --guest with the example guest, and --stats / --trace, which must leave
# stdout alone.
load common

setup() { require_kvm; }

# The example guest's stdout after the banner (expected/hello64-l.out).
example_lines() {
	tail -n +2 "$EXPECTED/hello64-l.out"
}

@test "the example guest runs as ELF64 in -l and ELF32 in -s and -p, status 0" {
	run_split "$SKVM" --guest "$PART1B/examples/hello64.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(echo 'Testing 64-bit mode'; example_lines)"
	assert_equal "$stderr" ""
	run_split "$SKVM" -s --guest "$PART1B/examples/hello32.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(echo 'Testing protected mode'; example_lines)"
	run_split "$SKVM" -p -v --guest "$PART1B/examples/hello32.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(echo 'Testing 32-bit paging'; example_lines)"
	assert_verbose_stderr -p
}

@test "a flat binary loads at 0 and starts there" {
	flat="$BATS_TEST_TMPDIR/hello64.bin"
	objcopy -O binary "$PART1B/examples/hello64.elf" "$flat"
	run_split "$SKVM" -l --guest "$flat"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(echo 'Testing 64-bit mode'; example_lines)"
}

@test "an ELF of the wrong class for the mode is refused before it runs" {
	run_split "$SKVM" -l --guest "$PART1B/examples/hello32.elf"
	[ "$status" -eq 2 ]
	assert_equal "$output" ""
	assert_equal "$stderr" "simple-kvm: $PART1B/examples/hello32.elf: ELF32 image does not fit this mode, which runs ELF64"
}

@test "--stats: the total equals HC_numExits as the guest saw it, plus its last two exits" {
	run_split "$SKVM" --stats --guest "$PART1B/examples/hello64.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(echo 'Testing 64-bit mode'; example_lines)"
	seen=$(printf '%s\n' "$output" | tail -1)
	# numExits counted itself; print32bit and HLT follow it.
	assert_equal "$stderr" "$(printf '%s\n' \
		"simple-kvm: $((seen + 2)) exits by reason:" \
		"  KVM_EXIT_IO                        15" \
		"  KVM_EXIT_HLT                        1" \
		"simple-kvm: KVM_EXIT_IO by port:" \
		"  port 0x00ec out                     3" \
		"  port 0x00ea out                    11" \
		"  port 0x00eb in                      1")"
}

@test "--stats on the embedded demonstration: 27 exits, 4 of them in" {
	run_split "$SKVM" --stats
	[ "$status" -eq 0 ]
	assert_demo_output "Testing 64-bit mode"
	[[ "$stderr" == "simple-kvm: 27 exits by reason:"* ]]
	printf '%s\n' "$stderr" | grep -qx "  KVM_EXIT_IO                        26"
	printf '%s\n' "$stderr" | grep -qx "  port 0x00eb in                      2"
	printf '%s\n' "$stderr" | grep -qx "  port 0x00ed in                      2"
	printf '%s\n' "$stderr" | grep -qx "  port 0x00e9 out                    11"
	printf '%s\n' "$stderr" | grep -qx "  KVM_EXIT_HLT                        1"
}

@test "--trace: one stderr line per exit, stdout unchanged" {
	run_split "$SKVM" --trace --guest "$PART1B/examples/hello64.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(echo 'Testing 64-bit mode'; example_lines)"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 16 ]
	printf '%s\n' "$stderr" | sed -n 1p | grep -q '^simple-kvm: exit 1: KVM_EXIT_IO port 0xec out size 4 count 1 data 0x[0-9a-f]* rip 0x[0-9a-f]*$'
	printf '%s\n' "$stderr" | sed -n 14p | grep -q '^simple-kvm: exit 14: KVM_EXIT_IO port 0xeb in size 4 count 1 data 0xe rip 0x[0-9a-f]*$'
	printf '%s\n' "$stderr" | sed -n 16p | grep -q '^simple-kvm: exit 16: KVM_EXIT_HLT rip 0x[0-9a-f]*$'
}
