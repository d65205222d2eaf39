# part1b/README.md's worked example, "Writing a guest of your own", run as
# the README writes it: its source, its build command and its runs are read
# from the README, run in a scratch copy of the build files, and compared
# with the output the README shows. Also: no guest segment is writable and
# executable, so no ld warns of one.
load common

README="$PART1B/README.md"

# The content of the fenced block that follows the first line equal to
# "<!-- worked-example $1 -->" (or, with $2, the $2-th such line).
example_block() {
	awk -v marker="<!-- worked-example $1 -->" -v want="${2:-1}" '
		$0 == marker { seen++; next }
		seen == want && !inside && /^```/ { inside = 1; next }
		inside && /^```/ { exit }
		inside { print }' "$README"
}

# How many "<!-- worked-example $1 -->" markers the README has.
example_count() {
	grep -cx -- "<!-- worked-example $1 -->" "$README"
}

# A scratch tree with what `make -C part1b guest` needs, and simple-kvm,
# with the README's source written where the README says; prints its path.
scratch_tree() {
	local tree="$BATS_TEST_TMPDIR/tree" path
	mkdir -p "$tree"
	(cd "$PART1B/.." && tar -cf - mk part1b/Makefile part1b/folders.mk \
		part1b/guest.ld part1b/hc_guest.h part1b/hypercall.h \
		part1b/tests/guests/hostile.c part1b/tests/guests/guests.mk \
		part1b/simple-kvm) | tar -C "$tree" -xf -
	path=$(grep -x '<!-- worked-example file: .* -->' "$README" |
		sed 's/^<!-- worked-example file: \(.*\) -->$/\1/')
	[ -n "$path" ] || return 1
	mkdir -p "$tree/$(dirname "$path")"
	example_block "file: $path" >"$tree/$path"
	echo "$tree"
}

# Runs the README's build commands in scratch tree $1; $output is theirs.
build_example() {
	local commands
	commands=$(example_block build)
	[ -n "$commands" ] || { echo "no build block in the README" >&2; return 1; }
	run bash -ec "cd '$1'; $commands" 2>&1
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
}

@test "worked example: the README's build command makes both guests, with no warning" {
	tree=$(scratch_tree)
	build_example "$tree"
	[ -f "$tree/part1b/examples/countdown64.elf" ]
	[ -f "$tree/part1b/examples/countdown32.elf" ]
	if grep -i -e 'warning' -e 'RWX' <<<"$output" | grep -v jobserver; then
		false
	fi
	# ld made three loadable segments, and none is writable and executable.
	for elf in "$tree"/part1b/examples/countdown{64,32}.elf; do
		[ "$(readelf -lW "$elf" | grep -c ' LOAD ')" -eq 3 ]
		if readelf -lW "$elf" | grep ' LOAD ' | grep -q 'RWE'; then false; fi
	done
}

@test "worked example: each run the README shows prints exactly what it shows" {
	require_kvm
	tree=$(scratch_tree)
	build_example "$tree"
	runs=$(example_count run)
	[ "$runs" -ge 2 ]
	for ((i = 1; i <= runs; i++)); do
		block=$(example_block run "$i")
		command=$(head -1 <<<"$block")
		[[ "$command" == '$ '* ]]
		cd "$tree"
		run_split bash -c "${command#\$ }"
		cd - >/dev/null
		[ "$status" -eq 0 ]
		assert_equal "$output" "$(tail -n +2 <<<"$block")"
		assert_equal "$stderr" ""
	done
}

@test "make guest: an assembly guest's name gives its mode; no SRC or a bad one is refused" {
	tree=$(scratch_tree)
	printf '\t.code16\n\t.section .start, "ax"\n\t.globl _start\n_start:\n\thlt\n' \
		>"$tree/part1b/examples/tiny16.s"
	run make -s -C "$tree/part1b" guest SRC=examples/tiny16.s
	[ "$status" -eq 0 ]
	[[ "$(readelf -hW "$tree/part1b/examples/tiny16.elf")" == *"ELF32"* ]]
	run make -s -C "$tree/part1b" guest
	[ "$status" -ne 0 ]
	[[ "$output" == *"make guest SRC=FILE.c (or FILE16.S, FILE32.S, FILE64.S): see README.md"* ]]
	cp "$tree/part1b/examples/tiny16.s" "$tree/part1b/examples/tiny.s"
	run make -s -C "$tree/part1b" guest SRC=examples/tiny.s
	[ "$status" -ne 0 ]
	[[ "$output" == *"SRC=examples/tiny.s: an assembly guest's name ends in 16, 32 or 64, its mode"* ]]
}

@test "every guest the build made has no segment that is writable and executable" {
	elfs=$(find "$PART1B" -name '*.elf')
	[ "$(wc -l <<<"$elfs")" -ge 60 ]
	for elf in $elfs; do
		if readelf -lW "$elf" | grep ' LOAD ' | grep -q 'RWE'; then
			echo "$elf has an RWX segment" >&2
			return 1
		fi
	done
}

@test "a real-mode guest runs as the make guest rule builds it" {
	require_kvm
	tree=$(scratch_tree)
	printf '\t.code16\n\t.section .start, "ax"\n\t.globl _start\n_start:\n\tmovb $0x4b, %%al\n\toutb %%al, $0xe9\n\tmovb $0x0a, %%al\n\toutb %%al, $0xe9\n\thlt\n' \
		>"$tree/part1b/examples/k16.s"
	run make -s -C "$tree/part1b" guest SRC=examples/k16.s
	[ "$status" -eq 0 ]
	run_split "$SKVM" -r --guest "$tree/part1b/examples/k16.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "Testing real mode
K"
}
