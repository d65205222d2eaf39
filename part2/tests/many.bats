#!/usr/bin/env bats
# Any number of VMs (SPEC §4.6): a thousand and more, and one line with
# status 2, before any VM runs, past what the host allows.

load ../../tests/lib
load part2

@test "1024 VMs (matrix-a -n 1024): all start, each runs once, the summary lists them" {
	require_kvm
	run_split ./matrix-a -q -n 1024 $(printf -- '--vm guest1-a.bin %.0s' {1..1024})
	assert_equal "$status" 0
	assert_equal "$(grep -c '^VMFD: [0-9]*, Loaded Program with size: 7$' <<<"$output")" 1024
	assert_equal "$(sed 's/,.*//' <<<"$output" | sort -u | wc -l)" 1024
	assert_equal "$(summary_head "$stderr")" "matrix-a: stopped by --slices, slices 1024"
	rows=$(summary_rows "$stderr")
	assert_equal "$(wc -l <<<"$rows")" 1024
	# every row: its VMFD from the load lines, one slice
	assert_equal "$(awk '{ print $1 }' <<<"$rows")" \
		"$(sed 's/^VMFD: \([0-9]*\),.*/\1/' <<<"$output")"
	assert_equal "$(awk '$4 != 1' <<<"$rows")" ""
}

@test "ulimit -n 64 and 40 VMs: one line naming RLIMIT_NOFILE, status 2, no VM" {
	run_split bash -c 'ulimit -n 64 && exec ./matrix-a $(printf -- "--vm guest1-a.bin %.0s" {1..40})'
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" =~ ^matrix-a:\ 40\ VMs\ need\ [0-9]+\ open\ files,\ over\ RLIMIT_NOFILE\ \(64\):\ raise\ it ]]
}
