# The guest's CPU (SPEC §1.5): a guest compiled as an ordinary compiler
# compiles, with SSE, runs in -s, -p and -l, on a KVM that runs SSE. One
# that cannot (kvm-pvm: every x87, MMX or SSE instruction is an emulation
# failure) stops at the first, and simple-kvm says which and why.
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

CANNOT_RUN_SSE="simple-kvm: that is an MMX or SSE instruction, and this KVM cannot run x87, MMX or SSE guest code: build the guest with -mgeneral-regs-only, or run it on kvm_amd or kvm_intel"

# first_sse ELF: "ADDRESS BYTES" of the guest's first SSE instruction, the
# first after the out that prints "SSE guest" (the code runs straight on
# from there), from its disassembly.
first_sse() {
	objdump -d --insn-width=15 "$1" | awk -F'\t' '
		/<guest_main>:/ { in_main = 1 }
		in_main && $3 ~ /^out +%eax,\$0xec/ { printed = 1; next }
		in_main && printed && $3 ~ /%xmm|%mm[0-7]|%st/ {
			sub(/^ */, "", $1); sub(/:$/, "", $1); sub(/ *$/, "", $2)
			print $1, $2; exit
		}'
}

# expect_sse_run BANNER ELF [-v]: where the KVM runs SSE (kvm_amd,
# kvm_intel), the guest's results and status 0; on kvm-pvm, "SSE guest",
# then the emulation failure at the first SSE instruction by its address
# and bytes, the line that says why, the registers, status 1. On a KVM not
# known here, either.
expect_sse_run() {
	local banner=$1 elf=$2 verbose=${3:-} flavour where
	flavour=$(kvm_flavour)
	if [ "$flavour" = kvm_amd ] || [ "$flavour" = kvm_intel ] ||
	   { [ "$flavour" = unknown ] && [ "$status" -eq 0 ]; }; then
		[ "$status" -eq 0 ]
		assert_equal "$output" "$(printf '%s\n%s' "$banner" "$SSE_OUT")"
		if [ -n "$verbose" ]; then assert_verbose_stderr "$verbose"; else assert_equal "$stderr" ""; fi
		return
	fi
	where=$(first_sse "$elf")
	[ -n "$where" ] || { echo "no SSE instruction found in $elf" >&2; return 1; }
	assert_equal "$status" 1
	assert_equal "$output" "$(printf '%s\nSSE guest' "$banner")"
	if [ -n "$verbose" ]; then
		assert_paging32_path "${stderr_lines[1]}"
		stderr_lines=("${stderr_lines[@]:2}")
	fi
	assert_equal "${stderr_lines[0]}" "simple-kvm: KVM_EXIT_INTERNAL_ERROR: suberror 1 (emulation failure): KVM could not emulate the instruction at GVA 0x${where%% *}: ${where#* }"
	assert_equal "${stderr_lines[1]}" "$CANNOT_RUN_SSE"
	[[ "${stderr_lines[2]}" == "  rax "* ]]
}

@test "the SSE guest prints what it computed in -l, status 0 (kvm-pvm: says it cannot run SSE)" {
	require_kvm
	run_split "$SKVM" -l --guest "$GUESTS/sse64.elf"
	expect_sse_run "Testing 64-bit mode" "$GUESTS/sse64.elf"
}

@test "the SSE guest prints what it computed in -s, status 0 (kvm-pvm: says it cannot run SSE)" {
	require_kvm
	run_split "$SKVM" -s --guest "$GUESTS/sse32.elf"
	expect_sse_run "Testing protected mode" "$GUESTS/sse32.elf"
}

@test "the SSE guest prints what it computed in -p, the way this KVM allows, status 0 (kvm-pvm: says it cannot run SSE)" {
	require_kvm
	run_split "$SKVM" -p -v --guest "$GUESTS/sse32.elf"
	expect_sse_run "Testing 32-bit paging" "$GUESTS/sse32.elf" -p
}

@test "first_sse finds the SSE guest's first SSE instruction in both builds" {
	for elf in "$GUESTS/sse64.elf" "$GUESTS/sse32.elf"; do
		where=$(first_sse "$elf")
		[[ "$where" =~ ^[0-9a-f]+\ (f2|f3|66)?\ ?0f\ [0-9a-f\ ]+$ ]] ||
			{ echo "$elf: '$where'" >&2; return 1; }
	done
}
