#!/usr/bin/env bats
# matrix-b (SPEC §4.4): a timer signal ends KVM_RUN every quantum.

load ../../tests/lib
load part2

# The output of $2 preempted slices alternating between the VMFDs of the
# load lines of output $1, with every Time as "T".
expected_alternation() {
	local neo morpheus i
	neo=$(vmfd_of_load_line "$1" 1)
	morpheus=$(vmfd_of_load_line "$1" 2)
	printf 'VMFD: %s, Loaded Program with size: 5\n' "$neo" "$morpheus"
	for ((i = 0; i < $2; i++)); do
		if ((i % 2 == 0)); then preempted_slice "$neo"; else preempted_slice "$morpheus"; fi
	done
}

@test "matrix-b: --quantum 100ms: slices alternate, four lines each, Time grows by a quantum" {
	require_kvm
	run_split ./matrix-b --quantum 100ms -n 8
	assert_equal "$status" 0
	# The stdout of `matrix-b -n 8` at any quantum: expected/matrix-b.out.
	assert_equal "$(without_times "$output")" "$(expected_output matrix-b.out \
		"$(vmfd_of_load_line "$output" 1)" "$(vmfd_of_load_line "$output" 2)")"
	assert_times_step "$output" 0.1
}

@test "matrix-b: the default quantum is one second (--seconds 3: three slices)" {
	require_kvm
	run_split ./matrix-b --seconds 3
	assert_equal "$status" 0
	assert_equal "$(without_times "$output")" "$(expected_alternation "$output" 3)"
	assert_times_step "$output" 1
	[[ "$stderr" == "matrix-b: stopped by --seconds, slices 3, wall time "* ]]
}

@test "matrix-b: stdout is flushed per line into a pipe" {
	require_kvm
	# Line-buffered, the first three lines reach head at once and the
	# next write (after one quantum) ends matrix-b; fully buffered, head
	# would wait for the whole 1000-second run and timeout would fire.
	run_split timeout 60 bash -c './matrix-b -n 1000 | head -3'
	assert_equal "$status" 0
	vmfd=$(vmfd_of_load_line "$output" 1)
	assert_equal "${lines[2]}" "VMFD: $vmfd started running"
}
