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

# bounded COMMAND...: runs COMMAND (a program, or a shell function with
# the test's variables and functions) for at most TEST_TIMEOUT seconds.
# One that hangs is killed with every process it started (TERM, then KILL
# 5 s later), the line "HUNG: 'COMMAND' did not end in N s and was killed"
# goes to stderr and to the test's output, and the status is 124.
# Otherwise the status is COMMAND's.
bounded() {
	local status=0 start=$SECONDS timed_out=no
	case $(type -t "$1") in
	function | builtin)
		bounded_shell "$@" || status=$?
		;;
	*)
		# timeout(1) puts COMMAND in a process group of its own and
		# signals the whole group: the program and all its children.
		timeout -k 5 "$TEST_TIMEOUT" "$@" || status=$?
		if { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } &&
			[ $((SECONDS - start)) -ge "$TEST_TIMEOUT" ]; then
			timed_out=yes
		fi
		;;
	esac
	if [ "$timed_out" = yes ]; then
		bounded_hung "$*"
		status=124
	fi
	return "$status"
}

# bounded_shell COMMAND...: bounded's way for a shell function: it runs in
# a subshell (which sees everything the test defined), watched by a second
# one that kills its process tree when time is up; then sets timed_out=yes.
bounded_shell() {
	local status=0 worker watcher fired
	fired=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/bounded.XXXXXX")
	rm -f "$fired"
	# An explicit <&0: a background job would get /dev/null as stdin.
	( "$@" ) <&0 &
	worker=$!
	# The watcher holds none of the test's files open (bats waits for
	# fd 3, `run` for stdout, until every process has closed them).
	bounded_watch "$worker" "$fired" </dev/null >/dev/null 2>&1 3>&- &
	watcher=$!
	wait "$worker" || status=$?
	if [ -e "$fired" ]; then
		wait "$watcher" || true # until the worker's tree is gone
		rm -f "$fired"
		timed_out=yes
	else
		kill "$watcher" 2>/dev/null || true
		wait "$watcher" 2>/dev/null || true
	fi
	return "$status"
}

# bounded_watch PID FILE: after TEST_TIMEOUT s, creates FILE and ends PID
# and every process under it: TERM, then KILL to those left after 5 s.
bounded_watch() {
	local pid=$1 fired=$2 sleeper="" tree i
	# Not bats' errexit and traps: a signal to a process already gone
	# must not stop the watcher.
	set +eET
	trap - ERR DEBUG
	trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' TERM
	sleep "$TEST_TIMEOUT" &
	sleeper=$!
	wait "$sleeper"
	trap - TERM
	: >"$fired"
	tree=$(process_tree "$pid")
	# shellcheck disable=SC2086
	kill -TERM $tree 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		# shellcheck disable=SC2086
		kill -0 $tree 2>/dev/null || return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $tree 2>/dev/null
	return 0
}

# process_tree PID: PID and every process under it, from /proc.
process_tree() {
	local -A children=()
	local stat line fields pid
	for stat in /proc/[0-9]*/stat; do
		{ read -r line <"$stat"; } 2>/dev/null || continue
		pid=${line%% *}
		# After "PID (COMM) ": state, parent; COMM may hold spaces.
		read -r -a fields <<<"${line##*) }"
		children[${fields[1]}]+=" $pid"
	done
	local queue=("$1") tree=()
	while [ ${#queue[@]} -gt 0 ]; do
		pid=${queue[0]}
		queue=("${queue[@]:1}")
		tree+=("$pid")
		# shellcheck disable=SC2206
		queue+=(${children[$pid]-})
	done
	echo "${tree[*]}"
}

# bounded_start COMMAND...: starts the program COMMAND in the background,
# under the same limit as bounded. $bounded_pid is the process to signal
# (timeout(1): it passes SIGINT, SIGTERM, SIGHUP and SIGQUIT on to COMMAND,
# then gives it 5 s to end) and to wait for with bounded_wait.
bounded_start() {
	bounded_command="$*"
	bounded_started=$SECONDS
	# fd 3 closed: bats would wait for a process that holds it.
	timeout -k 5 "$TEST_TIMEOUT" "$@" 3>&- &
	bounded_pid=$!
}

# bounded_wait: waits for the program of bounded_start; its status, or 124
# and the HUNG line when it was still running after TEST_TIMEOUT s.
bounded_wait() {
	local status=0
	wait "$bounded_pid" || status=$?
	if { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } &&
		[ $((SECONDS - bounded_started)) -ge "$TEST_TIMEOUT" ]; then
		bounded_hung "$bounded_command"
		status=124
	fi
	return "$status"
}

# bounded_kill: ends the program of bounded_start at once (SIGKILL to
# timeout's process group: timeout cannot pass SIGKILL on), and reaps it.
bounded_kill() {
	kill -KILL -- "-$bounded_pid" 2>/dev/null || kill -KILL "$bounded_pid" 2>/dev/null || true
	wait "$bounded_pid" 2>/dev/null || true
}

# bounded_hung COMMAND-TEXT: the HUNG line, on stderr and in the test's
# output, and a mark that run_split turns into the test's failure.
bounded_hung() {
	local line="HUNG: '$1' did not end in $TEST_TIMEOUT s and was killed"
	echo "$line" >&2
	{ echo "# $line" >&3; } 2>/dev/null || true
	echo "$line" >>"${BATS_TEST_TMPDIR:-/tmp}/bounded.hung"
}

# run_split COMMAND...: bats' `run` of `bounded COMMAND...`, with stdout
# and stderr apart: $status, $output and $lines hold stdout, $stderr and
# $stderr_lines hold stderr (what `run --separate-stderr` does in bats 1.5
# and later). A COMMAND that hung fails the test, with its HUNG line.
run_split() {
	local errfile="$BATS_TEST_TMPDIR/run_split.stderr"
	run stderr_into "$errfile" bounded "$@"
	stderr=$(cat "$errfile")
	stderr_lines=()
	[ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
	rm -f "$errfile"
	# Whatever the test expects of $status (a hang's is 124), it fails.
	if [ -e "$BATS_TEST_TMPDIR/bounded.hung" ]; then
		cat "$BATS_TEST_TMPDIR/bounded.hung" >&2
		rm -f "$BATS_TEST_TMPDIR/bounded.hung"
		return 1
	fi
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
