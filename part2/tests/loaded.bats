#!/usr/bin/env bats
# The timing tests' key assertions on a loaded host: a CPU hog pinned on
# every core this process may use, for the whole of each test (SPEC §4.6:
# "on a loaded host Neo still gets 70 % of the CPU time the VMs received").
# The quantum is the thread's CPU time, so a slice holds one quantum of CPU
# however little of the CPU the host gives the thread; what each assertion
# relies on is in part2.bash.

load ../../tests/lib
load part2

eval "part2_$(declare -f setup)"

# The CPUs this shell may run on (taskset's list, "0-3,6" and the like),
# one per line.
allowed_cpus() {
	taskset -pc $$ | sed 's/.*: //' | tr ',' '\n' |
		awk -F- '{ for (c = $1; c <= ($2 == "" ? $1 : $2); c++) print c }'
}

# One spinning shell pinned on each allowed CPU, each bounded by the test's
# time limit (so none outlives a killed test), their pids in a file.
setup() {
	part2_setup || return 1
	local cpu
	: > "$BATS_TEST_TMPDIR/hogs"
	for cpu in $(allowed_cpus); do
		timeout "$TEST_TIMEOUT" taskset -c "$cpu" sh -c 'while :; do :; done' \
			< /dev/null > /dev/null 2>&1 3>&- &
		echo $! >> "$BATS_TEST_TMPDIR/hogs"
	done
	[ "$(wc -l < "$BATS_TEST_TMPDIR/hogs")" -eq "$(allowed_cpus | wc -l)" ]
}

teardown() {
	local pid
	for pid in $(cat "$BATS_TEST_TMPDIR/hogs" 2>/dev/null); do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# The load is real: the VMs' thread got at most 80% of the wall time it
# spent in KVM_RUN (summary stderr $1: CPU_S and WALL_S of every row).
assert_host_loaded() {
	summary_rows "$1" | awk '{ cpu += $5; wall += $6 }
		END { printf "# CPU_S/WALL_S under the hogs: %.2f\n", cpu / wall > "/dev/stderr"
		      exit !(wall > 0 && cpu / wall <= 0.8) }'
}

@test "loaded: the hogs run, one per allowed CPU" {
	for pid in $(cat "$BATS_TEST_TMPDIR/hogs"); do
		kill -0 "$pid"
	done
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/hogs")" "$(allowed_cpus | wc -l)"
}

@test "loaded: matrix --quantum 200ms -n 30: N M N N M N N M N N, three blocks, the policy's order on what it measured" {
	require_kvm
	run_split ./matrix --quantum 200ms -n 30 --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	assert_host_loaded "$stderr"
	assert_order_is_the_policys "$BATS_TEST_TMPDIR/trace.csv" 200000000 7 3
	assert_equal "$(order_of "$output")" "$(trace_order "$BATS_TEST_TMPDIR/trace.csv" | tr -d '\n' | tr 01 NM)"
	assert_pattern_where_promised "$output" "$BATS_TEST_TMPDIR/trace.csv" 200000000
	assert_times_at_least "$output" 0.2
	assert_slices_hold_quanta "$BATS_TEST_TMPDIR/trace.csv" 200000000
	assert_error_within_lag_bound "$stderr" "$BATS_TEST_TMPDIR/trace.csv" 200000000
	assert_error_pp "$stderr"
}

@test "loaded: matrix-b --quantum 200ms -n 6: alternation, each slice holds a quantum of CPU, Time at least k quanta" {
	require_kvm
	run_split ./matrix-b --quantum 200ms -n 6 --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	assert_host_loaded "$stderr"
	neo=$(vmfd_of_load_line "$output" 1)
	morpheus=$(vmfd_of_load_line "$output" 2)
	expected=$(
		printf 'VMFD: %s, Loaded Program with size: 5\n' "$neo" "$morpheus"
		for i in 1 2 3; do preempted_slice "$neo"; preempted_slice "$morpheus"; done
	)
	assert_equal "$(without_times "$output")" "$expected"
	assert_times_at_least "$output" 0.2
	assert_slices_hold_quanta "$BATS_TEST_TMPDIR/trace.csv" 200000000
	assert_median_slice_below "$BATS_TEST_TMPDIR/trace.csv" 200000000 50
	assert_error_pp "$stderr"
}

@test "loaded: matrix --quantum 10ms -n 500: 70/30 of the CPU time, within the policy's bound" {
	require_kvm
	run_split ./matrix -q --quantum 10ms -n 500 --trace "$BATS_TEST_TMPDIR/trace.csv"
	assert_equal "$status" 0
	assert_host_loaded "$stderr"
	assert_equal "$(summary_rows "$stderr" | awk '{ n += $4 } END { print n }')" 500
	assert_order_is_the_policys "$BATS_TEST_TMPDIR/trace.csv" 10000000 7 3
	assert_error_within_lag_bound "$stderr" "$BATS_TEST_TMPDIR/trace.csv" 10000000
	assert_error_pp "$stderr"
}
