#!/usr/bin/env bats
# The summary table on stderr (part2/README.md, "The summary"): ERROR_PP is
# ACHIEVED% - TARGET% in every row, and what a share means for each program.

load ../../tests/lib
load part2

@test "summary: matrix-a -n 6: shares of the turns, 50/50 for a strict alternation, with the line that says so" {
	require_kvm
	run_split ./matrix-a -n 6
	assert_equal "$status" 0
	neo=$(vmfd_of_load_line "$output" 1)
	morpheus=$(vmfd_of_load_line "$output" 2)
	assert_equal "$(summary_rows "$stderr" | awk '{ print $1, $2, $3, $4, $7, $8 }')" \
		"$neo 1 50.00 3 50.00 +0.00
$morpheus 1 50.00 3 50.00 +0.00"
	# the line, once, just before the last one (the overhead)
	note="matrix-a: ACHIEVED% is each VM's share of the SLICES (turns): matrix-a takes a turn per exit, it does not divide time"
	assert_equal "$(grep -cxF "$note" <<<"$stderr")" 1
	assert_equal "$(tail -2 <<<"$stderr" | head -1)" "$note"
	[[ "$(tail -1 <<<"$stderr")" == "matrix-a: overhead: "* ]]
	assert_error_pp "$stderr"
}

@test "summary: matrix-a -n 5 with three VMs: 2/2/1 turns are 40/40/20 of the slices, ERROR_PP +6.67/+6.67/-13.33" {
	require_kvm
	run_split ./matrix-a -q -n 5 --vm guest1-a.bin --vm guest2-a.bin --vm guest1-a.bin
	assert_equal "$status" 0
	assert_equal "$(summary_rows "$stderr" | awk '{ print $3, $4, $7, $8 }')" \
		"33.33 2 40.00 +6.67
33.33 2 40.00 +6.67
33.33 1 20.00 -13.33"
	assert_error_pp "$stderr"
}

@test "summary: matrix-b and matrix share CPU time, and say nothing of turns" {
	require_kvm
	run_split ./matrix-b -q --quantum 10ms -n 20
	assert_equal "$status" 0
	assert_error_pp "$stderr"
	assert_equal "$(grep -c 'share of the SLICES' <<<"$stderr")" 0
	# ACHIEVED% is the row's CPU_S over all CPU_S
	summary_rows "$stderr" | awk '{ cpu[NR] = $5; ach[NR] = $7; all += $5 }
		END { for (i = 1; i <= NR; i++) { d = 100 * cpu[i] / all - ach[i]
			if (d > 0.006 || d < -0.006) exit 1 } }'
	run_split ./matrix -q --quantum 10ms -n 50
	assert_equal "$status" 0
	assert_error_pp "$stderr"
	assert_equal "$(grep -c 'share of the SLICES' <<<"$stderr")" 0
}
