# The real-mode guest of coalesce-bench: 65536 print8bit calls ('x' to
# port 0xE9), then hlt. `loop` with cx = 0 runs 65536 times.
	.code16
	.globl _start
_start:
	xor	%cx, %cx
	mov	$'x', %al
1:	out	%al, $0xe9
	loop	1b
	hlt
