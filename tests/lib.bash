# Helpers loaded by every bats file: `load ../../tests/lib`.
# Written for bats 1.2.1 (Debian 11, Ubuntu 20.04 and 22.04) and later: no
# `run --separate-stderr`, `run -N` or `bats_require_minimum_version`.

# bats 1.4 added per-test and per-file scratch folders; older bats gets them
# here, under the folder tests/run makes and removes (or bats' own tmpdir).
if [ -z "${BATS_TEST_TMPDIR:-}" ]; then
	BATS_TEST_TMPDIR=$(mktemp -d "${TESTS_SCRATCH:-${BATS_TMPDIR:-/tmp}}/test.XXXXXX")
fi
if [ -z "${BATS_FILE_TMPDIR:-}" ]; then
	BATS_FILE_TMPDIR="${TESTS_SCRATCH:-${BATS_TMPDIR:-/tmp}}/file.$(basename "$BATS_TEST_FILENAME")"
	mkdir -p "$BATS_FILE_TMPDIR"
fi

# KVM tests run real VMs. Without a usable /dev/kvm they are skipped, loudly:
# the runner prints the reason once more in its closing lines.
require_kvm() {
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		skip "KVM TEST SKIPPED: /dev/kvm is missing or not read-writable"
	fi
}

# Nothing a test runs may hang: every VM run gets TEST_TIMEOUT seconds
# (default 60; the emulated hosts of tests/emulated/ set a longer one, as
# their KVM runs 10-50 times slower).
TEST_TIMEOUT=${TEST_TIMEOUT:-60}

# bounded COMMAND...: runs COMMAND (a program or a shell function) for at
# most TEST_TIMEOUT seconds. One that hangs is killed, the test's output
# gets a line saying what hung, and the status is timeout's (124, or 137
# when it had to be killed).
bounded() {
	local status=0
	if [ "$(type -t "$1")" = function ]; then
		export -f "$1"
		export BATS_TEST_TMPDIR
		timeout -k 5 "$TEST_TIMEOUT" bash -c '"$@"' bounded "$@" || status=$?
	else
		timeout -k 5 "$TEST_TIMEOUT" "$@" || status=$?
	fi
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "HUNG: '$*' did not end in $TEST_TIMEOUT s and was killed" >&2
		{ echo "# HUNG: '$*' did not end in $TEST_TIMEOUT s and was killed" >&3; } 2>/dev/null || true
	fi
	return "$status"
}

# run_split COMMAND...: bats' `run` (bounded), with stdout and stderr apart: $status,
# $output and $lines hold stdout, $stderr and $stderr_lines hold stderr
# (what `run --separate-stderr` does in bats 1.5 and later).
run_split() {
	local errfile="$BATS_TEST_TMPDIR/run_split.stderr"
	run stderr_into "$errfile" bounded "$@"
	stderr=$(cat "$errfile")
	stderr_lines=()
	[ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
	rm -f "$errfile"
}

stderr_into() { # FILE COMMAND...
	local file=$1
	shift
	"$@" 2>"$file"
}

# Fail with the differing lines when "$1" (actual) is not "$2" (expected).
assert_equal() {
	if [ "$1" != "$2" ]; then
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/# /' >&3 || true
		printf 'expected: %s\nactual:   %s\n' "$2" "$1" >&2
		return 1
	fi
}
