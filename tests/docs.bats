# The repository's docs stand alone: every "SPEC §x.y" cited in code, tests
# and docs is a section of docs/SPEC.md, no doc names a file outside the
# repository or a path of a developer's machine, and no doc cites an issue
# number.
load lib

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"

# The tracked-looking text files of the tree: sources, scripts, docs.
tree_files() {
	find "$TOP" -path "$TOP/.git" -prune -o -type f \
		\( -name '*.[chsS]' -o -name '*.md' -o -name '*.bats' -o -name '*.bash' \
		-o -name 'Makefile' -o -name '*.mk' -o -name '*.ld' -o -name '*.ms' \) -print
}

@test "docs: every SPEC § cited in the tree is a section of docs/SPEC.md" {
	cited=$(tree_files | xargs grep -ho 'SPEC §[0-9][0-9.]*\(, §[0-9][0-9.]*\)*' |
		grep -o '§[0-9][0-9.]*' | sed 's/^§//; s/\.$//' | sort -u)
	[ "$(wc -l <<<"$cited")" -ge 10 ]
	for section in $cited; do
		grep -Eq "^#+ ${section//./\\.}[. ]" "$TOP/docs/SPEC.md" ||
			{ echo "SPEC §$section is cited but docs/SPEC.md has no such section" >&2; return 1; }
	done
}

@test "docs: docs/SPEC.md says what a SPEC citation means, and the top README points to it" {
	grep -q 'A citation "SPEC §x.y" anywhere in this repository' "$TOP/docs/SPEC.md"
	grep -q '\[docs/SPEC.md\](docs/SPEC.md)' "$TOP/README.md"
}

# The Markdown docs: README.md, */README.md, docs/SPEC.md and the rest.
doc_files() {
	find "$TOP" -path "$TOP/.git" -prune -o -name '*.md' -print
}

@test "docs: no doc names ../shared/ (SPEC.md, the tools) or a developer's /work/ path" {
	found=$(doc_files | xargs grep -n -e 'shared/SPEC' -e '\.\./shared/' -e '/work/' || true)
	assert_equal "$found" ""
}

# An issue number means nothing to a reader of a clone: a doc says what was
# measured, and on which KVM, instead.
@test "docs: no doc cites an issue number (issue 11, issues 5 and 7, issue #3)" {
	found=$(doc_files | xargs grep -n -i -E '\bissues? #?[0-9]|\bissue-[0-9]' || true)
	assert_equal "$found" ""
}
