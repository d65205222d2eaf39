# part1a.pdf must not drift from simple-kvm.c.
#
# The long-mode run is traced with strace; every KVM ioctl it issues must be
# named in the document's sources (the text part1a.ms and the flowchart
# lifecycle.dot), and the order in which each source first names them must
# be the order in which the run first issues them. Comments in the sources
# do not count. A third test checks that the committed part1a.pdf is what
# its sources build. The name tests (no KVM needed) check every file,
# function and C name the sources give against the tree (doc-names here),
# so that a rename in the code without the document fails.
load ../../tests/lib

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
DOC="$ROOT/docs/part1a"
SKVM="$ROOT/part1b/simple-kvm"

# Writes the KVM ioctls of `simple-kvm -l`, one per line, in the order of
# their first appearance, to $BATS_TEST_TMPDIR/ioctls.
trace_long_mode() {
	require_kvm
	if ! command -v strace >/dev/null 2>&1; then
		echo "# STRACE MISSING: the part1a drift test is SKIPPED (apt-get install strace)" >&3
		skip "STRACE MISSING: cannot trace simple-kvm's ioctls (apt-get install strace)"
	fi
	[ -x "$SKVM" ] || { echo "no $SKVM: run make first" >&2; return 1; }

	local log="$BATS_TEST_TMPDIR/strace.log"
	run_split strace -f -o "$log" -e trace=ioctl "$SKVM" -l
	if [ "$status" -ne 0 ] && grep -q 'Operation not permitted' <<<"$stderr"; then
		echo "# STRACE CANNOT TRACE here (ptrace refused): part1a drift test SKIPPED" >&3
		skip "STRACE CANNOT TRACE: ptrace is not permitted here"
	fi
	[ "$status" -eq 0 ] || { echo "strace simple-kvm -l: status $status: $stderr" >&2; return 1; }

	grep -o 'ioctl([0-9]*, KVM_[A-Z0-9_]*' "$log" | sed 's/.*, //' |
		awk '!seen[$0]++' >"$BATS_TEST_TMPDIR/ioctls"
	# The run cannot have worked without these; an empty list means strace
	# did not decode the requests, and the test would prove nothing.
	grep -qx KVM_CREATE_VM "$BATS_TEST_TMPDIR/ioctls"
	grep -qx KVM_RUN "$BATS_TEST_TMPDIR/ioctls"
}

# Every KVM_* word of a source without its comments, in the order of first
# appearance, keeping only the traced ioctls.
named_in() {
	grep -o 'KVM_[A-Z0-9_]*' | awk '!seen[$0]++' |
		grep -Fxf "$BATS_TEST_TMPDIR/ioctls" || true
}

ms_text() { sed 's/\\".*//; s/\\#.*//' "$DOC/part1a.ms"; }
dot_text() { perl -0777 -pe 's{/\*.*?\*/}{}gs; s{^\s*(//|#).*$}{}mg' "$DOC/lifecycle.dot"; }

# Fails listing the traced ioctls the source does not name, then compares
# the orders.
check_source() {
	local name=$1 named=$2 missing
	missing=$(grep -Fvxf <(printf '%s\n' "$named") "$BATS_TEST_TMPDIR/ioctls" || true)
	if [ -n "$missing" ]; then
		echo "$name does not name these ioctls of simple-kvm -l:" $missing >&2
		return 1
	fi
	assert_equal "$named" "$(cat "$BATS_TEST_TMPDIR/ioctls")"
}

@test "part1a: the text names every KVM ioctl of simple-kvm -l, first in the order the run issues them" {
	trace_long_mode
	check_source docs/part1a/part1a.ms "$(ms_text | named_in)"
}

@test "part1a: the flowchart names every KVM ioctl of simple-kvm -l, in the order the run issues them" {
	trace_long_mode
	check_source docs/part1a/lifecycle.dot "$(dot_text | named_in)"
}

@test "part1a: the committed part1a.pdf is what its sources build" {
	local t
	for t in dot groff ps2pdf pdftotext; do
		if ! command -v "$t" >/dev/null 2>&1; then
			echo "# $t MISSING: the part1a.pdf freshness test is SKIPPED (make part1a.pdf installs the tools)" >&3
			skip "$t MISSING: cannot rebuild part1a.pdf to compare it"
		fi
	done
	[ -f "$ROOT/part1a.pdf" ]
	run make -s -C "$DOC" OUT="$BATS_TEST_TMPDIR/part1a.pdf" BUILD="$BATS_TEST_TMPDIR/build"
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	# The text of every page, charts included: what a reader sees.
	if ! diff -u <(pdftotext -layout "$ROOT/part1a.pdf" -) \
		<(pdftotext -layout "$BATS_TEST_TMPDIR/part1a.pdf" -) >&2; then
		echo "part1a.pdf is stale: run make part1a.pdf and commit it" >&2
		return 1
	fi
}

