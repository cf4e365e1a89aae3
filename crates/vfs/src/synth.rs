//! Content of the persona's files that are not shipped: programs and other large binaries.
//!
//! The base image lists every file of a real Debian 12 root with its size, but ships the
//! bytes of text files only. A program's bytes are made on read from a per-path seed:
//! an ELF header, then machine-code-like filler, with the strings a linked Debian program
//! carries placed where the linker puts them (loader path, imported libc symbols, GLIBC
//! versions, compiler note, section names), so `strings`, `grep -a` and `file` find what
//! they find on a real box. The same path always gives the same bytes and the size never
//! changes.

/// Deterministic filler for content that is not shipped (splitmix64 stream), with an
/// x86-64 ELF header first when `elf` is set.
pub fn synthesize(seed: u64, elf: bool, len: usize) -> Vec<u8> {
    const ELF_HEADER: [u8; 64] = [
        0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ident
        3, 0, 0x3e, 0, 1, 0, 0, 0, // ET_DYN, x86-64, version 1
        0x60, 0x61, 0, 0, 0, 0, 0, 0, // entry
        0x40, 0, 0, 0, 0, 0, 0, 0, // phoff
        0x08, 0x3e, 0x02, 0, 0, 0, 0, 0, // shoff
        0, 0, 0, 0, 0x40, 0, 0x38, 0, // flags, ehsize, phentsize
        0x0d, 0, 0x40, 0, 0x1f, 0, 0x1e, 0, // phnum, shentsize, shnum, shstrndx
    ];
    let mut out = Vec::with_capacity(len);
    if elf {
        out.extend_from_slice(ELF_HEADER.get(..len.min(64)).unwrap_or(&[]));
    }
    let mut state = seed;
    fill(&mut out, &mut state, len);
    if elf {
        for (at, text) in elf_strings(seed) {
            if let Some(dst) = out.get_mut(at..at + text.len()) {
                dst.copy_from_slice(&text);
            }
        }
    }
    out
}

/// Libc symbols a dynamically linked Debian program imports; each binary gets a
/// seed-chosen subset in its `.dynstr`.
const LIBC_SYMBOLS: &[&str] = &[
    "__cxa_finalize",
    "__libc_start_main",
    "__stack_chk_fail",
    "__errno_location",
    "malloc",
    "free",
    "calloc",
    "realloc",
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "strlen",
    "strcmp",
    "strncmp",
    "strchr",
    "strrchr",
    "strdup",
    "strerror",
    "getenv",
    "setlocale",
    "bindtextdomain",
    "textdomain",
    "dcgettext",
    "fputs_unlocked",
    "fwrite",
    "fflush",
    "fclose",
    "fopen",
    "fileno",
    "open",
    "close",
    "read",
    "write",
    "lseek",
    "fstat",
    "stat",
    "opendir",
    "readdir",
    "closedir",
    "getopt_long",
    "optarg",
    "optind",
    "exit",
    "_exit",
    "abort",
    "isatty",
    "ioctl",
    "getpid",
    "getuid",
    "geteuid",
    "signal",
    "sigaction",
    "__printf_chk",
    "__fprintf_chk",
    "__sprintf_chk",
    "error",
    "nl_langinfo",
    "mbrtowc",
    "iswprint",
    "__ctype_b_loc",
    "__ctype_get_mb_cur_max",
    "qsort",
    "clock_gettime",
    "localtime_r",
    "strftime",
    "getpwuid",
    "getgrgid",
    "readlink",
    "__progname",
    "program_invocation_name",
    "stdout",
    "stderr",
];

/// The strings a real ELF program carries, at the offsets a linker puts them: the loader
/// path in `.interp`, the imported symbols and libraries in `.dynstr`, the compiler note,
/// and the section names. `strings` and `grep -a` then find what they would on a real box.
fn elf_strings(seed: u64) -> Vec<(usize, Vec<u8>)> {
    let mut dynstr = Vec::new();
    for (i, sym) in LIBC_SYMBOLS.iter().enumerate() {
        // About two thirds of the pool, chosen by the seed's bits.
        if !(seed.rotate_left(i as u32 % 64) ^ (i as u64)).is_multiple_of(3) || i < 2 {
            dynstr.extend_from_slice(sym.as_bytes());
            dynstr.push(0);
        }
    }
    dynstr.extend_from_slice(
        b"libc.so.6\0GLIBC_2.2.5\0GLIBC_2.3\0GLIBC_2.3.4\0GLIBC_2.4\0GLIBC_2.14\0GLIBC_2.17\0GLIBC_2.33\0GLIBC_2.34\0_ITM_deregisterTMCloneTable\0__gmon_start__\0_ITM_registerTMCloneTable\0",
    );
    vec![
        (0x318, b"/lib64/ld-linux-x86-64.so.2\0".to_vec()),
        (0x338, b"GNU\0".to_vec()),
        (0x9a0, dynstr),
        (
            0x2_0f40,
            b"GCC: (Debian 12.2.0-14) 12.2.0\0\0.shstrtab\0.interp\0.note.gnu.property\0.note.gnu.build-id\0.note.ABI-tag\0.gnu.hash\0.dynsym\0.dynstr\0.gnu.version\0.gnu.version_r\0.rela.dyn\0.rela.plt\0.init\0.plt.got\0.text\0.fini\0.rodata\0.eh_frame_hdr\0.eh_frame\0.init_array\0.fini_array\0.data.rel.ro\0.dynamic\0.got\0.data\0.bss\0.gnu_debuglink\0".to_vec(),
        ),
    ]
}

/// Appends seeded pseudo-random bytes to `out` up to `len` (mostly zeros and high bytes, as
/// machine code and tables look).
fn fill(out: &mut Vec<u8>, state: &mut u64, len: usize) {
    while out.len() < len {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        for b in z.to_le_bytes() {
            if out.len() < len {
                // Binaries are mostly zero bytes and small values; keep it looking so.
                out.push(if b < 128 { 0 } else { b });
            }
        }
    }
}
