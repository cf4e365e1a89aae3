//! `last`: show a listing of last logged in users (util-linux 2.38 format) from this
//! persona's synthetic wtmp: this session (`still logged in`), one earlier root login and the
//! boot record, then `wtmp begins ...`. Options (`-n N`, `-N`, `-a`, `-F`...) are accepted;
//! `-n` limits the lines; `-h`/`-V` as util-linux. Known gaps: user/tty filters and the
//! format options are ignored.

use super::util::{
    Val, getopt_stop, hms, month_abbr, print_help, print_version, usage, utc, weekday_abbr,
};
use super::{CmdCtx, Command};

/// `last`.
pub struct Last;

fn when(ts: i64) -> String {
    let t = utc(ts);
    format!(
        "{} {} {:>2} {:02}:{:02}",
        weekday_abbr(t),
        month_abbr(t),
        t.day(),
        t.hour(),
        t.minute()
    )
}

impl Command for Last {
    fn name(&self) -> &'static str {
        "last"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/last"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("limit", 'n', Val::Req),
            ("help", 'h', Val::No),
            ("file", 'f', Val::Req),
            ("nohostname", 'R', Val::No),
            ("version", 'V', Val::No),
            ("hostlast", 'a', Val::No),
            ("since", 's', Val::Req),
            ("until", 't', Val::Req),
            ("present", 'p', Val::Req),
            ("system", 'x', Val::No),
            ("dns", 'd', Val::No),
            ("ip", 'i', Val::No),
            ("fulltimes", 'F', Val::No),
            ("fullnames", 'w', Val::No),
            ("time-format", 'T', Val::Req),
        ];
        let short = "hVxadFRf:n:s:t:p:iw0123456789";
        let (opts, _) = match getopt_stop(args, short, Some(&long), "hV") {
            Ok(x) => x,
            Err(e) => return usage(ctx, "last", &e, 1),
        };
        let mut limit: Option<usize> = None;
        for (c, v) in opts {
            match c {
                'h' => return print_help(ctx, "last"),
                'V' => return print_version(ctx, "last"),
                'n' => {
                    let v = v.unwrap_or_default();
                    match v.parse::<usize>() {
                        Ok(n) => limit = Some(n),
                        Err(_) => {
                            ctx.error("last", &format!("failed to parse number: '{v}'"));
                            return 1;
                        }
                    }
                }
                d if d.is_ascii_digit() => {
                    let digit = usize::try_from(d.to_digit(10).unwrap_or(0)).unwrap_or(0);
                    limit = Some(limit.unwrap_or(0).saturating_mul(10).saturating_add(digit));
                }
                _ => {}
            }
        }
        let limit = limit.filter(|n| *n > 0).unwrap_or(usize::MAX);
        let boot = ctx.persona.boot_time;
        let login = ctx.session.login_time;
        let tty = ctx.session.tty.clone().unwrap_or_else(|| "pts/0".into());
        let mut lines = Vec::new();
        lines.push(format!(
            "{:<8} {:<12} {:<16} {}   still logged in",
            ctx.user.name,
            tty,
            ctx.session.src_ip,
            when(login)
        ));
        let prev = boot + (login - boot) / 3;
        if prev > boot {
            let dur = 1_003;
            lines.push(format!(
                "{:<8} {:<12} {:<16} {} - {:02}:{:02}  (00:{:02})",
                "root",
                "pts/0",
                "198.51.100.23",
                when(prev),
                utc(prev + dur).hour(),
                utc(prev + dur).minute(),
                dur / 60
            ));
        }
        lines.push(format!(
            "{:<8} {:<12} {:<16} {}   still running",
            "reboot",
            "system boot",
            ctx.persona.kernel_release,
            when(boot)
        ));
        let mut out: String = lines.into_iter().take(limit).map(|l| l + "\n").collect();
        let b = utc(boot);
        out.push_str(&format!(
            "\nwtmp begins {} {} {:>2} {} {}\n",
            weekday_abbr(b),
            month_abbr(b),
            b.day(),
            hms(boot),
            b.year()
        ));
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn lists() {
        let r = run("last", &[], "/", b"");
        assert!(
            r.stdout.starts_with(
                "root     pts/0        203.0.113.9      Fri Nov 21 04:40   still logged in\n"
            ),
            "{}",
            r.stdout
        );
        assert!(
            r.stdout.contains(
                "reboot   system boot  6.1.0-41-amd64   Sat Nov  1 21:05   still running\n"
            )
        );
        assert!(
            r.stdout
                .ends_with("\nwtmp begins Sat Nov  1 21:05:12 2025\n")
        );
    }
}
