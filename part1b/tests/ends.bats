# How a run of simple-kvm ends when stdout cannot be written (SPEC §4.7):
# a write error stops it at once with one stderr line and status 1; a
# reader that closed the pipe ends it quietly, killed by SIGPIPE (141).
# Either way --stats still prints its table, counting the exits that ran.
load common

# The --stats table after N exits, all of them I/O ones.
stats_after_io_exits() {
	printf 'simple-kvm: %d exits by reason:\n' "$1"
	[ "$1" -eq 0 ] || printf '  %-24s %12d\n' KVM_EXIT_IO "$1"
	printf 'simple-kvm: KVM_EXIT_IO by port:\n'
	shift
	for port_count in "$@"; do
		printf '  port 0x%04x %-3s          %12d\n' ${port_count//:/ }
	done
}

# A pipe whose reader is gone before simple-kvm starts: the fd of a FIFO
# opened for writing after its only reader was closed. Writes to it fail
# with EPIPE at once, with no race against a `head` that has not exited.
with_closed_pipe() {
	local fifo
	fifo=$(mktemp -u "$BATS_TEST_TMPDIR/fifo.XXXXXX")
	mkfifo "$fifo"
	exec 5<>"$fifo" 6>"$fifo"
	exec 5<&-
	"$@" >&6
	local status=$?
	exec 6>&-
	return $status
}

@test "-h and --version into /dev/full: one stderr line, status 1" {
	for option in -h --version; do
		run_split sh -c 'exec "$0" "$1" > /dev/full' "$SKVM" "$option"
		assert_equal "$stderr" "simple-kvm: cannot write to stdout: No space left on device"
		assert_equal "$status" 1
	done
}

@test "stdout is /dev/full: one stderr line, status 1, and no guest exit ran" {
	require_kvm
	run_split sh -c 'exec "$0" > /dev/full' "$SKVM"
	assert_equal "$stderr" "simple-kvm: cannot write to stdout: No space left on device"
	assert_equal "$status" 1
	# --stats shows where it stopped: at the banner, before the first KVM_RUN.
	run_split sh -c 'exec "$0" --stats > /dev/full' "$SKVM"
	assert_equal "$stderr" "$(stats_after_io_exits 0
		echo "simple-kvm: cannot write to stdout: No space left on device")"
	assert_equal "$status" 1
}

# The first write the guest makes fails: 1024 bytes fit under `ulimit -f 1`
# (the banner and the start of the 64 KiB string), then EFBIG. The run
# stops at that exit, the second, not at the end of the guest.
@test "a write error in the middle of the guest's output stops the run at that exit" {
	require_kvm
	local out="$BATS_TEST_TMPDIR/out"
	run_split bash -c 'trap "" XFSZ; ulimit -f 1; exec "$0" --guest "$1" --stats > "$2"' \
		"$SKVM" "$GUESTS/printstr_64k.elf" "$out"
	assert_equal "$stderr" "$(stats_after_io_exits 2 0xeb:in:1 0xec:out:1
		echo "simple-kvm: cannot write to stdout: File too large")"
	assert_equal "$status" 1
	assert_equal "$(wc -c < "$out")" 1024
	assert_equal "$(head -1 "$out")" "Testing 64-bit mode"
}

@test "a closed pipe: status 141 (SIGPIPE), nothing on stderr but --stats" {
	require_kvm
	run_split with_closed_pipe "$SKVM"
	assert_equal "$stderr" ""
	assert_equal "$status" 141
	run_split with_closed_pipe "$SKVM" --stats
	assert_equal "$stderr" "$(stats_after_io_exits 0)"
	assert_equal "$status" 141
}

@test "-h into a closed pipe: status 141, quiet" {
	run_split with_closed_pipe "$SKVM" -h
	assert_equal "$stderr" ""
	assert_equal "$status" 141
}
