#!/usr/bin/env bats
# matrix (SPEC §4.5): weighted, smooth, accounted from measured time.

load ../../tests/lib
load part2

# Every order assertion here holds on a loaded host: the quantum is the
# thread's CPU time, the order is checked against the policy on the slices
# matrix measured, and N M N N M N N M N N wherever the policy promises it
# (part2.bash: assert_pattern_where_promised). tests/../loaded.bats runs
# the same with a CPU hog on every core.

@test "matrix: ten default quanta are N M N N M N N M N N, each printed as in 2b" {
	require_kvm
	run_split ./matrix -n 10 --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	assert_order_is_the_policys "$BATS_TEST_TMPDIR/trace.csv" 1000000000 7 3
	assert_equal "$(order_of "$output")" "$(trace_order "$BATS_TEST_TMPDIR/trace.csv" | tr -d '\n' | tr 01 NM)"
	assert_pattern_where_promised "$output" "$BATS_TEST_TMPDIR/trace.csv" 1000000000
	neo=$(vmfd_of_load_line "$output" 1)
	morpheus=$(vmfd_of_load_line "$output" 2)
	expected=$(
		printf 'VMFD: %s, Loaded Program with size: 5\n' "$neo" "$morpheus"
		for who in $(order_of "$output" | sed 's/./& /g'); do
			if [ "$who" = N ]; then preempted_slice "$neo"; else preempted_slice "$morpheus"; fi
		done
	)
	assert_equal "$(without_times "$output")" "$expected"
	assert_times_at_least "$output" 1
	assert_slices_hold_quanta "$BATS_TEST_TMPDIR/trace.csv" 1000000000
	assert_equal "$(summary_rows "$stderr" | awk '{ print $1, $2, $3 }')" \
		"$neo 7 70.00
$morpheus 3 30.00"
	assert_equal "$(summary_rows "$stderr" | awk '{ n += $4 } END { print n }')" 10
	assert_error_pp "$stderr"
}

@test "matrix: --quantum 10ms -n 500: measured shares of 70/30, within the policy's bound" {
	require_kvm
	run_split ./matrix --quantum 10ms -n 500 -q --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 2   # -q: the load lines only
	rows=$(summary_rows "$stderr")
	assert_equal "$(awk '{ n += $4 } END { print n }' <<<"$rows")" 500
	assert_equal "$(awk '{ print $2, $3 }' <<<"$rows")" "7 70.00
3 30.00"
	assert_error_within_lag_bound "$stderr" "$BATS_TEST_TMPDIR/trace.csv" 10000000
	assert_order_is_the_policys "$BATS_TEST_TMPDIR/trace.csv" 10000000 7 3
	assert_error_pp "$stderr"
}

@test "matrix: three VMs weighted 5:3:2 over 600 slices: within the policy's bound" {
	require_kvm
	run_split ./matrix --quantum 10ms -n 600 -q --trace "$BATS_TEST_TMPDIR/trace.csv" \
		--vm guest1.bin:5 --vm guest2.bin:3 --vm guest1.bin:2
	assert_equal "$status" 0
	rows=$(summary_rows "$stderr")
	assert_equal "$(awk '{ print $2, $3 }' <<<"$rows")" "5 50.00
3 30.00
2 20.00"
	assert_error_within_lag_bound "$stderr" "$BATS_TEST_TMPDIR/trace.csv" 10000000
	assert_order_is_the_policys "$BATS_TEST_TMPDIR/trace.csv" 10000000 5 3 2
	assert_error_pp "$stderr"
}
