/*
 * A real-mode test guest (16-bit code, loaded at guest address 0) that
 * makes every hypercall of ABI v1 once, the way a real-mode guest can:
 * 32-bit `in`/`out` with the operand-size prefix, guest virtual addresses
 * that are linear ones (segment * 16 + offset). It also reads the string
 * numExitsByType returned with its own instructions, through segment
 * 0xFFFF, to show that the result area lies where real mode reaches.
 * part1b/tests/real-mode.bats holds its expected output.
 *
 * Built with -DABUSE=NAME, it first makes the abuse NAME (hostile.c's, in
 * the forms real mode allows) and then prints "still running".
 *
 * Its interrupt table (IVT) at guest address 0 has one entry of its own:
 * vector 6 (#UD), for triple_fault's ud2. Where the KVM honours the IDT
 * limit of 0 that lidt sets, the ud2 is a triple fault and the entry is
 * never read; where it does not (kvm-pvm, kvm_intel's vm86 path) the ud2
 * comes here instead of running whatever bytes the table would hold, and
 * the guest says so and halts.
 */
#define PRINT8BIT       0xE9
#define PRINT32BIT      0xEA
#define NUMEXITS        0xEB
#define PRINTSTR        0xEC
#define NUMEXITSBYTYPE  0xED
#define GVATOHVA        0xEE
#define REAL_MODE_TOP   0xFFFF0  /* the base of segment 0xFFFF */
/* The gvaToHva argument, { gva, hva }, in RAM the image does not use. */
#define arg_gva         0x8000
#define arg_hva         0x8004

	.code16
	.section .start, "ax"
	.globl _start
_start:
	jmp	start_body
	.org	4 * 6                   /* IVT entry 6: offset, segment */
	.word	ud_through_ivt, 0
start_body:
	xorw	%ax, %ax
	movw	%ax, %ds
#ifdef ABUSE
	call	ABUSE
	movl	$still_running, %eax
	outl	%eax, $PRINTSTR
	hlt
#else
	call	every_call
	hlt
#endif

	.text
/* print8bit, print32bit, numExits, printStr, numExitsByType, gvaToHva. */
every_call:
	movb	$'R', %al
	outb	%al, $PRINT8BIT
	movb	$'\n', %al
	outb	%al, $PRINT8BIT         /* exits 1, 2 */
	movl	$2048, %eax
	outl	%eax, $PRINT32BIT       /* 3 */
	inl	$NUMEXITS, %eax         /* 4: returns 4 */
	outl	%eax, $PRINT32BIT       /* 5 */
	movl	$hello, %eax
	outl	%eax, $PRINTSTR         /* 6 */
	inl	$NUMEXITSBYTYPE, %eax   /* 7: 2 in, 5 out so far */
	movl	%eax, %esi
	outl	%eax, $PRINTSTR         /* 8 */
	/* The same string, read by the guest: segment 0xFFFF, offset
	 * gva - 0xFFFF0, its first line byte by byte. */
	movw	$0xFFFF, %ax
	movw	%ax, %es
	movl	%esi, %ebx
	subl	$REAL_MODE_TOP, %ebx
1:	movb	%es:(%bx), %al
	outb	%al, $PRINT8BIT         /* "IO in: 2\n": exits 9-17 */
	incw	%bx
	cmpb	$'\n', %al
	jne	1b
	/* gvaToHva of an address in RAM, then of one past its end. */
	movl	$0x400, arg_gva
	movl	$arg_gva, %eax
	outl	%eax, $GVATOHVA
	movl	arg_hva, %eax
	outl	%eax, $PRINT32BIT
	movl	$0x300000, arg_gva
	movl	$arg_gva, %eax
	outl	%eax, $GVATOHVA         /* Invalid GVA */
	movl	arg_hva, %eax
	outl	%eax, $PRINT32BIT       /* 0 */
	ret

/* ---- abuses, in the forms real mode allows ---- */

/* Guest physical memory past the end of the 2 MiB of RAM: no page table
 * in real mode, so the address is outside RAM rather than unmapped. */
printstr_outside_ram:
	movl	$0x300000, %eax
	outl	%eax, $PRINTSTR
	ret

gvatohva_arg_straddles_end:
	movl	$(0x200000 - 4), %eax
	outl	%eax, $GVATOHVA
	ret

gvatohva_arg_wraps:
	movl	$0xFFFFFFFC, %eax
	outl	%eax, $GVATOHVA
	ret

wrong_size:
	movb	$7, %al
	outb	%al, $PRINT32BIT
	inw	$NUMEXITS, %ax
	movzwl	%ax, %eax
	outl	%eax, $PRINT32BIT
	ret

wrong_direction:
	inl	$PRINT32BIT, %eax
	outl	%eax, $PRINT32BIT
	movl	$1, %eax
	outl	%eax, $NUMEXITS
	ret

unknown_ports:
	movb	$1, %al
	outb	%al, $0x80
	movb	$2, %al
	outb	%al, $0x80
	inl	$0x81, %eax
	outl	%eax, $PRINT32BIT
	inl	$0x81, %eax
	outl	%eax, $PRINT32BIT
	ret

/* The whole result area, scribbled over through segment 0xFFFF. */
overwrite_result_area:
	inl	$NUMEXITSBYTYPE, %eax
	movl	%eax, %esi
	movw	$0xFFFF, %ax
	movw	%ax, %es
	movl	%esi, %edi
	subl	$REAL_MODE_TOP, %edi
	movb	$'X', %al
	movw	$16 * 64, %cx
	cld
	rep stosb
	movl	%esi, %eax
	outl	%eax, $PRINTSTR
	movb	$'\n', %al
	outb	%al, $PRINT8BIT
	inl	$NUMEXITSBYTYPE, %eax
	outl	%eax, $PRINTSTR
	ret

/* An interrupt table of limit 0, then an exception: a triple fault. */
triple_fault:
	lidt	empty_idt
	ud2

/* IVT entry 6: the ud2 went through the table despite its limit 0. */
ud_through_ivt:
	movl	$ivt_report, %eax
	outl	%eax, $PRINTSTR
	hlt

	.section .rodata
hello:	.asciz	"real mode\n"
still_running:
	.asciz	"still running\n"
ivt_report:
	.asciz	"exception 6 (#UD) went through the IVT at guest address 0 despite its limit 0: this KVM ignores the IDT limit in real mode, no triple fault\n"
empty_idt:
	.word	0
	.long	0

