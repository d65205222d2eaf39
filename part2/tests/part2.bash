# Helpers for the part2 bats files: `load part2` after `load ../../tests/lib`.


setup() {
	cd "$BATS_TEST_DIRNAME/.." || return 1
}

# part2/expected/$1 (see its README) for a run whose two VMs got VMFDs $2
# and $3: the file holds 4 and 6, what a program started from a shell gets.
expected_output() {
	sed -e 's/^VMFD: 4\([ ,]\)/VMFD: @first@\1/' -e 's/^VMFD: 6\([ ,]\)/VMFD: @second@\1/' \
		-e "s/@first@/$2/" -e "s/@second@/$3/" "$BATS_TEST_DIRNAME/../expected/$1"
}

# The VMFD that the load line number $2 (1, 2, ...) of output $1 shows.
vmfd_of_load_line() {
	sed -n "$2s/^VMFD: \([0-9]*\), Loaded Program with size: [0-9]*$/\1/p" <<<"$1"
}

# Runs a program that must refuse its input before any VM starts: status 2,
# nothing on stdout (no "Loaded Program" line), and on stderr exactly the
# one line $1.
rejects() {
	local message=$1
	shift
	run_split "$@"
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "$stderr" "$message"
}

# The lines of the summary table in stderr $1, without the program's name:
# "VMFD WEIGHT TARGET% SLICES CPU_S WALL_S ACHIEVED% ERROR_PP" rows only.
summary_rows() {
	sed -n 's/^[a-z-]*: *\([0-9][0-9]* .*\)$/\1/p' <<<"$1"
}

# Fails unless |$1 - $2| <= $3 (decimal numbers).
assert_near() {
	if ! awk -v a="$1" -v b="$2" -v tol="$3" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= tol) }'; then
		echo "expected $2 (within $3), got $1" >&2
		return 1
	fi
}

# The "Time: T" values of output $1, one per line.
times_of() {
	sed -n 's/^Time: //p' <<<"$1"
}

# Output $1 with every well-formed Time line ("%f") turned into "Time: T".
without_times() {
	sed 's/^Time: [0-9][0-9]*\.[0-9]\{6\}$/Time: T/' <<<"$1"
}

# The lines of a preempted slice of VMFD $1, with its Time as "T".
preempted_slice() {
	printf 'VMFD: %s started running\nTime: T\n' "$1"
	printf 'VMFD: %s stopped running - exit reason: 10\n' "$1"
	printf 'VMFD: %s KVM_EXIT_INTR\n' "$1"
}

# Every Time in output $1 is one quantum ($2 seconds) after the previous
# one (the first one after 0), within 30%.
assert_times_step() {
	local previous=0 t
	for t in $(times_of "$1"); do
		assert_near "$(awk -v a="$t" -v b="$previous" 'BEGIN { print a - b }')" \
			"$2" "$(awk -v q="$2" 'BEGIN { print q * 0.3 }')"
		previous=$t
	done
}

# Starts the program "$@" in the background (bounded), stdout and stderr in
# files, waits until stdout has a line matching $2 (up to TEST_TIMEOUT s),
# sends signal $1, waits for the end (bounded), and sets status, output
# (stdout) and stderr.
interrupt_after() {
	local signal=$1 ready=$2 i
	shift 2
	bounded_start "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	for ((i = 0; i < TEST_TIMEOUT * 10; i++)); do
		grep -q "$ready" "$BATS_TEST_TMPDIR/out" && break
		kill -0 "$bounded_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "$ready" "$BATS_TEST_TMPDIR/out"; then
		bounded_kill
		echo "'$*' printed no line matching '$ready'; stderr:" >&2
		cat "$BATS_TEST_TMPDIR/err" >&2
		return 1
	fi
	sleep 0.2
	kill "-$signal" "$bounded_pid"
	status=0
	bounded_wait || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
	[ "$status" -ne 124 ] # a hang fails the test
}

# Starts the program "$@" in the background (bounded), sends signal $1
# after 0.3 s, and fails unless the process is gone within one more
# second; then sets status, output (stdout) and stderr. For a program
# stuck in its setup.
interrupt_stuck() {
	local signal=$1 i
	shift
	bounded_start "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	sleep 0.3
	kill -0 "$bounded_pid" # still there: stuck, as the test wants
	kill "-$signal" "$bounded_pid"
	for ((i = 0; i < 20; i++)); do
		kill -0 "$bounded_pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$bounded_pid" 2>/dev/null; then
		bounded_kill
		echo "still running 1 s after SIG$signal" >&2
		return 1
	fi
	status=0
	bounded_wait || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/out")
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
}

# The first line of summary stderr $1, up to "wall time".
summary_head() {
	sed -n '/ stopped by /{s/, wall time .*//p;q}' <<<"$1"
}

# The wall time of summary stderr $1, in seconds.
summary_wall() {
	sed -n '/ stopped by /{s/.*, wall time \([0-9.]*\) s$/\1/p;q}' <<<"$1"
}
