# simple-kvm --guest FILE on images that must be refused before the guest
# runs: status 2, nothing on stdout, and one stderr line,
#   simple-kvm: FILE: <why>
# The images come from part1b/unit/mkimage (built by `make test-programs`);
# the unit test test-loader checks the same refusals without KVM. Each test
# needs /dev/kvm: simple-kvm creates the VM before it loads the image.
load common

MKIMAGE="$BATS_TEST_DIRNAME/../unit/mkimage"

setup_file() {
	export IMAGES="$BATS_FILE_TMPDIR/images"
	mkdir -p "$IMAGES"
	"$MKIMAGE" "$IMAGES"
}

setup() { require_kvm; }

# expect_refused MODE IMAGE WHY
expect_refused() {
	local file="$IMAGES/$2"
	run_split "$SKVM" "$1" --guest "$file"
	assert_equal "$stderr" "simple-kvm: $file: $3"
	assert_equal "$output" ""
	assert_equal "$status" 2
}

# expect_halts MODE IMAGE BANNER: the image runs, halts, status 0 (and
# -p, the way this KVM allows).
expect_halts() {
	run_split "$SKVM" "$1" -v --guest "$IMAGES/$2"
	assert_verbose_stderr "$1"
	assert_equal "$output" "$3"
	assert_equal "$status" 0
}

@test "loader: valid images that only halt run with status 0 (the generator is sound)" {
	expect_halts -s elf32-hlt "Testing protected mode"
	expect_halts -p elf32-hlt "Testing 32-bit paging"
	expect_halts -l elf64-hlt "Testing 64-bit mode"
	expect_halts -r flat-1mib-hlt "Testing real mode"
	expect_halts -l flat-1mib-hlt "Testing 64-bit mode"
}

@test "loader: a missing file" {
	run_split "$SKVM" --guest "$BATS_TEST_TMPDIR/no-such-image"
	assert_equal "$stderr" "simple-kvm: $BATS_TEST_TMPDIR/no-such-image: No such file or directory"
	assert_equal "$output" ""
	assert_equal "$status" 2
}

@test "loader: a directory, and a character device, are not regular files" {
	run_split "$SKVM" --guest "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "simple-kvm: $BATS_TEST_TMPDIR: not a regular file"
	assert_equal "$output" ""
	assert_equal "$status" 2
	run_split "$SKVM" --guest /dev/null
	assert_equal "$stderr" "simple-kvm: /dev/null: not a regular file"
	assert_equal "$status" 2
}

@test "loader: an empty file" {
	expect_refused -l empty "empty image"
	expect_refused -r empty "empty image"
}

@test "loader: a truncated ELF header" {
	expect_refused -l truncated-header "truncated ELF header (40 bytes)"
}

@test "loader: a truncated program header table" {
	expect_refused -l truncated-phdrs "truncated program header table"
}

@test "loader: a segment whose file range lies outside the file" {
	expect_refused -l file-range-outside \
		"program header 0: file range 0x100+0x101 lies outside the file (512 bytes)"
}

@test "loader: a segment whose file range wraps around 64 bits" {
	expect_refused -l file-range-wraps \
		"program header 0: file range 0xffffffffffffff00+0x200 lies outside the file (512 bytes)"
}

@test "loader: p_filesz > p_memsz" {
	expect_refused -s filesz-above-memsz "program header 0: p_filesz 0x100 > p_memsz 0xff"
}

@test "loader: a segment leaving guest RAM, by one byte and by wrapping around" {
	expect_refused -l leaves-ram \
		"program header 0: guest range 0x1ff000+0x1001 leaves guest RAM (0x200000 bytes)"
	expect_refused -l range-wraps \
		"program header 0: guest range 0xfffffffffffff000+0x2000 leaves guest RAM (0x200000 bytes)"
}

@test "loader: the same segment fits in --mem 4M (RAM size is the bound)" {
	run_split "$SKVM" -l --mem 4M --guest "$IMAGES/leaves-ram"
	# Past the size check, the image is refused for its entry point only.
	assert_equal "$stderr" "simple-kvm: $IMAGES/leaves-ram: entry point 0x1000 is outside every loaded segment"
	assert_equal "$status" 2
}

@test "loader: a segment overlapping the hypervisor area" {
	expect_refused -l hv-overlap \
		"program header 0: guest range 0xff000+0x1001 overlaps the hypervisor area 0x100000-0x121000"
}

@test "loader: two segments overlapping" {
	expect_refused -p segments-overlap "program header 1 overlaps program header 0"
}

@test "loader: an ELF class that does not fit the mode" {
	expect_refused -s elf64-hlt "ELF64 image does not fit this mode, which runs ELF32"
	expect_refused -p elf64-hlt "ELF64 image does not fit this mode, which runs ELF32"
	expect_refused -r elf64-hlt "ELF64 image does not fit this mode, which runs ELF32"
	expect_refused -l elf32-hlt "ELF32 image does not fit this mode, which runs ELF64"
}

@test "loader: a big-endian ELF" {
	expect_refused -l big-endian "ELF data is not little-endian"
}

@test "loader: an ELF machine that does not fit the mode" {
	expect_refused -l wrong-machine "ELF machine 3 does not fit this mode, which runs 62"
}

@test "loader: an ELF that is not ET_EXEC" {
	expect_refused -l not-exec "ELF type 3 is not ET_EXEC"
}

@test "loader: an ELF without PT_LOAD" {
	expect_refused -l no-pt-load "no PT_LOAD segment"
}

@test "loader: an entry point outside every segment" {
	expect_refused -l entry-outside "entry point 0x5000 is outside every loaded segment"
}

@test "loader: an entry point above the first MiB, which real mode cannot reach" {
	expect_refused -r entry-beyond-reach \
		"entry point 0x121000 is out of this mode's reach (below 0x100000)"
}

@test "loader: a flat image over 1 MiB" {
	expect_refused -l flat-too-big \
		"flat image of 1048577 bytes is larger than the 1048576 bytes below the hypervisor area"
	expect_refused -r flat-too-big \
		"flat image of 1048577 bytes is larger than the 1048576 bytes below the hypervisor area"
}

@test "loader: a FIFO is not a regular file, and opening it does not block" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run_split "$SKVM" --guest "$BATS_TEST_TMPDIR/fifo"
	[ "$status" -eq 2 ]
	assert_equal "$output" ""
	assert_equal "$stderr" "simple-kvm: $BATS_TEST_TMPDIR/fifo: not a regular file"
}

# 1000 MB of holes: reading it would take seconds and 1000 MB of RSS (it
# did: "flat image over 1 MiB" came after both). Refused by its size
# alone, the run's peak RSS stays small (GNU time measures it).
@test "loader: a file over the largest guest RAM is refused without reading it" {
	[ -x /usr/bin/time ] || skip "GNU time (/usr/bin/time) is not installed"
	local big="$BATS_TEST_TMPDIR/big" rss="$BATS_TEST_TMPDIR/rss"
	truncate -s 1000M "$big"
	run_split /usr/bin/time -o "$rss" -f %M "$SKVM" --guest "$big"
	assert_equal "$stderr" "simple-kvm: $big: 1048576000 bytes, larger than the largest guest RAM (512 MiB)"
	assert_equal "$output" ""
	assert_equal "$status" 2
	# The last line: GNU time writes "Command exited with non-zero status 2" first.
	local peak_kib=$(tail -1 "$rss")
	[ "$peak_kib" -lt 100000 ] || { echo "peak RSS $peak_kib KiB"; return 1; }
}
