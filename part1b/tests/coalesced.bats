# simple-kvm --coalesce-print8: print8bit's port as coalesced
# PIO. Every byte the guest queued in KVM's ring before an exit is printed
# before that exit is served, so stdout with the option is stdout without
# it; only the exit counts the guest asks for are smaller. The guests are
# the embedded demo, every test guest of tests/guests/, and coalesce.c's
# (coalesce-flood, -mixed, -hundred, 64- and 32-bit).
load common

setup() { require_kvm; }

COALESCE_LINE_RE='^simple-kvm: --coalesce-print8: port 0xe9 is coalesced PIO, in a ring of ([0-9]+) entries$'
LACKS_LINE="simple-kvm: --coalesce-print8: this KVM lacks KVM_CAP_COALESCED_PIO: print8bit exits on every byte"

# Sets $ring_entries from -v, or skips where this KVM has no coalesced PIO
# (every KVM this project is tested on has it: Linux 4.20 and later).
require_coalesced_pio() {
	run_split "$SKVM" -l -v --coalesce-print8
	if [ "${stderr_lines[1]:-}" = "$LACKS_LINE" ]; then
		echo "# KVM_CAP_COALESCED_PIO MISSING on this KVM: test SKIPPED" >&3
		skip "this KVM lacks KVM_CAP_COALESCED_PIO"
	fi
	[[ "${stderr_lines[1]:-}" =~ $COALESCE_LINE_RE ]] ||
		{ echo "stderr: $stderr" >&2; return 1; }
	ring_entries=${BASH_REMATCH[1]}
}

# The demo's stdout with the option: the 11 greeting bytes made no exit.
demo_lines_coalesced() {
	demo_lines | sed '5s/^14$/3/; 6s/^16$/5/; 11s/^IO out: 16$/IO out: 5/; 13s/^IO out: 20$/IO out: 9/'
}

# The exit counts a guest asks for are the one thing the option changes:
# numExitsByType's "IO in/out: N" lines lose their numbers, and with
# MASK_NUMBERS=1 (real16, which prints numExits and a host address, itself
# different from run to run) every line that is a bare number.
mask_counts() {
	sed -E 's/^(IO (in|out): )[0-9]+$/\1N/' |
		if [ "${MASK_NUMBERS:-0}" = 1 ]; then sed -E 's/^[0-9]+$/N/'; else cat; fi
}

# same_with_and_without MODE ARGS...: stdout (its counts masked), stderr
# and status of simple-kvm MODE ARGS are the same with --coalesce-print8
# and without.
same_with_and_without() {
	local out1 err1 st1
	run_split "$SKVM" "$@"
	out1=$(printf '%s\n' "$output" | mask_counts) err1=$stderr st1=$status
	run_split "$SKVM" "$@" --coalesce-print8
	[ "$(printf '%s\n' "$output" | mask_counts)" = "$out1" ] &&
		[ "$stderr" = "$err1" ] && [ "$status" = "$st1" ] && return 0
	echo "simple-kvm $*: differs with --coalesce-print8" >&2
	diff <(printf '%s\n' "$out1" "-- stderr" "$err1" "-- status $st1") \
	     <(printf '%s\n' "$output" "-- stderr" "$stderr" "-- status $status") >&2
	return 1
}

@test "--coalesce-print8 -v: says it coalesces port 0xe9 and the ring's size; the demo's exit counts drop by the 11 greeting bytes" {
	require_coalesced_pio
	# x86 pages are 4 KiB: (4096 - 8) / 24 entries, as KVM sizes the ring.
	assert_equal "$ring_entries" 170
	assert_equal "$status" 0
	assert_equal "${#stderr_lines[@]}" 2
	hva=$(printf '%s\n' "$output" | sed -n 8p)
	assert_equal "$output" "$(printf '%s\n' "Testing 64-bit mode"; demo_lines_coalesced | sed "s/^HVA\$/$hva/")"
}

@test "--coalesce-print8: the demo in all four modes prints what it prints without, but for the exit counts" {
	require_coalesced_pio
	for mode in -r -s -p -l; do
		run_split "$SKVM" "$mode"
		assert_equal "$status" 0
		without=$(printf '%s\n' "$output" | sed 8d)
		run_split "$SKVM" "$mode" --coalesce-print8
		assert_equal "$status" 0
		assert_equal "$stderr" ""
		with=$(printf '%s\n' "$output" | sed 8d)
		assert_equal "$with" "$(printf '%s\n' "$without" |
			sed '6s/^14$/3/; 7s/^16$/5/; 11s/^IO out: 16$/IO out: 5/; 13s/^IO out: 20$/IO out: 9/')"
		# -r's demo prints nothing but its banner: no count to change.
		[ "$mode" = -r ] || [ "$with" != "$without" ]
	done
}

