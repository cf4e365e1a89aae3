//! One level of payload decoding for the injection detector: backslash escapes (`\x69`,
//! `\151`, `\u0069`), `%69` url-encoding, base64 runs and plain hex runs found in a line are
//! decoded once, and the results that are mostly printable UTF-8 are handed back to be
//! matched like the line itself.
//!
//! The work is linear in the line: escapes and url-encoding are decoded in one pass over the
//! whole line each, and base64/hex runs are disjoint tokens of it, each decoded once.
//! Nothing decoded is decoded again.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Shortest base64 or hex run worth decoding.
const MIN_RUN: usize = 16;

/// Lenient base64: padding optional, trailing bits allowed (a run cut by the line cap or a
/// quote still decodes).
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// The decoded payloads of `line`, at most `max` of them: the whole line with its backslash
/// escapes decoded, the whole line url-decoded, then each base64 or hex run, in that order.
/// Only decodings that changed something and are mostly printable UTF-8 are kept.
pub(super) fn payloads(line: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    if bytes.contains(&b'\\')
        && let Some(text) = unescape(bytes).and_then(printable)
    {
        out.push(text);
    }
    if bytes.contains(&b'%')
        && let Some(text) = percent_decode(bytes).and_then(printable)
    {
        out.push(text);
    }
    let mut start = 0;
    for end in 0..=bytes.len() {
        if out.len() >= max {
            break;
        }
        if bytes.get(end).is_some_and(|&b| is_run_byte(b)) {
            continue;
        }
        if end - start >= MIN_RUN
            && let Some(text) = line
                .get(start..end)
                .and_then(decode_run)
                .and_then(printable)
        {
            out.push(text);
        }
        start = end + 1;
    }
    out.truncate(max);
    out
}

/// Characters of base64 (standard and url-safe, with padding) and so of hex.
fn is_run_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
}

/// Decodes one run: plain hex (even length, optional `0x`) if it is all hex digits, base64
/// otherwise.
fn decode_run(token: &str) -> Option<Vec<u8>> {
    let hex_digits = token
        .strip_prefix("0x")
        .or_else(|| token.strip_prefix("0X"))
        .unwrap_or(token);
    if hex_digits.len() >= MIN_RUN && hex_digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return if hex_digits.len().is_multiple_of(2) {
            hex::decode(hex_digits).ok()
        } else {
            None
        };
    }
    let body = token.trim_end_matches('=');
    if body.len() < MIN_RUN || body.contains('=') {
        return None;
    }
    let standard = body.contains(['+', '/']);
    let url_safe = body.contains(['-', '_']);
    let engine = match (standard, url_safe) {
        (true, true) => return None,
        (false, true) => &URL_SAFE,
        _ => &STANDARD,
    };
    // A length of 4n+1 cannot be base64: drop the stray last character.
    let usable = if body.len() % 4 == 1 {
        body.len() - 1
    } else {
        body.len()
    };
    engine.decode(body.get(..usable)?).ok()
}

/// The line with `\xHH`, `\uHHHH`, `\0NNN` and `\NNN` (octal) escapes replaced by what
/// `echo -e`, `printf` and `$'...'` would make of them; other backslashes are kept. `None`
/// when there was no such escape.
fn unescape(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.get(i) {
            Some(b'\\') => {
                out.extend_from_slice(b"\\\\");
                i += 1;
                continue;
            }
            Some(b'x') => {
                let (v, n) = digits(bytes.get(i + 1..).unwrap_or_default(), 16, 2);
                if n > 0 {
                    out.push(low_byte(v));
                    i += 1 + n;
                    changed = true;
                    continue;
                }
            }
            Some(b'u') => {
                let (v, n) = digits(bytes.get(i + 1..).unwrap_or_default(), 16, 4);
                if n == 4
                    && let Some(c) = char::from_u32(v)
                {
                    out.extend_from_slice(c.encode_utf8(&mut [0u8; 4]).as_bytes());
                    i += 5;
                    changed = true;
                    continue;
                }
            }
            Some(b'0') => {
                let (v, n) = digits(bytes.get(i + 1..).unwrap_or_default(), 8, 3);
                out.push(low_byte(v));
                i += 1 + n;
                changed = true;
                continue;
            }
            Some(b'1'..=b'7') => {
                let (v, n) = digits(bytes.get(i..).unwrap_or_default(), 8, 3);
                out.push(low_byte(v));
                i += n;
                changed = true;
                continue;
            }
            _ => {}
        }
        out.push(b);
    }
    changed.then_some(out)
}

/// The line with `%HH` replaced by the byte; `None` when there was none.
fn percent_decode(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut changed = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        if b == b'%' {
            let (v, n) = digits(bytes.get(i..).unwrap_or_default(), 16, 2);
            if n == 2 {
                out.push(low_byte(v));
                i += 2;
                changed = true;
                continue;
            }
        }
        out.push(b);
    }
    changed.then_some(out)
}

/// The value of up to `max` leading digits of `bytes` in `radix`, and how many there were.
fn digits(bytes: &[u8], radix: u32, max: usize) -> (u32, usize) {
    let mut value = 0u32;
    let mut n = 0;
    for &b in bytes.iter().take(max) {
        match char::from(b).to_digit(radix) {
            Some(d) => {
                value = value * radix + d;
                n += 1;
            }
            None => break,
        }
    }
    (value, n)
}

/// The low eight bits (octal `\777` wraps like it does in bash).
fn low_byte(v: u32) -> u8 {
    u8::try_from(v & 0xFF).unwrap_or_default()
}

/// `bytes` as text if it is UTF-8 and at least 90 % printable (whitespace counts as
/// printable): binaries, `\x7fELF` droppers and base64 of random data are not text to an LLM.
fn printable(bytes: Vec<u8>) -> Option<String> {
    let text = String::from_utf8(bytes).ok()?;
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if (c.is_control() && !c.is_whitespace()) || c == char::REPLACEMENT_CHARACTER {
            bad += 1;
        }
    }
    (total > 0 && bad * 10 <= total).then_some(text)
}
