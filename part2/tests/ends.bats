#!/usr/bin/env bats
# Every way a run ends (SPEC §4.6, §4.7): --seconds as a deadline, SIGINT
# and SIGTERM at every moment, a closed pipe, a write error.

load ../../tests/lib
load part2

# Output $1 is one VM (guest1.bin) loaded and one slice ended by a signal.
assert_one_interrupted_slice() {
	vmfd=$(vmfd_of_load_line "$1" 1)
	assert_equal "$1" "VMFD: $vmfd, Loaded Program with size: 5
VMFD: $vmfd started running
VMFD: $vmfd stopped running - exit reason: 10
VMFD: $vmfd KVM_EXIT_INTR"
}

# ---- signals during the run: summary, status 0 ---------------------------

@test "SIGINT during KVM_RUN: a guest that never exits, no timer (matrix-a): its one slice ends, summary, status 0" {
	require_kvm
	# guest1.bin never exits and matrix-a has no timer: only the signal
	# can end the one KVM_RUN this run makes.
	interrupt_after INT 'started running' ./matrix-a --vm guest1.bin
	assert_equal "$status" 0
	assert_one_interrupted_slice "$output"
	assert_equal "$(summary_head "$stderr")" "matrix-a: stopped by SIGINT, slices 1"
	assert_equal "$(summary_rows "$stderr" | awk '{ print $1, $4 }')" "$vmfd 1"
}

# Where creating the VMs takes over a second (an emulated KVM), a progress
# line comes before the summary: summary_head finds the summary's line.
@test "SIGINT (matrix-a, a VM exit every few microseconds): summary, status 0" {
	require_kvm
	interrupt_after INT 'started running' ./matrix-a
	assert_equal "$status" 0
	[[ "$(summary_head "$stderr")" == "matrix-a: stopped by SIGINT, slices "* ]]
	assert_equal "$(summary_rows "$stderr" | wc -l)" 2
}

@test "SIGTERM (matrix): summary, status 0" {
	require_kvm
	interrupt_after TERM 'started running' ./matrix --quantum 10ms
	assert_equal "$status" 0
	[[ "$(summary_head "$stderr")" == "matrix: stopped by SIGTERM, slices "* ]]
	assert_equal "$(summary_rows "$stderr" | wc -l)" 2
}

# ---- signals during setup: gone within 1 s, summary, status 0 -----------

@test "a FIFO image is refused at once, without waiting for a writer" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	rejects "matrix-a: $BATS_TEST_TMPDIR/fifo: not a regular file" \
		./matrix-a --vm "$BATS_TEST_TMPDIR/fifo" --vm guest2-a.bin
	rejects "matrix: /dev/zero: not a regular file" ./matrix --vm /dev/zero
}

@test "SIGINT while the setup waits (a FIFO --trace without reader): gone within 1 s, summary, status 0" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	interrupt_stuck INT ./matrix-a --trace "$BATS_TEST_TMPDIR/fifo"
	assert_equal "$status" 0
	assert_equal "$output" ""
	assert_equal "$(summary_head "$stderr")" "matrix-a: stopped by SIGINT, slices 0"
	assert_equal "$(summary_rows "$stderr")" ""
}

@test "SIGTERM while the setup waits (a FIFO --trace without reader): gone within 1 s, summary, status 0" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	interrupt_stuck TERM ./matrix --trace "$BATS_TEST_TMPDIR/fifo"
	assert_equal "$status" 0
	assert_equal "$output" ""
	assert_equal "$(summary_head "$stderr")" "matrix: stopped by SIGTERM, slices 0"
}

# ---- --seconds is a deadline ---------------------------------------------
# Never before it; after it by less than a second even on a loaded or
# emulated host (measured: 1.36 s for --seconds 1 under TCG with a load
# of 15 on 2 cores). Without the deadline neither run would end.

@test "--seconds 1 with a guest that never exits and no timer (matrix-a): ends at 1 s" {
	require_kvm
	run_split ./matrix-a --vm guest1.bin --seconds 1
	assert_equal "$status" 0
	assert_one_interrupted_slice "$output"
	assert_equal "$(summary_head "$stderr")" "matrix-a: stopped by --seconds, slices 1"
	assert_near "$(summary_wall "$stderr")" 1.5 0.5
}

@test "--seconds 0.5 with a quantum of 5 s (matrix-b): ends at 0.5 s, in the first slice" {
	require_kvm
	run_split ./matrix-b --quantum 5s --seconds 0.5 -q
	assert_equal "$status" 0
	assert_equal "$(summary_head "$stderr")" "matrix-b: stopped by --seconds, slices 1"
	assert_near "$(summary_wall "$stderr")" 1.0 0.5
}

# ---- output that cannot be written (SPEC §4.7) ---------------------------

# Runs "$@ --trace FILE | head -3" with pipefail: status is the program's.
through_head_3() {
	trace=$BATS_TEST_TMPDIR/trace.csv
	run_split bash -c 'set -o pipefail; "$@" | head -3' _ "$@" --trace "$trace"
}

# The trace $1 has its header and one row per slice of summary stderr $2.
assert_trace_complete() {
	local slices
	slices=$(sed -n 's/.* stopped by .*, slices \([0-9]*\), wall time .*/\1/p' <<<"$2")
	[ "$slices" -ge 1 ]
	assert_equal "$(head -1 "$1")" "vm,start_ns,end_ns,cpu_ns"
	assert_equal "$(($(wc -l <"$1") - 1))" "$slices"
	assert_equal "$(summary_rows "$2" | awk '{ n += $4 } END { print n }')" "$slices"
}

@test "a closed pipe (matrix-a --trace F | head -3): quiet, status 0, the trace complete, the summary" {
	require_kvm
	through_head_3 ./matrix-a
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 3
	# no error line: the summary comes first
	[[ "${stderr_lines[0]}" == "matrix-a: stopped by a closed stdout, slices "* ]]
	assert_trace_complete "$trace" "$stderr"
}

@test "a closed pipe (matrix --quantum 10ms --trace F | head -3): quiet, status 0, the trace complete, the summary" {
	require_kvm
	through_head_3 ./matrix --quantum 10ms
	assert_equal "$status" 0
	[[ "${stderr_lines[0]}" == "matrix: stopped by a closed stdout, slices "* ]]
	assert_equal "$(summary_rows "$stderr" | wc -l)" 2
	assert_trace_complete "$trace" "$stderr"
}

@test "stdout to /dev/full: one stderr line naming the error, status 1, the trace closed" {
	require_kvm
	trace=$BATS_TEST_TMPDIR/trace.csv
	run_split bash -c './matrix-a -n 3 --trace "$1" >/dev/full' _ "$trace"
	assert_equal "$status" 1
	assert_equal "$stderr" "matrix-a: stdout: No space left on device"
	assert_equal "$(cat "$trace")" "vm,start_ns,end_ns,cpu_ns"
}

@test "--help to /dev/full: one stderr line, status 1" {
	run_split bash -c './matrix-b --help >/dev/full'
	assert_equal "$status" 1
	assert_equal "$stderr" "matrix-b: stdout: No space left on device"
}
