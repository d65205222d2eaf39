#!/usr/bin/env bats
# The options of SPEC §4.6: bad input, help, -q, --trace. (Signals and
# the other ways a run ends: ends.bats.)

load ../../tests/lib
load part2

# ---- bad input: one stderr line, status 2, no VM started -----------------

@test "bad input: unknown options" {
	rejects "matrix: unknown option '--bogus' (see --help)" ./matrix --bogus
	rejects "matrix: unknown option '--bogus' (see --help)" ./matrix --bogus=3
	rejects "matrix-b: unknown option '-x' (see --help)" ./matrix-b -x
	rejects "matrix-a: unknown option '--quantum' (see --help)" ./matrix-a --quantum 10ms
	rejects "matrix-a: unknown option '--quantum' (see --help)" ./matrix-a --quantum
}

@test "bad input: a missing value, a stray argument" {
	rejects "matrix: option '--slices' needs a value" ./matrix --slices
	rejects "matrix-a: option '-n' needs a value" ./matrix-a -n
	rejects "matrix-b: option '--trace' needs a value" ./matrix-b --trace
	rejects "matrix: unexpected argument 'guest1.bin' (see --help)" ./matrix guest1.bin
}

@test "bad input: --slices and --seconds" {
	rejects "matrix-a: --slices '0': not a whole number above 0" ./matrix-a -n 0
	rejects "matrix: --slices 'ten': not a whole number above 0" ./matrix --slices ten
	rejects "matrix: --slices '-3': not a whole number above 0" ./matrix --slices=-3
	rejects "matrix: --slices '2.5': not a whole number above 0" ./matrix -n 2.5
	rejects "matrix-b: --seconds '0': not a number of seconds above 0" ./matrix-b --seconds 0
	rejects "matrix: --seconds '3s': not a number of seconds above 0" ./matrix --seconds 3s
}

@test "bad input: malformed or zero --quantum" {
	rejects "matrix: --quantum '10': not a duration like 1s, 10ms or 500us" ./matrix --quantum 10
	rejects "matrix: --quantum '1 s': not a duration like 1s, 10ms or 500us" ./matrix --quantum '1 s'
	rejects "matrix: --quantum '.5s': not a duration like 1s, 10ms or 500us" ./matrix --quantum .5s
	rejects "matrix: --quantum '10xs': not a duration like 1s, 10ms or 500us" ./matrix --quantum 10xs
	rejects "matrix: --quantum '': not a duration like 1s, 10ms or 500us" ./matrix --quantum ''
	rejects "matrix-b: --quantum '0ms': must be from 100us to 3600s" ./matrix-b --quantum 0ms
	rejects "matrix: --quantum '0s': must be from 100us to 3600s" ./matrix --quantum 0s
	rejects "matrix: --quantum '99us': must be from 100us to 3600s" ./matrix --quantum 99us
	rejects "matrix: --quantum '3601s': must be from 100us to 3600s" ./matrix --quantum 3601s
}

@test "bad input: weights" {
	rejects "matrix: --vm 'guest1.bin:0': the weight must be a whole number from 1 to 1000000" \
		./matrix --vm guest1.bin:0
	rejects "matrix: --vm 'guest1.bin:1000001': the weight must be a whole number from 1 to 1000000" \
		./matrix --vm guest1.bin:1000001
	rejects "matrix: --vm 'guest1.bin:': the weight must be a whole number from 1 to 1000000" \
		./matrix --vm guest1.bin:
	rejects "matrix: --vm 'guest1.bin:x': the weight must be a whole number from 1 to 1000000" \
		./matrix --vm guest1.bin:x
	rejects "matrix: --vm ':3': no image" ./matrix --vm :3
	rejects "matrix-a: --vm 'guest1-a.bin:2': only matrix takes a weight" ./matrix-a --vm guest1-a.bin:2
	rejects "matrix-b: --vm 'guest1-b.bin:2': only matrix takes a weight" ./matrix-b --vm guest1-b.bin:2
}

