# Neo for matrix-a: counts up in ax and shows every value on port 0x10.
# Each `out` is a VM exit, so the host sees 0, 1, 2, ... in turn.
	.code16
	xor	%ax, %ax
1:
	out	%ax, $0x10
	inc	%ax
	jmp	1b
