//! A plain-text transcript of one session, for an analyst to read or attach to a ticket.
//!
//! A header (session, sensor, addresses, times, client, HASSH, logins, risk, techniques,
//! tags) is followed by one line per event in order: `HH:MM:SS.mmm $ <input>` for a command
//! line followed by the output the attacker saw, and `HH:MM:SS.mmm <what>: <details>` for
//! logins, downloads, uploads, honeytoken touches, techniques, delays and the rest. Times are
//! UTC; the header gives the date.
//!
//! Design choice: the file may be `cat`ed in a terminal, so every attacker string goes
//! through [`escape`]: ESC, the other C0 controls except `\n` and `\t` (including CR), DEL,
//! the C1 controls and the bidirectional-override characters (Trojan Source) are shown as
//! `\x1b` / `\u{9b}` / `\u{202e}`, so the text cannot move the cursor, recolour, retitle or
//! reorder what the reader sees. Outside multi-line output, `\n` and `\t` are escaped too, so
//! a username cannot forge a transcript line. Known limit: the escaping is for display and
//! not reversible (a literal `\x1b` the attacker typed looks the same); the JSON export is the
//! exact record.

use std::fmt::Write as _;

use miragepot_event::{AuthMethod, Event, EventKind, ForwardKind, UploadVia};

use crate::{SessionExport, timefmt};

/// Renders the transcript of `export`.
pub fn render(export: &SessionExport<'_>) -> String {
    let mut out = String::new();
    header(&mut out, export);
    out.push_str("\n--- events (times UTC) ---\n");
    let mut last_input: Option<&str> = None;
    for event in export.events {
        body_line(&mut out, event, &mut last_input);
    }
    out.push_str("--- end of transcript ---\n");
    out
}

/// Escapes terminal control characters in attacker text for display on one line: C0 controls
/// (including `\n`, `\t` and CR), DEL, C1 controls and bidi overrides become `\xNN` or
/// `\u{NNNN}`.
pub fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// Like [`escape`], but keeps `\n` and `\t` (for multi-line command output). A CR LF pair is
/// shown as a plain line break.
pub fn escape_multiline(text: &str) -> String {
    escape_with(&text.replace("\r\n", "\n"), true)
}

fn escape_with(text: &str, keep_layout: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\t' if keep_layout => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", u32::from(c));
            }
            '\u{80}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out
}

fn header(out: &mut String, export: &SessionExport<'_>) {
    let field = |out: &mut String, name: &str, value: &str| {
        let _ = writeln!(out, "{:<16}{}", format!("{name}:"), value);
    };
    out.push_str("miragepot session transcript\n");
    field(out, "Session", &export.session.to_string());
    field(out, "Sensor", &escape(export.sensor().unwrap_or("-")));
    let source = export.source().map_or("-".into(), |s| s.to_string());
    field(out, "Source", &source);
    if let Some((ip, port, protocol)) = export.destination() {
        field(
            out,
            "Destination",
            &format!("{} ({protocol})", std::net::SocketAddr::new(ip, port)),
        );
    }
    let time = |t: Option<time::OffsetDateTime>| t.map_or("-".into(), timefmt::readable);
    field(out, "Start", &time(export.start()));
    field(out, "End", &time(export.end()));
    let duration = export
        .duration_ms()
        .map_or("-".into(), |ms| format!("{}.{:03} s", ms / 1000, ms % 1000));
    field(out, "Duration", &duration);

    let mut version = None;
    let mut hassh = None;
    let mut attempts = 0u32;
    let mut logins: Vec<String> = Vec::new();
    let mut techniques: Vec<String> = Vec::new();
    for event in export.events {
        match &event.kind {
            EventKind::ClientVersion { version: v } => version = Some(v.as_str()),
            EventKind::ClientKex { hassh: h, .. } => hassh = Some(h.as_str()),
            EventKind::AuthAttempt {
                username,
                password,
                key_fingerprint,
                success,
                ..
            } => {
                attempts = attempts.saturating_add(1);
                if *success {
                    logins.push(credential(username, password, key_fingerprint));
                }
            }
            EventKind::Technique(t) => {
                let line = format!("{} {}", escape(&t.technique), escape(&t.name));
                if !techniques.contains(&line) {
                    techniques.push(line);
                }
            }
            _ => {}
        }
    }
    let summary = export.summary();
    if let Some(s) = summary {
        if attempts == 0 {
            attempts = s.login_attempts;
        }
        if logins.is_empty()
            && let Some((user, password)) = &s.login
        {
            logins.push(credential(user, password, &None));
        }
        if techniques.is_empty() {
            techniques = s.techniques.iter().map(|t| escape(t)).collect();
        }
    }
    field(out, "Client version", &escape(version.unwrap_or("-")));
    field(out, "HASSH", &escape(hassh.unwrap_or("-")));
    let logins = if logins.is_empty() {
        "none succeeded".to_string()
    } else {
        format!("succeeded as {}", logins.join(", "))
    };
    field(out, "Login attempts", &format!("{attempts} ({logins})"));
    let risk = summary.map_or("-".into(), |s| {
        format!("{} ({})", s.risk_score, s.risk_band.as_str())
    });
    field(out, "Risk", &risk);
    field(out, "Techniques", &list(&techniques));
    let tags: Vec<String> = export.tags.iter().map(|t| escape(t)).collect();
    field(out, "Tags", &list(&tags));
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.join(", ")
    }
}

