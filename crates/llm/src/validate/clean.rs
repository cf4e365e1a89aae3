//! Cleaning an answer before the checks: line endings, controls and invisible characters,
//! blank edges, a wrapping code fence, one-line backticks, and for commands `**bold**`, an
//! echoed command line at the top and a shell prompt at the bottom (see the parent module).

use super::CheckCtx;

/// The cleaning steps of the module documentation, as lines.
pub(super) fn clean(raw: &str, ctx: &CheckCtx<'_>) -> Vec<String> {
    let text: String = raw
        .replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| {
            !((c.is_control() && c != '\n' && c != '\t') || crate::prompt::is_invisible(c))
        })
        .collect();
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    trim_blank(&mut lines);
    unwrap_fence(&mut lines);
    trim_blank(&mut lines);
    if let [only] = lines.as_mut_slice() {
        let t = only.trim();
        if t.len() >= 3 && t.starts_with('`') && t.ends_with('`') {
            let inner = t.trim_matches('`');
            if !inner.contains('`') && t.len() == inner.len() + 2 {
                *only = inner.to_owned();
            }
        }
    }
    if !ctx.file {
        for l in lines.iter_mut() {
            if l.contains("**") {
                *l = strip_bold(l);
            }
        }
        if lines
            .first()
            .is_some_and(|l| echoes_command(l, ctx.command))
        {
            lines.remove(0);
        }
        if lines.len() > 1 && lines.last().is_some_and(|l| is_prompt_line(l)) {
            lines.pop();
        }
    }
    trim_blank(&mut lines);
    lines
}

fn trim_blank(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let lead = lines.iter().take_while(|l| l.trim().is_empty()).count();
    lines.drain(..lead);
}

/// Removes a code fence wrapping the whole answer (or an opening fence never closed).
fn unwrap_fence(lines: &mut Vec<String>) {
    let opens = lines.first().is_some_and(|l| {
        let t = l.trim();
        t.strip_prefix("```").is_some_and(|tag| {
            tag.len() <= 24
                && tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '_' | '.'))
        })
    });
    if !opens {
        return;
    }
    let is_close = |l: &String| l.trim() == "```";
    let closes = lines.len() > 1 && lines.last().is_some_and(is_close);
    let inner_fences = lines
        .iter()
        .skip(1)
        .filter(|l| l.trim_start().starts_with("```"))
        .count();
    if closes {
        lines.pop();
        lines.remove(0);
    } else if inner_fences == 0 {
        lines.remove(0);
    }
}

/// `**word**` → `word` when the inside reads as words (no `/`, `*` or backtick, starts and
/// ends with a non-blank, holds a letter): `**/node_modules/**` stays.
fn strip_bold(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("**") {
        let (before, after_open) = (
            rest.get(..start).unwrap_or(""),
            rest.get(start + 2..).unwrap_or(""),
        );
        let Some(end) = after_open.find("**") else {
            break;
        };
        let inner = after_open.get(..end).unwrap_or("");
        let words = !inner.is_empty()
            && inner.len() <= 80
            && !inner.starts_with(char::is_whitespace)
            && !inner.ends_with(char::is_whitespace)
            && inner.chars().any(char::is_alphabetic)
            && !inner.contains(['/', '*', '`']);
        out.push_str(before);
        if words {
            out.push_str(inner);
            rest = after_open.get(end + 2..).unwrap_or("");
        } else {
            out.push_str("**");
            rest = after_open;
        }
    }
    out.push_str(rest);
    out
}

/// The line repeats the command, bare or after a shell prompt.
pub(super) fn echoes_command(line: &str, command: &str) -> bool {
    let cmd = command.trim();
    let line = line.trim();
    if cmd.is_empty() {
        return false;
    }
    if line == cmd {
        return true;
    }
    let Some(head) = line.strip_suffix(cmd) else {
        return false;
    };
    let head = head.trim_end();
    head.strip_suffix(['$', '#'])
        .is_some_and(|p| p.trim().is_empty() || prompt_shaped(p.trim()))
}

/// A bare shell prompt such as `root@web-01:~#` or `[root@web-01 ~]$`.
fn is_prompt_line(line: &str) -> bool {
    let t = line.trim();
    t.len() <= 120
        && t.strip_suffix(['$', '#'])
            .is_some_and(|p| prompt_shaped(p.trim_end()))
}

pub(super) fn prompt_shaped(p: &str) -> bool {
    (p.contains('@') && !p.contains(char::is_whitespace))
        || (p.starts_with('[') && p.ends_with(']') && p.contains('@'))
}
