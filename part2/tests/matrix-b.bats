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

# The quantum is the thread's CPU time (part2/README.md): on a loaded host
# a slice lasts longer in wall time but holds the same CPU. What holds on
# any host: the k-th Time is at least k quanta, and by the end of the k-th
# slice the thread has had k quanta of CPU (the trace shows it).

@test "matrix-b: --quantum 100ms: slices alternate, four lines each, each holds a quantum of CPU" {
	require_kvm
	run_split ./matrix-b --quantum 100ms -n 8 --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	# The stdout of `matrix-b -n 8` at any quantum: expected/matrix-b.out.
	assert_equal "$(without_times "$output")" "$(expected_output matrix-b.out \
		"$(vmfd_of_load_line "$output" 1)" "$(vmfd_of_load_line "$output" 2)")"
	assert_times_at_least "$output" 0.1
	assert_slices_hold_quanta "$BATS_TEST_TMPDIR/trace.csv" 100000000
	assert_median_slice_below "$BATS_TEST_TMPDIR/trace.csv" 100000000 50
	assert_error_pp "$stderr"
}

@test "matrix-b: the default quantum is one second of CPU (-n 3)" {
	require_kvm
	run_split ./matrix-b -n 3 --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	assert_equal "$(without_times "$output")" "$(expected_alternation "$output" 3)"
	assert_times_at_least "$output" 1
	assert_slices_hold_quanta "$BATS_TEST_TMPDIR/trace.csv" 1000000000
	assert_median_slice_below "$BATS_TEST_TMPDIR/trace.csv" 1000000000 50
	[[ "$stderr" == "matrix-b: stopped by --slices, slices 3, wall time "* ]]
	assert_error_pp "$stderr"
}

@test "matrix-b: stdout is flushed per line into a pipe" {
	require_kvm
	# Line-buffered, the first three lines reach head at once and the
	# next write (after one quantum) ends matrix-b; fully buffered, head
	# would wait for the whole 1000-second run and run_split's time limit
	# would end it (status 124).
	run_split bash -c './matrix-b -n 1000 | head -3'
	assert_equal "$status" 0
	vmfd=$(vmfd_of_load_line "$output" 1)
	assert_equal "${lines[2]}" "VMFD: $vmfd started running"
}