/// `user / password`, `user (key SHA256:…)` or `user`, escaped.
fn credential(user: &str, password: &Option<String>, key: &Option<String>) -> String {
    match (password, key) {
        (Some(p), _) => format!("{} / {}", escape(user), escape(p)),
        (None, Some(k)) => format!("{} (key {})", escape(user), escape(k)),
        (None, None) => escape(user),
    }
}

fn body_line<'e>(out: &mut String, event: &'e Event, last_input: &mut Option<&'e str>) {
    let at = timefmt::hms_millis(event.ts);
    let mut line = |what: &str, details: String| {
        let _ = writeln!(out, "{at} {what}: {details}");
    };
    match &event.kind {
        EventKind::CommandInput { input, mode, .. } => {
            *last_input = Some(input.as_str());
            let exec = match mode {
                miragepot_event::InputMode::Exec => "  (exec)",
                miragepot_event::InputMode::Interactive => "",
            };
            let _ = writeln!(out, "{at} $ {}{exec}", escape(input));
        }
        EventKind::CommandResult {
            input,
            output,
            exit_code,
            output_truncated,
        } => {
            if *last_input != Some(input.as_str()) {
                let _ = writeln!(out, "{at} $ {}", escape(input));
            }
            *last_input = None;
            let shown = escape_multiline(output);
            out.push_str(&shown);
            if !shown.is_empty() && !shown.ends_with('\n') {
                out.push('\n');
            }
            if *output_truncated {
                out.push_str("[output truncated]\n");
            }
            if *exit_code != 0 {
                let _ = writeln!(out, "[exit {exit_code}]");
            }
        }
        EventKind::SessionStart {
            protocol,
            dst_ip,
            dst_port,
        } => line(
            "connect",
            format!(
                "{} -> {} ({})",
                std::net::SocketAddr::new(event.src_ip, event.src_port),
                std::net::SocketAddr::new(*dst_ip, *dst_port),
                crate::protocol_name(*protocol)
            ),
        ),
        EventKind::SessionEnd {
            reason,
            duration_ms,
        } => line(
            "closed",
            format!("{} after {duration_ms} ms", enum_name(reason)),
        ),
        EventKind::ClientVersion { version } => line("client version", escape(version)),
        EventKind::ClientKex { hassh, .. } => {
            line("client kex", format!("hassh {}", escape(hassh)))
        }
        EventKind::AuthAttempt {
            method,
            username,
            password,
            key_fingerprint,
            success,
            rule,
        } => {
            let outcome = if *success { "accepted" } else { "rejected" };
            let method = match method {
                AuthMethod::None => "none",
                AuthMethod::Password => "password",
                AuthMethod::Publickey => "publickey",
                AuthMethod::KeyboardInteractive => "keyboard-interactive",
            };
            let rule = rule
                .as_deref()
                .map_or(String::new(), |r| format!(" (rule {})", escape(r)));
            line(
                "login",
                format!(
                    "{method} {} -> {outcome}{rule}",
                    credential(username, password, key_fingerprint)
                ),
            );
        }
        EventKind::PtyRequest { term, cols, rows } => {
            line("pty", format!("{} {cols}x{rows}", escape(term)))
        }
        EventKind::WindowChange { cols, rows } => line("window", format!("{cols}x{rows}")),
        EventKind::EnvRequest { name, value } => {
            line("env", format!("{}={}", escape(name), escape(value)))
        }
        EventKind::ShellStart { pty } => line("shell", format!("started (pty: {pty})")),
        EventKind::CommandUnknown { name, installed } => {
            let why = if *installed {
                "installed but not emulated"
            } else {
                "command not found"
            };
            line("unknown command", format!("{} ({why})", escape(name)));
        }
        EventKind::Download {
            tool,
            url,
            destination,
            size,
            outcome,
            ..
        } => {
            let mut details = format!("{} {} -> {}", escape(tool), escape(url), escape(outcome));
            if let Some(d) = destination {
                let _ = write!(details, " {}", escape(d));
            }
            if let Some(s) = size {
                let _ = write!(details, " ({s} bytes, simulated)");
            }
            line("download", details);
        }
        EventKind::FileExecuted { path, size, sha256 } => line(
            "executed",
            format!("{} ({size} bytes, sha256 {})", escape(path), escape(sha256)),
        ),
        EventKind::FileWritten { path, size, sha256 } => line(
            "file written",
            format!("{} ({size} bytes, sha256 {})", escape(path), escape(sha256)),
        ),
        EventKind::FileUploaded {
            path,
            size,
            sha256,
            via,
        } => {
            let via = match via {
                UploadVia::Sftp => "sftp",
                UploadVia::Scp => "scp",
            };
            line(
                "upload",
                format!(
                    "{} via {via} ({size} bytes, sha256 {})",
                    escape(path),
                    escape(sha256)
                ),
            );
        }
        EventKind::ForwardRequest {
            kind,
            host,
            port,
            origin_host,
            origin_port,
        } => {
            let kind = match kind {
                ForwardKind::DirectTcpip => "direct-tcpip",
                ForwardKind::TcpipForward => "tcpip-forward",
                ForwardKind::X11 => "x11",
                ForwardKind::Agent => "agent",
                ForwardKind::Streamlocal => "streamlocal",
            };
            let mut details = format!("{kind} refused");
            if let Some(h) = host {
                let _ = write!(details, " to {}", escape(h));
                if let Some(p) = port {
                    let _ = write!(details, ":{p}");
                }
            }
            if let Some(h) = origin_host {
                let _ = write!(details, " from {}", escape(h));
                if let Some(p) = origin_port {
                    let _ = write!(details, ":{p}");
                }
            }
            line("forward", details);
        }
        EventKind::ChannelRequest { request, accepted } => {
            let outcome = if *accepted { "accepted" } else { "refused" };
            line("channel request", format!("{} {outcome}", escape(request)));
        }
        EventKind::SessionRecordingClosed {
            path,
            size,
            duration_ms,
        } => line(
            "recording",
            format!("{} ({size} bytes, {duration_ms} ms)", escape(path)),
        ),
        EventKind::Technique(t) => line(
            "technique",
            format!(
                "{} {} [{}, {} confidence] evidence: {}",
                escape(&t.technique),
                escape(&t.name),
                escape(&t.tactic),
                enum_name(&t.confidence),
                escape(&t.evidence)
            ),
        ),
        EventKind::AttackStage(s) => line("stage", escape(&s.stage)),
        EventKind::Ioc(i) => line(
            "ioc",
            format!("{} {}", enum_name(&i.ioc), escape(&i.defanged)),
        ),
        EventKind::HoneytokenPlanted { tokens } => {
            line("honeytokens planted", format!("{}", tokens.len()))
        }
        EventKind::HoneytokenTouched(t) => line(
            "HONEYTOKEN TOUCHED",
            format!(
                "{} {} in {} by: {}",
                enum_name(&t.token),
                enum_name(&t.action),
                escape(&t.path),
                escape(&t.evidence)
            ),
        ),
        EventKind::TokenReused(t) => line(
            "TOKEN REUSED",
            format!(
                "{} planted in session {} came back via {}",
                enum_name(&t.token),
                t.planted_session,
                escape(&t.via)
            ),
        ),
        EventKind::InjectionAttempt(i) => {
            line("prompt injection", escape(&i.categories.join(", ")))
        }
        EventKind::DelayApplied(d) => line(
            "tarpit delay",
            format!("{} ms (score {}, band {})", d.delay_ms, d.score, d.band),
        ),
        EventKind::SessionSummary(s) => line(
            "summary",
            format!(
                "risk {} ({}), {} commands, {} downloads, {} iocs",
                s.risk_score,
                s.risk_band.as_str(),
                s.commands,
                s.downloads,
                s.iocs
            ),
        ),
        EventKind::IpProfile(p) => line(
            "address profile",
            format!(
                "{} (risk {}, action {})",
                escape(&p.intent),
                p.risk_score,
                escape(&p.action)
            ),
        ),
        EventKind::ConnectionRefused(r) => line(
            "refused",
            format!("{} ({})", r.reason.as_str(), escape(&r.rule)),
        ),
        EventKind::IpBlocked(b) => line(
            "blocked",
            format!("{} ({}: {})", b.ip, b.source.as_str(), escape(&b.reason)),
        ),
        EventKind::IpUnblocked(u) => line("unblocked", format!("{} ({})", u.ip, escape(&u.rule))),
        EventKind::LimitHit(l) => line("limit", format!("{} = {}", enum_name(&l.limit), l.value)),
        EventKind::LlmCall(c) => line(
            "llm",
            format!("{} {}", c.verdict.as_str(), escape(&c.request)),
        ),
        EventKind::LlmAnalysis(a) => line(
            "llm analysis",
            format!(
                "{} ({}): {}",
                escape(&a.intent),
                a.recommendation.as_str(),
                escape(&a.rationale)
            ),
        ),
        other => line("event", other.type_name().to_string()),
    }
}

/// The serde name of a unit enum value (`client_closed`, `high`, ...), for display.
fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => escape(&s),
        _ => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape("x\ny\tz\r"), "x\\x0ay\\x09z\\x0d");
        assert_eq!(escape("\u{7f}\u{9b}\u{202e}é"), "\\x7f\\u{9b}\\u{202e}é");
        assert_eq!(escape_multiline("l1\r\nl2\tx\rz"), "l1\nl2\tx\\x0dz");
    }
}
