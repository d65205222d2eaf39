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

# ---- timing that holds on a loaded host, and the summary's arithmetic ----

# Every summary row of stderr $1 has ERROR_PP = ACHIEVED% - TARGET% (to the
# 0.01 the printed values are rounded to), with its sign.
assert_error_pp() {
	local bad
	bad=$(summary_rows "$1" | awk '{ d = $8 - ($7 - $3); if (d < 0) d = -d
		if (d > 0.0101) print "VMFD " $1 ": ERROR_PP " $8 ", but ACHIEVED% - TARGET% = " $7 - $3 }')
	[ -z "$bad" ] || { echo "$bad" >&2; return 1; }
	[ -n "$(summary_rows "$1")" ] || { echo "no summary rows" >&2; return 1; }
}

# The k-th Time of output $1 is at least k quanta ($2 s): the quantum timer
# counts the thread's CPU time, and the wall clock runs at least as fast,
# however loaded the host is. (On an idle host each step is one quantum.)
assert_times_at_least() {
	local bad
	bad=$(times_of "$1" | awk -v q="$2" '{ k++; if ($1 < k * q - 0.0005) print "Time " k " is " $1 ", before " k * q }')
	[ -z "$bad" ] || { echo "$bad" >&2; return 1; }
	[ -n "$(times_of "$1")" ] || { echo "no Time lines" >&2; return 1; }
}

# Every slice of trace $1 held one quantum ($2 ns) of CPU time inside
# KVM_RUN: at least $3 % of it (the host thread's own work between slices
# also counts on its CPU clock), and at most one quantum and $4 % (the
# timer is checked at the kernel's tick, so it fires up to a tick late).
assert_slices_hold_cpu() {
	local bad
	bad=$(awk -F, -v q="$2" -v lo="$3" -v hi="$4" 'NR > 1 { n++
		if ($4 < q * lo / 100 || $4 > q * (100 + hi) / 100)
			print "slice " n " held " $4 " ns of CPU, not " q " (-" 100 - lo "%, +" hi "%)" }
		END { if (!n) print "no slices in the trace" }' "$1")
	[ -z "$bad" ] || { echo "$bad" >&2; return 1; }
}

# The order of the VMs in the "started running" lines of output $1, N for
# the VMFD of load line 1 and M for load line 2, on one line.
order_of() {
	local neo morpheus
	neo=$(vmfd_of_load_line "$1" 1)
	morpheus=$(vmfd_of_load_line "$1" 2)
	sed -n 's/^VMFD: \([0-9]*\) started running$/\1/p' <<<"$1" |
		sed "s/^$neo\$/N/; s/^$morpheus\$/M/" | tr -d '\n'
}

# The largest drift, in quanta ($2 ns), of Neo's lag from the lag the order
# N M N N M N N M N N has, over every prefix of the slices of trace $1 (their
# cpu_ns, each given to the VM the pattern gives it; the last slice is not
# picked after, so it is left out). test-sched's pattern-while-drift-small
# checks that below 0.04 the policy keeps that order exactly, in any block.
pattern_drift() {
	awk -F, -v q="$2" 'BEGIN { split("N M N N M N N M N N", p, " ") }
		NR > 1 { c[++n] = $4 }
		END { for (k = 1; k < n; k++) {
			all += c[k]; if (p[(k - 1) % 10 + 1] == "N") { neo += c[k]; ns++ }
			d = 0.7 * all - neo - (0.7 * k - ns) * all / k
			if (d < 0) d = -d; if (d > max) max = d }
		      printf "%.4f\n", max / q }' "$1"
}

# The VMs of trace $1, in the order they ran, as their indices (0 for the
# first VM made, which has the lowest VMFD), one per line. Every VM must
# have run at least once.
trace_order() {
	local fds
	fds=$(awk -F, 'NR > 1 { print $1 }' "$1" | sort -un | tr '\n' ' ')
	awk -F, -v fds="$fds" 'BEGIN { n = split(fds, fd, " "); for (i = 1; i <= n; i++) index_of[fd[i]] = i - 1 }
		NR > 1 { print index_of[$1] }' "$1"
}

