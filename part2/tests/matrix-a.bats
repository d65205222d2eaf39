#!/usr/bin/env bats
# matrix-a (SPEC §4.3): strict alternation at every KVM_EXIT_IO.

load ../../tests/lib
load part2

# The four lines of one exit of VMFD $1: an OUT of $3 to port $2.
io_slice() {
	printf 'VMFD: %s started running\n' "$1"
	printf 'VMFD: %s stopped running - exit reason: 2\n' "$1"
	printf 'VMFD: %s KVM_EXIT_IO\n' "$1"
	printf 'VMFD: %s out port: %s, data: %s\n' "$1" "$2" "$3"
}

@test "matrix-a: the first 40 lines, through a pipe, are exactly the contract" {
	require_kvm
	run_split bash -c './matrix-a | head -40'
	assert_equal "$status" 0
	neo=$(vmfd_of_load_line "$output" 1)
	morpheus=$(vmfd_of_load_line "$output" 2)
	[ -n "$neo" ] && [ -n "$morpheus" ] && [ "$neo" != "$morpheus" ]

	assert_equal "$output" "$(expected_output matrix-a.out "$neo" "$morpheus")"
}

@test "matrix-a: -n stops after N exits, then the summary; status 0" {
	require_kvm
	run_split ./matrix-a -n 3
	assert_equal "$status" 0
	neo=$(vmfd_of_load_line "$output" 1)
	morpheus=$(vmfd_of_load_line "$output" 2)
	expected=$(
		printf 'VMFD: %s, Loaded Program with size: 7\n' "$neo" "$morpheus"
		io_slice "$neo" 16 0
		io_slice "$morpheus" 17 0
		io_slice "$neo" 16 1
	)
	assert_equal "$output" "$expected"
	[[ "$stderr" == "matrix-a: stopped by --slices, slices 3, wall time "* ]]
	assert_equal "$(summary_rows "$stderr" | awk '{ print $1, $2, $3, $4 }')" \
		"$neo 1 50.00 2
$morpheus 1 50.00 1"
}

@test "matrix-a: --vm runs any number of VMs in turn" {
	require_kvm
	run_split ./matrix-a -n 6 --vm guest1-a.bin --vm guest2-a.bin --vm guest1-a.bin
	assert_equal "$status" 0
	assert_equal "$(grep -c 'Loaded Program with size: 7$' <<<"$output")" 3
	assert_equal "$(sed -n 's/^VMFD: [0-9]* out port: //p' <<<"$output")" \
		"16, data: 0
17, data: 0
16, data: 0
16, data: 1
17, data: 65535
16, data: 1"
}

@test "matrix-a: a guest that halts stops the run with one line and status 1" {
	require_kvm
	printf '\xf4' >"$BATS_TEST_TMPDIR/hlt.bin"   # hlt
	run_split ./matrix-a --vm "$BATS_TEST_TMPDIR/hlt.bin"
	assert_equal "$status" 1
	vmfd=$(vmfd_of_load_line "$output" 1)
	assert_equal "$output" "VMFD: $vmfd, Loaded Program with size: 1
VMFD: $vmfd started running
VMFD: $vmfd stopped running - exit reason: 5"
	assert_equal "$(head -1 <<<"$stderr")" \
		"matrix-a: VMFD $vmfd: exit reason 5 (KVM_EXIT_HLT) is neither an OUT nor a signal; stopping"
	[[ "$(sed -n 2p <<<"$stderr")" == "matrix-a: stopped by an unexpected exit, slices 1, wall time "* ]]
}

@test "matrix-a: default guests are found next to the executable, from any folder" {
	require_kvm
	cd "$BATS_TEST_TMPDIR"
	run_split "$BATS_TEST_DIRNAME/../matrix-a" -n 2
	assert_equal "$status" 0
	assert_equal "$(grep -c 'Loaded Program with size: 7$' <<<"$output")" 2
}
