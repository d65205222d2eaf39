# soft_mmu.c against KVM_TRANSLATE on the host's KVM (SPEC §1.3):
# unit/translate-diff builds random page tables for a few seconds and
# requires the same answer from both wherever soft_mmu answers itself.
# The seed is printed (and TRANSLATE_DIFF_SEED=N replays one).
load common

DIFF="$PART1B/unit/translate-diff"

# check_mode WHERE: WHERE ran with no difference, soft_mmu answering
# valid for some addresses (and invalid for some, with paging), or was
# skipped because the KVM does not keep that mode.
check_mode() {
	local line
	line=$(printf '%s\n' "$stderr" | grep -F "translate-diff: $1: ") ||
		{ echo "no line for $1"; return 1; }
	if [[ "$line" == *": SKIPPED: "* ]]; then
		echo "# $line" >&3
		return 0
	fi
	[[ "$line" =~ soft_mmu\ ([0-9]+)\ valid,\ ([0-9]+)\ invalid.*\;\ 0\ differences$ ]] ||
		{ echo "unexpected: $line"; return 1; }
	[ "${BASH_REMATCH[1]}" -gt 0 ]
	[[ "$1" == *"no paging" ]] || [ "${BASH_REMATCH[2]}" -gt 0 ]
}

@test "soft_mmu and KVM_TRANSLATE agree on random page tables in every paging mode" {
	require_kvm
	local seed=${TRANSLATE_DIFF_SEED:-$(date +%s)}
	run_split "$DIFF" --seed "$seed" --seconds 3
	printf '%s\n' "$stderr" # shown when the test fails
	assert_equal "${stderr_lines[0]}" "translate-diff: seed $seed"
	[ "$status" -eq 0 ]
	for cpuid in "no CPUID" "supported CPUID"; do
		for mode in "no paging" "32-bit paging with PSE" \
			    "4-level paging, EFER.NXE=0" "4-level paging, EFER.NXE=1"; do
			check_mode "$cpuid, $mode"
		done
	done
	# Every KVM pages in long mode: that mode cannot have been skipped.
	! printf '%s\n' "$stderr" | grep -q '4-level paging.*SKIPPED'
}

@test "translate-diff: bad usage is refused with status 2" {
	run_split "$DIFF" --seconds 0
	assert_equal "$stderr" "usage: translate-diff [--seed N] [--seconds S]"
	assert_equal "$status" 2
	run_split "$DIFF" extra
	assert_equal "$status" 2
}
