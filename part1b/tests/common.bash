# Shared by part1b's bats files: `load common`.
load ../../tests/lib

PART1B="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
SKVM="$PART1B/simple-kvm"
GUESTS="$PART1B/tests/guests"

# The stdout of the embedded demonstration after the banner; HVA is the one
# number that changes from run to run.
demo_lines() {
	cat <<'OUT'
Hello 695!
2048
4294967295
CS695 Assignment 2
14
16
HVA
Invalid GVA
0
IO in: 3
IO out: 16
IO in: 4
IO out: 20
OUT
}

# Checks that $output is the banner $1 and then the demonstration, with a
# non-zero decimal host address in the HVA line.
assert_demo_output() {
	local banner="$1" hva
	hva=$(printf '%s\n' "$output" | sed -n 8p)
	[[ "$hva" =~ ^[1-9][0-9]*$ ]] || { echo "HVA line is '$hva'"; return 1; }
	assert_equal "$output" "$(printf '%s\n' "$banner"; demo_lines | sed "s/^HVA\$/$hva/")"
}
