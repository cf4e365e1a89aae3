//! The rule-table format shared by the threat and ATT&CK tables.
//!
//! A table is tab-separated text: one rule per line, `#` starts a comment line, and the last
//! field is a regular expression over the normalised, lower-case command line. In patterns,
//! `@cmd(a|b)` stands for the command words `a` or `b`: the line start or a separator before,
//! and the line end or a separator after, so `@cmd(id)` matches `id` and `/usr/bin/id` but
//! not `idle`. Operators use the same pattern syntax in the config.

use crate::DetectError;

/// Start of a command word: the line start or a separator before it.
pub const WS: &str = r"(?:^|[\s;&|(`/])";
/// End of a command word.
pub const WE: &str = r"(?:$|[\s;&|)`])";

/// The rows of a table: its non-comment lines split on tabs, each with exactly `fields`
/// fields.
pub fn rows(text: &str, fields: usize, name: &str) -> Result<Vec<Vec<String>>, DetectError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let row: Vec<String> = line.split('\t').map(str::to_string).collect();
        if row.len() != fields {
            return Err(DetectError::Table(format!(
                "{name} line {}: {} fields, expected {fields}",
                n + 1,
                row.len()
            )));
        }
        out.push(row);
    }
    Ok(out)
}

/// Expands `@cmd(...)` in a pattern (see the module doc).
pub fn expand(pattern: &str) -> Result<String, String> {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(at) = rest.find("@cmd(") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let inner_start = at + "@cmd(".len();
        let tail = rest.get(inner_start..).unwrap_or("");
        let mut depth = 1usize;
        let mut end = None;
        let mut escaped = false;
        for (i, c) in tail.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end.ok_or_else(|| "unclosed @cmd(".to_string())?;
        let names = tail.get(..end).unwrap_or("");
        out.push_str(&format!("{WS}(?:{names}){WE}"));
        rest = tail.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Expands and compiles-checks one pattern of rule `id`.
pub fn pattern(id: &str, raw: &str) -> Result<String, DetectError> {
    let p = expand(raw).map_err(|e| DetectError::Table(format!("rule {id}: {e}")))?;
    regex::Regex::new(&p).map_err(|source| DetectError::Pattern {
        id: id.to_string(),
        source,
    })?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmd_macro_expands_with_nested_groups() {
        let p = expand(r"@cmd(mkfs(?:\.[a-z0-9]+)?)|zz").unwrap();
        let re = regex::Regex::new(&p).unwrap();
        assert!(re.is_match("mkfs.ext4 /dev/sda"));
        assert!(re.is_match("cd /; /sbin/mkfs /dev/sda"));
        assert!(!re.is_match("mkfsx"));
        assert!(expand("@cmd(a").is_err());
        assert_eq!(expand("plain").unwrap(), "plain");
    }

    #[test]
    fn rows_need_their_fields() {
        assert_eq!(rows("# c\na\tb\n\n", 2, "t").unwrap().len(), 1);
        let e = rows("a\tb\tc\n", 2, "t").unwrap_err().to_string();
        assert_eq!(e, "t line 1: 3 fields, expected 2");
    }
}