# The test guests that ask for exit counts (numExits, numExitsByType) are
# compared with those lines left out: the counts are the one difference.
@test "--coalesce-print8: every test guest, in each of its modes, prints what it prints without (stdout, stderr, status)" {
	require_coalesced_pio
	local g n=0
	for g in "$GUESTS"/*.elf; do
		case ${g##*/} in
		gdb*-spin.elf) continue ;;            # spins until gdb stops it
		real16.elf) MASK_NUMBERS=1 same_with_and_without -r --guest "$g" ;;
		real16*.elf | gdb16-*.elf) same_with_and_without -r --guest "$g" ;;
		*32.elf | gdb32-*.elf) same_with_and_without -s --guest "$g" &&
			same_with_and_without -p --guest "$g" ;;
		*) same_with_and_without -l --guest "$g" ;;
		esac
		n=$((n + 1))
	done
	for g in "$GUESTS"/32/*.elf; do
		same_with_and_without -s --guest "$g"
		same_with_and_without -p --guest "$g"
		n=$((n + 1))
	done
	[ "$n" -gt 40 ]
}

@test "--coalesce-print8: print8, print32, printStr and gvaToHva interleaved, then a fault: every queued byte before its exit, the last before the fault's report" {
	require_coalesced_pio
	local expected
	expected=$(for r in 0 1 2; do
		printf 'bytes then print32: %s\nbytes then printStr: a string\nbytes then gvaToHva of 4 GiB - 1: Invalid GVA\n' "$r"
	done; printf 'no newline before the fault')
	for g in "$GUESTS/coalesce-mixed64.elf -l" "$GUESTS/coalesce-mixed32.elf -s" "$GUESTS/coalesce-mixed32.elf -p"; do
		set -- $g
		same_with_and_without "$2" --guest "$1"
		assert_equal "$status" 1
		assert_equal "$output" "$(banner_of "$2")
$expected"
		[[ "${stderr_lines[0]}" == "simple-kvm: KVM_EXIT_SHUTDOWN: "* ]] ||
			[[ "${stderr_lines[0]}" == "simple-kvm: KVM_EXIT_INTERNAL_ERROR: "* ]] ||
			{ echo "stderr: $stderr" >&2; return 1; }
	done
}

banner_of() {
	case $1 in
	-s) echo "Testing protected mode" ;;
	-p) echo "Testing 32-bit paging" ;;
	-l) echo "Testing 64-bit mode" ;;
	esac
}

# ring_exits RULE N ENTRIES: the exits KVM makes for N print8bit bytes in
# a row, by its rule for a full ring. exact: (last + 1) % entries == first.
# unsigned-wrap (older kernels, the Linux 6.1 of the emulated AMD host):
# (first - last - 1) % entries == 0 in 32-bit unsigned arithmetic, which
# says "full" early (at 85 bytes of 170) while last is not behind first.
ring_exits() {
	awk -v rule="$1" -v n="$2" -v m="$3" 'BEGIN {
		first = 0; last = 0; exits = 0
		for (k = 0; k < n; k++) {
			d = first - last - 1; if (d < 0) d += 4294967296
			full = rule == "exact" ? (last + 1) % m == first : d % m == 0
			if (full) { exits++; first = last } else last = (last + 1) % m
		}
		print exits
	}'
}

# The 4000 bytes of coalesce.c's flood(): 100 lines of 39 letters.
flood_lines() {
	awk 'BEGIN { for (l = 0; l < 100; l++) { s = ""; for (i = 0; i < 39; i++) s = s sprintf("%c", 97 + (l + i) % 26); print s } }'
}

@test "--coalesce-print8: 4000 bytes with no other exit, far more than the ring holds: all of them in order, one exit per full ring" {
	require_coalesced_pio
	for g in "$GUESTS/coalesce-flood64.elf -l" "$GUESTS/coalesce-flood32.elf -p"; do
		set -- $g
		run_split "$SKVM" "$2" --guest "$1" --coalesce-print8 --stats
		assert_equal "$status" 0
		assert_equal "$output" "$(banner_of "$2"; flood_lines; echo "flood done")"
		# A full ring holds entries - 1 bytes; the next `out` exits. How
		# KVM tells "full" depends on the kernel (ring_exits).
		exits=$(printf '%s\n' "$stderr" | sed -n 's/^  port 0x00e9 out  *\([0-9]*\)$/\1/p')
		[ "$exits" = "$(ring_exits exact 4000 "$ring_entries")" ] ||
			[ "$exits" = "$(ring_exits unsigned-wrap 4000 "$ring_entries")" ] ||
			{ echo "not the exits of either rule on port 0xe9: $stderr" >&2; return 1; }
		queued=$((4000 - exits))
		printf '%s\n' "$stderr" | grep -Eqx "  port 0x00e9 out bytes +$queued" ||
			{ echo "not $queued bytes through the ring: $stderr" >&2; return 1; }
		printf '%s\n' "$stderr" | grep -Eqx "  most in one drain +$((ring_entries - 1))" ||
			{ echo "the ring never filled: $stderr" >&2; return 1; }
		same_with_and_without "$2" --guest "$1"
	done
}

@test "--coalesce-print8 --stats: the exits KVM made, and the ring's bytes apart from them" {
	require_coalesced_pio
	run_split "$SKVM" -l --coalesce-print8 --stats
	assert_equal "$status" 0
	printf '%s\n' "$stderr" | grep -qx "simple-kvm: 16 exits by reason:"
	printf '%s\n' "$stderr" | grep -Eqx "simple-kvm: coalesced PIO \(no exits\), ring of $ring_entries entries:"
	printf '%s\n' "$stderr" | grep -Eqx "  port 0x00e9 out bytes +11"
	printf '%s\n' "$stderr" | grep -Eqx "  drains with bytes +1"
	! printf '%s\n' "$stderr" | grep -q "port 0x00e9 out  "
	run_split "$SKVM" -l --stats
	printf '%s\n' "$stderr" | grep -qx "simple-kvm: 27 exits by reason:"
	! printf '%s\n' "$stderr" | grep -q "coalesced"
}

@test "--coalesce-print8 where KVM lacks KVM_CAP_COALESCED_PIO (SIMPLE_KVM_NO_COALESCED_PIO=1): one stderr line, then the run as without the option" {
	SIMPLE_KVM_NO_COALESCED_PIO=1 run_split "$SKVM" -l --coalesce-print8 --stats
	assert_equal "$status" 0
	assert_equal "${stderr_lines[0]}" "$LACKS_LINE"
	printf '%s\n' "$stderr" | grep -qx "simple-kvm: 27 exits by reason:"
	! printf '%s\n' "$stderr" | grep -q "coalesced PIO"
	assert_demo_output "Testing 64-bit mode"
	SIMPLE_KVM_NO_COALESCED_PIO=1 run_split "$SKVM" -r -v --coalesce-print8
	assert_equal "$status" 0
	# The guest RAM line, -r -v's line of the IDT-limit probe, then ours.
	assert_equal "${#stderr_lines[@]}" 3
	[[ "${stderr_lines[1]}" == "simple-kvm: real mode "* ]]
	assert_equal "${stderr_lines[2]}" "$LACKS_LINE"
	assert_equal "$output" "Testing real mode"
}

@test "without --coalesce-print8: SIMPLE_KVM_NO_COALESCED_PIO changes nothing, and -v says nothing of coalescing" {
	SIMPLE_KVM_NO_COALESCED_PIO=1 run_split "$SKVM" -l -v
	assert_equal "$status" 0
	assert_verbose_stderr -l
	assert_demo_output "Testing 64-bit mode"
}

# --gdb with the option: at a breakpoint after the guest's first 100 bytes,
# simple-kvm's stdout holds exactly those bytes (drained before the stop).
@test "--coalesce-print8 --gdb: a breakpoint after 100 bytes finds exactly those 100 bytes on stdout" {
	require_coalesced_pio
	command -v gdb >/dev/null || skip "GDB TEST SKIPPED: gdb is not installed"
	if (( ($(cat /sys/class/net/lo/flags 2>/dev/null || echo 1) & 1) == 0 )); then
		ip link set lo up 2>/dev/null || skip "GDB TEST SKIPPED: the loopback interface is down"
	fi
	local mode elf out=$BATS_TEST_TMPDIR/skvm.out err=$BATS_TEST_TMPDIR/skvm.err port pid
	local hundred
	hundred=$(awk 'BEGIN { for (l = 0; l < 10; l++) { s = ""; for (i = 0; i < 9; i++) s = s (l + i) % 10; print s } }')
	for mode in -l -s; do
		elf=$GUESTS/coalesce-hundred64.elf
		[ "$mode" = -l ] || elf=$GUESTS/coalesce-hundred32.elf
		bounded "$SKVM" "$mode" --guest "$elf" --coalesce-print8 --gdb 0 >"$out" 2>"$err" &
		pid=$!
		port=
		for _ in $(seq 600); do
			port=$(sed -n 's/^simple-kvm: waiting for gdb on 127\.0\.0\.1:\([0-9]*\): .*/\1/p' "$err")
			[ -n "$port" ] && break
			sleep 0.1
		done
		[ -n "$port" ] || { kill "$pid"; cat "$err"; return 1; }
		run bounded gdb -nx -batch -ex "target remote 127.0.0.1:$port" \
			-ex "break hundred_printed" -ex continue \
			-ex "shell cp '$out' '$BATS_TEST_TMPDIR/at-stop'" -ex continue "$elf"
		wait "$pid"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/at-stop")" "$(banner_of "$mode"; echo "$hundred")"
		assert_equal "$(wc -c < "$BATS_TEST_TMPDIR/at-stop")" "$(( $(banner_of "$mode" | wc -c) + 100 ))"
		assert_equal "$(cat "$out")" "$(banner_of "$mode"; echo "$hundred"; echo "after the breakpoint")"
	done
}
