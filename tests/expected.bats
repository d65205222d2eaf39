# The expected outputs graders diff against, part1b/expected/ and
# part2/expected/: every file has its command in the folder's README, and
# each command, as the README writes it, run from the top of the
# repository the way a grader runs it from a shell, finds no difference.
load lib

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"

# The diff commands of $1/expected/README.md, one per line.
diff_commands() {
	grep -F "| diff $1/expected/" "$TOP/$1/expected/README.md"
}

# Every .out file of $1/expected/ is the file of a command, and every file
# a command names exists.
assert_every_file_has_a_command() {
	local file named
	for file in "$TOP/$1"/expected/*.out; do
		named="$1/expected/$(basename "$file")"
		diff_commands "$1" | grep -qF "| diff $named -" ||
			{ echo "no command for $named" >&2; return 1; }
	done
	for named in $(diff_commands "$1" | sed 's/.*| diff \([^ ]*\) -$/\1/'); do
		[ -f "$TOP/$named" ] || { echo "$named is missing" >&2; return 1; }
	done
}

# Runs each command of $1/expected/README.md (with $2, those that start
# with program $1/$2) from the top, in a shell with only stdin, stdout and
# stderr open (as a grader's: the VMFDs depend on it): each must print
# nothing and exit 0.
assert_commands_find_no_difference() {
	local command ran=0 program=${2:+$1/$2 }
	while IFS= read -r command; do
		run_split bash -o pipefail -c '
			cd "$1" || exit 1
			for fd in $(ls /proc/$$/fd); do
				[ "$fd" -le 2 ] || eval "exec $fd>&-"
			done
			eval "$2"' closing-fds "$TOP" "$command"
		[ "$status" -eq 0 ] && [ -z "$output" ] ||
			{ printf 'command: %s\nstatus %s\n%s\n' "$command" "$status" "$output" >&2; return 1; }
		ran=$((ran + 1))
	done < <(diff_commands "$1" | grep -F -- "$program")
	[ "$ran" -gt 0 ]
}

@test "expected outputs: every file of part1b/expected and part2/expected has its diff command" {
	assert_every_file_has_a_command part1b
	assert_every_file_has_a_command part2
}

@test "expected outputs: a wrong output shows in the diff (the commands can fail)" {
	command=$(diff_commands part1b | head -1)
	[[ "$command" == "part1b/simple-kvm -l |"* ]]
	cd "$TOP"
	run bash -o pipefail -c "printf 'Testing 64-bit mode\n' | ${command#part1b/simple-kvm -l | }"
	[ "$status" -ne 0 ]
	[[ "$output" == *"> Testing 64-bit mode"* ]] || [[ "$output" == *"< Hello 695!"* ]]
}

@test "expected outputs: simple-kvm in every mode, and the example guest, as part1b/expected/README.md diffs them" {
	require_kvm
	assert_commands_find_no_difference part1b
}

@test "expected outputs: matrix-a, as part2/expected/README.md diffs it" {
	require_kvm
	assert_commands_find_no_difference part2 matrix-a
}

@test "expected outputs: matrix-b, as part2/expected/README.md diffs it" {
	require_kvm
	assert_commands_find_no_difference part2 matrix-b
}

@test "expected outputs: matrix, as part2/expected/README.md diffs it" {
	require_kvm
	assert_commands_find_no_difference part2 matrix
}
