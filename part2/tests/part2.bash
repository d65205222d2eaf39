# Helpers for the part2 bats files: `load part2` after `load ../../tests/lib`.


setup() {
	cd "$BATS_TEST_DIRNAME/.." || return 1
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
# "VMFD WEIGHT TARGET% SLICES GUEST_S ACHIEVED% ERROR_PP" rows only.
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