# The section on --coalesce-print8 against a run with the option: the
# ioctls the option adds are named in the text, and the ring size and the
# demo's exit counts the text states are the ones the run gives.
@test "part1a: the --coalesce-print8 section names its ioctls, and its ring size and counts are the run's" {
	trace_long_mode
	local plain="$BATS_TEST_TMPDIR/ioctls.plain" log="$BATS_TEST_TMPDIR/strace.coalesce"
	mv "$BATS_TEST_TMPDIR/ioctls" "$plain"
	run strace -f -o "$log" -e trace=ioctl "$SKVM" -l -v --coalesce-print8
	[ "$status" -eq 0 ] || { echo "status $status: $output" >&2; return 1; }
	grep -q 'port 0xe9 is coalesced PIO' <<<"$output" ||
		skip "this KVM has no KVM_CAP_COALESCED_PIO: $output"
	grep -o 'ioctl([0-9]*, KVM_[A-Z0-9_]*' "$log" | sed 's/.*, //' |
		awk '!seen[$0]++' | grep -Fvxf "$plain" >"$BATS_TEST_TMPDIR/ioctls" || true
	grep -qx KVM_REGISTER_COALESCED_MMIO "$BATS_TEST_TMPDIR/ioctls"
	check_source docs/part1a/part1a.ms "$(ms_text | named_in)"

	local entries
	entries=$(sed -n 's/.*in a ring of \([0-9]*\) entries$/\1/p' <<<"$output")
	ms_text | tr '\n' ' ' | grep -qF "/\\~24\\~=\\~$entries." ||
		{ echo "the text does not give the ring's $entries entries" >&2; return 1; }
	run bounded "$SKVM" -l --coalesce-print8
	[ "$status" -eq 0 ]
	ms_text | tr '\n' ' ' | grep -qF "the demo prints ${lines[5]} and ${lines[6]} instead of 14 and 16, and \\f(CWIO out: ${lines[11]#IO out: }\\fP and \\f(CWIO out: ${lines[13]#IO out: }\\fP instead of 16 and 20" ||
		{ echo "the text's counts are not the run's: ${lines[*]}" >&2; return 1; }
}

# ---- the files and functions the document names (no KVM) ----

# <linux/kvm.h> as the compiler sees it: the names KVM itself gives.
kvm_header() {
	local cc=${CC:-cc}
	if ! printf '#include <linux/kvm.h>\n' | $cc -E -dD - >"$BATS_TEST_TMPDIR/kvm.h"; then
		echo "$cc cannot preprocess <linux/kvm.h> (the build needs it too)" >&2
		return 1
	fi
}

# Runs doc-names on a source's text, fails with what it found untrue, and
# then asserts that it checked at least as many paths, names, calls and
# attributions as given: a parser that finds nothing proves nothing.
check_names() { # TEXT-FILE MIN-PATHS MIN-NAMES MIN-CALLS MIN-ATTRIBUTIONS
	local text=$1 checked got want kind
	kvm_header
	run "$BATS_TEST_DIRNAME/doc-names" "$ROOT" "$text" "$BATS_TEST_TMPDIR/kvm.h"
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	checked=${lines[${#lines[@]} - 1]}
	shift
	for kind in paths names calls attributions; do
		want=$1
		shift
		got=$(sed -n "s/.*[^0-9]\([0-9][0-9]*\) $kind.*/\1/p" <<<"$checked")
		[ -n "$got" ] && [ "$got" -ge "$want" ] ||
			{ echo "doc-names checked ${got:-no} $kind, expected at least $want: $checked" >&2; return 1; }
	done
}

@test "part1a: every file, function and C name the text gives is true of the tree" {
	ms_text >"$BATS_TEST_TMPDIR/part1a.ms"
	check_names "$BATS_TEST_TMPDIR/part1a.ms" 15 80 8 10
}

@test "part1a: every C name the flowchart gives is true of the tree" {
	dot_text >"$BATS_TEST_TMPDIR/lifecycle.dot"
	check_names "$BATS_TEST_TMPDIR/lifecycle.dot" 0 20 1 0
}

# The check itself: each kind of stale name is caught, and true ones pass.
@test "part1a: the name check fails on a moved file, a renamed function and a wrong attribution" {
	kvm_header
	cat >"$BATS_TEST_TMPDIR/stale.ms" <<'EOF'
.LP
\f(CWmain\fP (\f(CWpart1b/simple-kvm.c\fP) calls \f(CWvcpu_create\fP.
The stub was \f(CWpart1b/gdb_stub.c\fP, the loop \f(CWvcpu_setup\fP;
\f(CWvm_create\fP (\f(CWpart1b/modes.c\fP) and \f(CWno_such_step(vm)\fP.
EOF
	run "$BATS_TEST_DIRNAME/doc-names" "$ROOT" "$BATS_TEST_TMPDIR/stale.ms" "$BATS_TEST_TMPDIR/kvm.h"
	[ "$status" -eq 1 ]
	assert_equal "$output" "part1b/gdb_stub.c: no such file or folder in the tree
vcpu_setup: not a name of part1b/ or common/ code, of <linux/kvm.h> or of the C library
no_such_step: not a name of part1b/ or common/ code, of <linux/kvm.h> or of the C library
no_such_step(): no function of that name in part1b/ or common/
vm_create: the document says it is in part1b/modes.c, which does not define it
checked: 3 paths, 4 names, 1 calls, 2 attributions"
}
