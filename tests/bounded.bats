# tests/lib.bash's bounded and run_split, without KVM: a command that hangs
# (a program, a shell function, a function's child) is killed after
# TEST_TIMEOUT seconds with all it started, and its test fails with the
# HUNG line, whatever it expects of $status. The tests that hang are in
# tests/fixtures/bounded.bats, run here by bats with TEST_TIMEOUT=2.
load lib

FIXTURE="$BATS_TEST_DIRNAME/fixtures/bounded.bats"

# fixture NAME: runs the fixture's test NAME with TEST_TIMEOUT=2; sets
# $output (its TAP lines) and $elapsed (seconds).
fixture() {
	local start=$SECONDS
	run_split env TEST_TIMEOUT=2 bats --tap -f "^$1\$" "$FIXTURE"
	elapsed=$((SECONDS - start))
	printf '%s\n' "$output" # shown when the test fails
}

# running COMMAND-LINE: some process runs exactly COMMAND-LINE (a zombie
# does not count).
running() {
	local cmdline stat
	for cmdline in /proc/[0-9]*/cmdline; do
		[ "$({ tr '\0' ' ' <"$cmdline"; } 2>/dev/null)" = "$1 " ] || continue
		stat=$({ cat "${cmdline%cmdline}stat"; } 2>/dev/null) || continue
		[[ "${stat##*) }" == Z* ]] || return 0
	done
	return 1
}

# assert_hung NAME COMMAND-TEXT: test NAME failed, with the HUNG line of
# COMMAND-TEXT, well before its sleep would have ended.
assert_hung() {
	assert_equal "${lines[0]}" "1..1"
	printf '%s\n' "$output" | grep -qx "not ok 1 $1"
	printf '%s\n' "$output" |
		grep -qx "# HUNG: '$2' did not end in 2 s and was killed"
	# 2 s, up to 5 s more to kill, and bats itself on a busy host.
	[ "$elapsed" -lt 60 ] || { echo "took $elapsed s"; return 1; }
}

@test "bounded: a program that hangs is killed after TEST_TIMEOUT, its test fails with the HUNG line" {
	fixture "a program that hangs"
	assert_hung "a program that hangs" "sleep 1001"
	! running "sleep 1001"
}

@test "bounded: a shell function that loops for ever is killed, its test fails with the HUNG line" {
	fixture "a shell function that loops for ever"
	assert_hung "a shell function that loops for ever" "spin"
}

@test "bounded: a shell function whose child hangs: both are killed, the test fails with the HUNG line" {
	fixture "a shell function whose child hangs"
	assert_hung "a shell function whose child hangs" "nap"
	! running "sleep 1003"
}

@test "bounded: on its own, a program that hangs fails the test (status 124)" {
	fixture "bounded on its own, a program that hangs"
	assert_hung "bounded on its own, a program that hangs" "sleep 1004"
	! running "sleep 1004"
}

@test "bounded: a function that ends in time keeps its status, stdin, stdout, stderr and the test's variables" {
	fixture "a function that ends in time: its status, stdin and the test's variables"
	assert_equal "$output" "1..1
ok 1 a function that ends in time: its status, stdin and the test's variables"
}

@test "bounded: a program that ends at once with status 124 is not a hang" {
	fixture "a program that ends at once with status 124 did not hang"
	assert_equal "$output" "1..1
ok 1 a program that ends at once with status 124 did not hang"
}
