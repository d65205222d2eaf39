# The repository's docs stand alone: every "SPEC §x.y" cited in code, tests
# and docs is a section of docs/SPEC.md, and no doc names a file outside
# the repository or a path of a developer's machine.
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

@test "docs: no doc names ../shared/SPEC.md or a developer's /work/ path" {
	found=$(find "$TOP" -path "$TOP/.git" -prune -o -name '*.md' -print |
		xargs grep -n -e 'shared/SPEC' -e '/work/' || true)
	assert_equal "$found" ""
}