@test "bad input: missing, unreadable, empty and too large images" {
	: >"$BATS_TEST_TMPDIR/empty.bin"
	head -c 1048577 /dev/zero >"$BATS_TEST_TMPDIR/big.bin"
	rejects "matrix: nosuch.bin: No such file or directory" ./matrix --vm guest1.bin --vm nosuch.bin
	rejects "matrix-a: nosuch.bin: No such file or directory" ./matrix-a --vm nosuch.bin
	rejects "matrix-b: $BATS_TEST_TMPDIR: Is a directory" ./matrix-b --vm "$BATS_TEST_TMPDIR"
	rejects "matrix: $BATS_TEST_TMPDIR/empty.bin: empty image" ./matrix --vm "$BATS_TEST_TMPDIR/empty.bin"
	rejects "matrix: $BATS_TEST_TMPDIR/big.bin: image larger than the VM's 1 MiB of RAM" \
		./matrix --vm guest1.bin --vm "$BATS_TEST_TMPDIR/big.bin"
}

@test "bad input: a trace file that cannot be written" {
	rejects "matrix: /nonexistent/trace.csv: No such file or directory" \
		./matrix --trace /nonexistent/trace.csv
}

@test "bad input: a missing default guest names the path it looked for" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp matrix "$BATS_TEST_TMPDIR/bin/"
	rejects "matrix: $BATS_TEST_TMPDIR/bin/guest1.bin: No such file or directory" \
		"$BATS_TEST_TMPDIR/bin/matrix"
}

# ---- options that work ---------------------------------------------------

@test "--help: usage on stdout, status 0, only the options that apply" {
	run_split ./matrix --help
	assert_equal "$status" 0
	assert_equal "${lines[0]}" "Usage: matrix [OPTION]..."
	[[ "$output" == *"--quantum DURATION"* && "$output" == *"--vm IMAGE[:WEIGHT]"* ]]
	run_split ./matrix-a -h
	assert_equal "$status" 0
	assert_equal "${lines[0]}" "Usage: matrix-a [OPTION]..."
	[[ "$output" != *"--quantum"* && "$output" == *"--vm IMAGE "* ]]
}

@test "-q: only the load lines on stdout; the summary still on stderr" {
	require_kvm
	run_split ./matrix-b -q --quantum 1ms -n 20
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 2
	assert_equal "$(sed -n 2p <<<"$stderr")" \
		"matrix-b:   VMFD  WEIGHT  TARGET%   SLICES       CPU_S      WALL_S  ACHIEVED%  ERROR_PP"
	[[ "$(tail -1 <<<"$stderr")" == "matrix-b: overhead: "*"% of the wall time was outside KVM_RUN ("* ]]
}

@test "--trace: a header, then one row per slice, as run and as summed up" {
	require_kvm
	trace=$BATS_TEST_TMPDIR/trace.csv
	run_split ./matrix --quantum 1ms -n 30 --trace "$trace"
	assert_equal "$status" 0
	assert_equal "$(head -1 "$trace")" "vm,start_ns,end_ns,cpu_ns"
	# the rows name the VMs in the order stdout shows them running
	assert_equal "$(tail -n +2 "$trace" | cut -d, -f1)" \
		"$(sed -n 's/^VMFD: \([0-9]*\) started running$/\1/p' <<<"$output")"
	# every slice ends after it starts, and starts after the previous one
	# ended; its CPU time is no more than its wall time
	tail -n +2 "$trace" | awk -F, '$2 >= $3 || $2 < end || $4 > $3 - $2 { exit 1 } { end = $3 }'
	# each VM's slices add up to its CPU_S and WALL_S in the summary
	assert_equal "$(summary_rows "$stderr" | wc -l)" 2
	while read -r vmfd _ _ _ cpu_s wall_s _; do
		assert_near "$(awk -F, -v vm="$vmfd" '$1 == vm { ns += $4 } END { printf "%.6f", ns / 1e9 }' "$trace")" \
			"$cpu_s" 0.000002
		assert_near "$(awk -F, -v vm="$vmfd" '$1 == vm { ns += $3 - $2 } END { printf "%.6f", ns / 1e9 }' "$trace")" \
			"$wall_s" 0.000002
	done <<<"$(summary_rows "$stderr")"
}
