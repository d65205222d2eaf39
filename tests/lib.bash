# Helpers loaded by every bats file: `load ../../tests/lib`.

# run --separate-stderr needs bats 1.5 (Debian 12 has 1.8).
bats_require_minimum_version 1.5.0

# KVM tests run real VMs. Without a usable /dev/kvm they are skipped, loudly:
# the runner prints the reason once more in its closing lines.
require_kvm() {
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		skip "KVM TEST SKIPPED: /dev/kvm is missing or not read-writable"
	fi
}

# Fail with the differing lines when "$1" (actual) is not "$2" (expected).
assert_equal() {
	if [ "$1" != "$2" ]; then
		diff -u <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/# /' >&3 || true
		printf 'expected: %s\nactual:   %s\n' "$2" "$1" >&2
		return 1
	fi
}
