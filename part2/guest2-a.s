# Morpheus for matrix-a: counts down in ax and shows every value on port 0x11.
# Each `out` is a VM exit, so the host sees 0, 65535, 65534, ... in turn.
	.code16
	xor	%ax, %ax
1:
	out	%ax, $0x11
	dec	%ax
	jmp	1b
