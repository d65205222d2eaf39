#!/usr/bin/env bats
# The scheduling policy of matrix (sched.c), unit-tested without KVM by
# unit/test-sched (built by `make test-programs`). Each case runs in a test
# of its own; the unit programs print `ok CASE` for a case that passed.

load ../../tests/lib
load part2

policy_case() {
	run unit/test-sched "$1"
	assert_equal "$output" "ok $1"
	assert_equal "$status" 0
}

@test "sched: the pick from each weight's heap is the pick of a scan of every VM" {
	policy_case pick-is-the-scan
}

@test "sched: equal slices at 7:3 give N M N N M N N M N N in every block of ten" {
	policy_case default-order
}

@test "sched: slices up to a 4 ms tick late on 1 s quanta: 50 blocks, every one N M N N M N N M N N" {
	policy_case default-blocks-tick-late
}

@test "sched: slices up to 2% late (a tick on 200 ms): three blocks N M N N M N N M N N" {
	policy_case default-blocks-short-quantum
}

@test "sched: at every block boundary the lags are a hair either side of zero: Neo begins each of 50 blocks" {
	policy_case default-boundary-either-side
}

@test "sched: while the drift from the pattern's lags stays under 0.04 quanta, every pick is the pattern's" {
	policy_case pattern-while-drift-small
}

@test "sched: the first block stays 7:3 under every +-5% jitter, Morpheus within four" {
	policy_case default-first-block-jitter-extremes
}

@test "sched: random +-5% jitter keeps the first five blocks 7:3" {
	policy_case default-blocks-jitter
}

@test "sched: no VM is ever a slice behind or ahead of its ideal" {
	policy_case lag-bound
}

@test "sched: slices of random length (late signals, short slices) give exact long-run shares" {
	policy_case long-run-share
}

@test "sched: weights 1 and 1000 together: one quantum in 1001" {
	policy_case weights-1-and-1000
}

@test "sched: a weight-1 VM among weight-1000 ones still runs" {
	policy_case light-vm-among-heavy-runs
}

@test "sched: a weight-1 VM added late among heavy ones still runs" {
	policy_case light-vm-added-late-runs
}

@test "sched: ties go to the lowest index: equal weights take turns" {
	policy_case equal-weights-take-turns
}

@test "sched: 5:3:2 over 600 late-signal slices: counts within 6 of 300, 180, 120" {
	policy_case three-vms-5-3-2
}

@test "sched-replay: the policy's picks for given charges (what the matrix tests compare with)" {
	run bash -c 'printf "%s\n" 1000000000 1000000000 1000000000 1000000000 1000000000 | unit/sched-replay 1000000000 7 3'
	assert_equal "$status" 0
	assert_equal "$(tr -d '\n' <<<"$output")" "01001"
	run unit/sched-replay 1000000000 7 0
	assert_equal "$status" 2
	assert_equal "$output" "sched-replay: '0': not a whole number from 1 to 1000000"
}

@test "sched: test-sched refuses an unknown case, and runs none" {
	run unit/test-sched pick-is-the-scan no-such-case
	assert_equal "$output" "test-sched: no case named 'no-such-case' (try --list)"
	assert_equal "$status" 2
}

@test "sched: every case of test-sched and test-charge has its test in this file" {
	for program in test-sched test-charge; do
		run unit/$program --list
		assert_equal "$status" 0
		[ "${#lines[@]}" -gt 0 ]
		for name in "${lines[@]}"; do
			grep -Eq "^[[:space:]]+(policy|charge)_case $name\$" "$BATS_TEST_FILENAME" ||
				{ echo "no test runs $program $name"; return 1; }
		done
	done
}

# test-charge: run_slice.c and sched.c as matrix.c joins them, over a fake
# KVM and a fake clock on a loaded host.
charge_case() {
	run unit/test-charge "$1"
	assert_equal "$output" "ok $1"
	assert_equal "$status" 0
}

@test "charge: sched receives the CPU time of each slice, not its wall time" {
	charge_case charges-cpu-time
}

@test "charge: on a loaded host Neo gets 70% of the CPU time, to half a point" {
	charge_case cpu-shares-exact-on-loaded-host
}

@test "charge: --charge-wall (for the bench) charges wall time" {
	charge_case charge-wall-gives-wall-time
}
