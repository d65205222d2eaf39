#!/usr/bin/env bats
# matrix (SPEC §4.5): weighted, smooth, accounted from measured time.

load ../../tests/lib
load part2

# The VMFDs of the "started running" lines of output $1, as N and M for the
# VMFDs of load lines 1 and 2, on one line.
order_of() {
	local neo morpheus
	neo=$(vmfd_of_load_line "$1" 1)
	morpheus=$(vmfd_of_load_line "$1" 2)
	sed -n 's/^VMFD: \([0-9]*\) started running$/\1/p' <<<"$1" |
		sed "s/^$neo\$/N/; s/^$morpheus\$/M/" | tr -d '\n'
}

@test "matrix: ten default quanta are N M N N M N N M N N, each printed as in 2b" {
	require_kvm
	run_split ./matrix -n 10
	assert_equal "$status" 0
	assert_equal "$(order_of "$output")" "NMNNMNNMNN"
	neo=$(vmfd_of_load_line "$output" 1)
	morpheus=$(vmfd_of_load_line "$output" 2)
	assert_equal "$(without_times "$output")" "$(expected_output matrix.out "$neo" "$morpheus")"
	assert_times_step "$output" 1
	assert_equal "$(summary_rows "$stderr" | awk '{ print $1, $2, $3, $4 }')" \
		"$neo 7 70.00 7
$morpheus 3 30.00 3"
}

@test "matrix: --quantum 10ms -n 500: measured shares within 1 point of 70/30" {
	require_kvm
	run_split ./matrix --quantum 10ms -n 500 -q
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 2   # -q: the load lines only
	rows=$(summary_rows "$stderr")
	assert_equal "$(awk '{ n += $4 } END { print n }' <<<"$rows")" 500
	assert_equal "$(awk '{ print $2, $3 }' <<<"$rows")" "7 70.00
3 30.00"
	assert_near "$(awk 'NR == 1 { print $7 }' <<<"$rows")" 70 1
	assert_near "$(awk 'NR == 2 { print $7 }' <<<"$rows")" 30 1
}

@test "matrix: three VMs weighted 5:3:2 over 600 slices: within 1.5 points" {
	require_kvm
	run_split ./matrix --quantum 10ms -n 600 -q \
		--vm guest1.bin:5 --vm guest2.bin:3 --vm guest1.bin:2
	assert_equal "$status" 0
	rows=$(summary_rows "$stderr")
	assert_equal "$(awk '{ print $2, $3 }' <<<"$rows")" "5 50.00
3 30.00
2 20.00"
	assert_near "$(awk 'NR == 1 { print $7 }' <<<"$rows")" 50 1.5
	assert_near "$(awk 'NR == 2 { print $7 }' <<<"$rows")" 30 1.5
	assert_near "$(awk 'NR == 3 { print $7 }' <<<"$rows")" 20 1.5
}
