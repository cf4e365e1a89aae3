//! Text folding for the injection detector: the public [`normalize`] (zero-width and control
//! characters out, NFKC, lowercase, confusables mapped to Latin, whitespace collapsed) and the
//! shell view the patterns run on (quotes, backslash escapes and `$IFS` undone).
//!
//! Pure-ASCII text takes a fast path: NFKC and lowercase are byte operations there and the
//! skeleton is only applied to non-ASCII characters, so ASCII needs no Unicode tables at all.

use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// The normalisation, public for tests and for the LLM guard: zero-width stripped, NFKC,
/// lowercased, skeleton (confusables mapped to Latin), whitespace collapsed.
///
/// In detail, in this order:
/// - zero-width and other invisible format characters (ZWSP, ZWJ, ZWNJ, word joiner, BOM,
///   soft hyphen, bidi controls, variation selectors) and C0/C1 control characters other
///   than whitespace are removed; Unicode tag characters (U+E0020..U+E007E, "ASCII
///   smuggling") become the ASCII characters they shadow;
/// - NFKC (fullwidth and mathematical letters become ASCII, compatibility spaces become
///   spaces);
/// - lowercase;
/// - every non-ASCII character is replaced by the ASCII character with the same UTS-39
///   skeleton (Cyrillic `і`, `е`, `о`, Greek `ο` ...), with diacritics dropped; characters
///   with no ASCII look-alike (CJK, most Cyrillic) are kept. ASCII itself is left alone: the
///   skeleton of `m` is `rn`, of `1` is `l`, which would only garble plain text;
/// - runs of whitespace become one space, and the ends are trimmed.
pub fn normalize(line: &str) -> String {
    fold(&base(line), true, false)
}

/// Stands for a removed zero-width character in [`base`] text until [`fold`] decides what
/// it is (a noncharacter: never assigned, so never in real text).
const ZERO_WIDTH: char = '\u{FDD0}';

/// The steps every view shares: tag characters to ASCII, other invisible characters to
/// [`ZERO_WIDTH`], NFKC, lowercase. ASCII text is returned as it is (it is its own NFKC and
/// [`fold`] lowercases ASCII itself).
pub(super) fn base(line: &str) -> std::borrow::Cow<'_, str> {
    if line.is_ascii() {
        return line.into();
    }
    let visible = line.chars().map(|c| unsmuggle(c).unwrap_or(ZERO_WIDTH));
    visible
        .nfkc()
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .into()
}

/// Does [`base`] text have zero-width characters?
pub(super) fn has_zero_width(base: &str) -> bool {
    !base.is_ascii() && base.contains(ZERO_WIDTH)
}

/// The rest of [`normalize`] on [`base`] text, with or without the skeleton step, and with
/// zero-width characters removed or read as spaces. Without the skeleton, words in scripts
/// that have ASCII look-alikes (Cyrillic) stay intact for the multi-language patterns. A
/// zero-width character can hide inside a word (`ig\u{200d}nore`: remove it) or stand for
/// the space between two (`ignore\u{200b}previous`: a space), so lines that have one are
/// matched both ways.
pub(super) fn fold(base: &str, skeleton: bool, zero_width_is_space: bool) -> String {
    let mut out = String::with_capacity(base.len());
    let mut space = false;
    if base.is_ascii() {
        for b in base.bytes() {
            push_folded(&mut out, &mut space, char::from(b.to_ascii_lowercase()));
        }
        return out;
    }
    for c in base.chars() {
        let c = match c {
            ZERO_WIDTH if zero_width_is_space => ' ',
            ZERO_WIDTH => continue,
            c if c.is_ascii() || !skeleton => c,
            c => match latin_lookalike(c) {
                Latin::Ascii(a) => a,
                Latin::Mark => continue,
                Latin::None => c,
            },
        };
        push_folded(&mut out, &mut space, c);
    }
    out
}

/// Appends `c` to `out`, collapsing whitespace runs to one space and dropping leading
/// whitespace and control characters. `space` remembers a pending space, written only when
/// something follows it, so the result has no trailing space either.
fn push_folded(out: &mut String, space: &mut bool, c: char) {
    if c.is_whitespace() {
        *space = !out.is_empty();
    } else if !c.is_control() {
        if *space {
            out.push(' ');
            *space = false;
        }
        out.push(c);
    }
}

/// Drops invisible format characters and maps tag characters to ASCII.
fn unsmuggle(c: char) -> Option<char> {
    match u32::from(c) {
        0xE0020..=0xE007E => char::from_u32(u32::from(c) - 0xE0000),
        0x00AD
        | 0x034F
        | 0x061C
        | 0x115F
        | 0x1160
        | 0x17B4
        | 0x17B5
        | 0x180B..=0x180F
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x206F
        | 0x3164
        | 0xFE00..=0xFE0F
        | 0xFEFF
        | 0xFFA0
        | 0xE0000..=0xE001F
        | 0xE007F..=0xE0FFF => None,
        _ => Some(c),
    }
}

/// What a non-ASCII character folds to.
enum Latin {
    /// An ASCII look-alike.
    Ascii(char),
    /// A lone combining mark: dropped.
    Mark,
    /// No ASCII look-alike: the character stays.
    None,
}

/// Is `c` a combining diacritical mark (the blocks NFD puts accents in)?
fn is_mark(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F
    )
}