# Fails unless the VMs of trace $1 ran in the order the policy (sched-replay)
# picks for the charges of that trace ($2: the quantum in ns; then the
# weights): what matrix measured fixes what it does next, on any host.
assert_order_is_the_policys() {
	local trace=$1 quantum=$2
	shift 2
	assert_equal "$(trace_order "$trace" | tr -d '\n')" \
		"$(awk -F, 'NR > 1 { print $4 }' "$trace" | unit/sched-replay "$quantum" "$@" | tr -d '\n')"
}

# The slices of trace $1 held the CPU the quantum timer ($2 ns of the
# thread's CPU time) promises, however loaded the host: the k-th slice ends
# on a signal from the k-th expiry or a later one, so by then the thread
# has had k quanta of CPU, inside KVM_RUN or between slices. Its CPU time
# between slices is at most the wall time there, which the trace has.
assert_slices_hold_quanta() {
	local bad
	bad=$(awk -F, -v q="$2" 'NR > 1 { k++; cpu += $4; between += $2 - end; end = $3
		if (cpu + between < k * q) print "after slice " k ": " cpu + between " ns of CPU at most, under " k " quanta" }
		END { if (!k) print "no slices in the trace" }' "$1")
	[ -z "$bad" ] || { echo "$bad" >&2; return 1; }
}

# The median CPU time of a slice of trace $1 is at most $3 % over a quantum
# ($2 ns): together with assert_slices_hold_quanta (at least a quantum),
# what tells the quantum from a double one. The margin is wide because an
# emulated host's clocks jump (part2/README.md: a 1 s quantum measured
# 1.18 s in the median under svm-host on a busy machine).
assert_median_slice_below() {
	local median
	median=$(awk -F, 'NR > 1 { print $4 }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	awk -v m="$median" -v q="$2" -v p="$3" 'BEGIN { exit !(m <= q * (100 + p) / 100) }' ||
		{ echo "median slice $median ns of CPU, over $2 ns + $3 %" >&2; return 1; }
}

# The VMs ran N M N N M N N M N N, block after block, in output $1 (trace
# $2, quantum $3 ns) wherever the policy promises it: while the measured
# slices keep the drift of pattern_drift under 0.04 of a quantum. Beyond
# that (an emulated host whose clocks jump), the order is the policy's
# (assert_order_is_the_policys), and this says so on the test's output.
assert_pattern_where_promised() {
	local drift order blocks
	drift=$(pattern_drift "$2" "$3")
	order=$(order_of "$1")
	blocks=$(printf 'NMNNMNNMNN%.0s' $(seq $((${#order} / 10 + 1))))
	if awk -v d="$drift" 'BEGIN { exit !(d < 0.04) }'; then
		assert_equal "$order" "${blocks:0:${#order}}"
	else
		echo "# the slices drifted $drift quanta from the pattern's lags (over 0.04): order $order, the policy's own" >&3
	fi
}

# Every VM's ERROR_PP in summary stderr $1 is within what the policy
# guarantees for the slices of trace $2 (quantum $3 ns): no VM is a slice
# (the longest one) behind its ideal, nor that and the tie (a twentieth of
# a quantum) ahead, so |ERROR_PP| <= 100 (longest + tie) / all the CPU time.
# On a steady host that is a fraction of a point; it widens only as far as
# the host's clocks really jumped.
assert_error_within_lag_bound() {
	local bound
	bound=$(awk -F, -v q="$3" 'NR > 1 { all += $4; if ($4 > max) max = $4 }
		END { printf "%.4f\n", 100 * (max + q / 20) / all + 0.01 }' "$2")
	summary_rows "$1" | awk -v b="$bound" '{ e = $8 < 0 ? -$8 : $8
		if (e > b) { print "VMFD " $1 ": ERROR_PP " $8 " over the bound " b > "/dev/stderr"; bad = 1 } }
		END { exit bad }'
}
