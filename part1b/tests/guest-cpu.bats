# The guest's CPU (SPEC §1.5): a guest compiled as an ordinary compiler
# compiles, with SSE, runs in -s, -p and -l.
load common

SSE_OUT="SSE guest
82500
27000
767
3
8250"

@test "the SSE guest really holds SSE instructions, in both builds" {
	for elf in "$GUESTS/sse64.elf" "$GUESTS/sse32.elf"; do
		objdump -d "$elf" | grep -Eq '\s(movsd|addsd|mulsd|divsd|cvttsd2si)\s.*%xmm' ||
			{ echo "no SSE arithmetic in $elf" >&2; return 1; }
	done
	# and the struct copy is SSE moves too
	objdump -d "$GUESTS/sse64.elf" | grep -Eq '\s(movups|movupd|movaps|movapd|movdqu|movdqa)\s'
}

@test "the SSE guest prints what it computed in -l, status 0" {
	require_kvm
	run_split "$SKVM" -l --guest "$GUESTS/sse64.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(printf 'Testing 64-bit mode\n%s' "$SSE_OUT")"
	assert_equal "$stderr" ""
}

@test "the SSE guest prints what it computed in -s, status 0" {
	require_kvm
	run_split "$SKVM" -s --guest "$GUESTS/sse32.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(printf 'Testing protected mode\n%s' "$SSE_OUT")"
	assert_equal "$stderr" ""
}

@test "the SSE guest prints what it computed in -p, the way this KVM allows, status 0" {
	require_kvm
	run_split "$SKVM" -p -v --guest "$GUESTS/sse32.elf"
	[ "$status" -eq 0 ]
	assert_equal "$output" "$(printf 'Testing 32-bit paging\n%s' "$SSE_OUT")"
	assert_verbose_stderr -p
}