/// The ASCII character whose skeleton equals the skeleton of `c`, diacritics ignored.
fn latin_lookalike(c: char) -> Latin {
    if is_mark(c) {
        return Latin::Mark;
    }
    // Skeletons of ASCII characters are one or two ASCII characters (`m` is `rn`): stop at
    // the first non-ASCII one, which is where CJK and most Cyrillic stop.
    let mut skel = [0u8; 2];
    let mut len = 0;
    let mut buf = [0u8; 4];
    for k in unicode_security::skeleton(c.encode_utf8(&mut buf)) {
        if is_mark(k) {
            continue;
        }
        match (u8::try_from(k), skel.get_mut(len)) {
            (Ok(a), Some(slot)) if a.is_ascii() => *slot = a,
            _ => return Latin::None,
        }
        len += 1;
    }
    // Zero-padded like the table's keys; an empty skeleton matches no key.
    match ascii_by_skeleton().iter().find(|(k, _)| *k == skel) {
        Some(&(_, a)) => Latin::Ascii(a),
        None => Latin::None,
    }
}

/// (Skeleton, ASCII character) for every printable ASCII character whose skeleton is one or
/// two ASCII characters, zero-padded, first match wins: lowercase letters come first, then
/// digits, then punctuation, so `l` (not `1` or `|`) has the skeleton `l` and `m` has `rn`.
fn ascii_by_skeleton() -> &'static [([u8; 2], char)] {
    static TABLE: OnceLock<Vec<([u8; 2], char)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<([u8; 2], char)> = Vec::new();
        let order = ('a'..='z')
            .chain('0'..='9')
            .chain((b'!'..=b'~').map(char::from));
        for a in order {
            let mut buf = [0u8; 4];
            let skel: Vec<u8> = unicode_security::skeleton(a.encode_utf8(&mut buf))
                .filter_map(|k| u8::try_from(k).ok())
                .collect();
            let key = match skel.as_slice() {
                [x] => [*x, 0],
                [x, y] => [*x, *y],
                _ => continue,
            };
            if !table.iter().any(|(k, _)| *k == key) {
                table.push((key, a));
            }
        }
        table
    })
}

/// The view the patterns run on, from folded (or raw ASCII) text: ASCII lowercased, control
/// characters dropped, `'` and `"` removed (`ig''no"re"` is `ignore` to the shell), backslash
/// escapes undone (`\n`, `\t`, `\r`, `\v`, `\f` become spaces, `\c` becomes `c`), `$IFS` and
/// `${IFS}` become spaces, whitespace collapsed. Backticks stay: they are markdown fences to
/// an LLM.
///
/// Applying it to raw ASCII text gives the same as applying it to [`normalize`]d text: it
/// lowercases and collapses itself, and nothing it does depends on how long a whitespace run
/// is.
pub(super) fn shell_view(text: &str) -> String {
    // Byte by byte: everything it changes is ASCII, and its input is either ASCII or the
    // output of `fold`, which has no control characters and no whitespace but ' ' left.
    let bytes = text.as_bytes();
    // No early exit: this loop vectorises, and control characters are rare.
    let controls = bytes.iter().fold(false, |any, &b| {
        any | ((b < 0x20 || b == 0x7f) & !is_space(b))
    });
    if controls {
        // Rare: drop them first, so that `\`, a control character and `n` is `\n` here as
        // it is after `normalize`.
        let visible: String = text
            .chars()
            .filter(|&c| !c.is_ascii_control() || u8::try_from(c).is_ok_and(is_space))
            .collect();
        return shell_view(&visible);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut space = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !is_special(b) {
            // A run of ordinary bytes: copied, lowercased.
            let rest = bytes.get(i..).unwrap_or_default();
            let run = rest
                .iter()
                .position(|&b| is_special(b))
                .unwrap_or(rest.len());
            if space {
                out.push(b' ');
                space = false;
            }
            let plain = rest.get(..run).unwrap_or_default();
            out.extend(plain.iter().map(u8::to_ascii_lowercase));
            i += run;
            continue;
        }
        i += 1;
        let c = match b {
            b'\'' | b'"' => continue,
            b'\\' => match bytes.get(i) {
                None => continue,
                Some(&e) => {
                    i += 1;
                    match e.to_ascii_lowercase() {
                        b'n' | b't' | b'r' | b'v' | b'f' => b' ',
                        e => e,
                    }
                }
            },
            b'$' => match ifs_len(bytes.get(i..).unwrap_or_default()) {
                0 => b'$',
                n => {
                    i += n;
                    b' '
                }
            },
            _ => b,
        };
        if is_space(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(b' ');
                space = false;
            }
            out.push(c);
        }
    }
    // Only ASCII bytes were dropped or replaced by ASCII: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Bytes [`shell_view`] does more with than lowercase them: quotes, `\\`, `$` and
/// whitespace.
fn is_special(b: u8) -> bool {
    /// Bit `n` set for each such byte `n` below 64.
    const LOW: u64 = (1 << b'\'') | (1 << b'"') | (1 << b'$') | (1 << b' ') | (0x1F << b'\t');
    if b < 64 {
        (LOW >> b) & 1 == 1
    } else {
        b == b'\\'
    }
}

/// ASCII whitespace as `char::is_whitespace` sees it (with vertical tab).
fn is_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// Length of the `IFS` or `{IFS}` that follows a `$` at the start of `rest`, or 0.
fn ifs_len(b: &[u8]) -> usize {
    if b.get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"{ifs}")) {
        5
    } else if b.get(..3).is_some_and(|p| p.eq_ignore_ascii_case(b"ifs"))
        && !b
            .get(3)
            .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_')
    {
        3
    } else {
        0
    }
}
