//! `locale` (glibc 2.36): the locale settings from the session's environment (`LANG`,
//! `LANGUAGE`, `LC_*`, `LC_ALL`), checked against the locales the persona has (`C`,
//! `C.utf8`, `en_US.utf8`, `POSIX`).
//!
//! Emulated: the default listing (values derived from `LANG` quoted, set ones plain),
//! the `Cannot set LC_... to default locale` warnings for a locale that is not installed,
//! `-a`, `-m` (a short charmap list), `charmap`, unknown names (status 1), `--help`,
//! `--version`. Known gaps: `-k`, keyword names (`decimal_point`).

use super::util::{Val, getopt};
use super::{CmdCtx, Command};

/// `locale`.
pub struct Locale;

const CATS: &[&str] = &[
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_TIME",
    "LC_COLLATE",
    "LC_MONETARY",
    "LC_MESSAGES",
    "LC_PAPER",
    "LC_NAME",
    "LC_ADDRESS",
    "LC_TELEPHONE",
    "LC_MEASUREMENT",
    "LC_IDENTIFICATION",
];

/// Whether a locale name is installed (codeset spelled any way: `UTF-8`, `utf8`).
fn installed(name: &str) -> bool {
    let norm = name.to_ascii_lowercase().replace('-', "");
    ["", "c", "posix", "c.utf8", "en_us.utf8"].contains(&norm.as_str())
}

impl Command for Locale {
    fn name(&self) -> &'static str {
        "locale"
    }

    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/locale"]
    }

    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let long = [
            ("all-locales", 'a', Val::No),
            ("charmaps", 'm', Val::No),
            ("category-name", 'c', Val::No),
            ("keyword-name", 'k', Val::No),
            ("verbose", 'v', Val::No),
            ("usage", 'u', Val::No),
            ("help", '?', Val::No),
            ("version", 'V', Val::No),
        ];
        let (opts, ops) = match getopt(args, "amckv?V", &long) {
            Ok(x) => x,
            Err(e) => {
                ctx.error("locale", e.text());
                ctx.stderr
                    .line("Try `locale --help' or `locale --usage' for more information.");
                return 64;
            }
        };
        let has = |c: char| opts.iter().any(|o| o.0 == c);
        if has('?') {
            return super::util::print_help(ctx, "locale");
        }
        if has('V') {
            return super::util::print_version(ctx, "locale");
        }
        if has('u') {
            ctx.stdout.write_str("Usage: locale [-a|-m] [-ckv?V] [--all-locales] [--charmaps]\n            [--category-name] [--keyword-name] [--verbose] [--help] [--usage]\n            [--version] NAME...\n");
            return 0;
        }
        if has('a') {
            ctx.stdout.write_str("C\nC.utf8\nen_US.utf8\nPOSIX\n");
            return 0;
        }
        if has('m') {
            ctx.stdout
                .write_str("ANSI_X3.4-1968\nISO-8859-1\nISO-8859-15\nUTF-8\n");
            return 0;
        }
        let get = |k: &str| {
            ctx.env
                .exported()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
                .filter(|v| !v.is_empty())
        };
        let lang = get("LANG");
        let all = get("LC_ALL");
        let effective = |cat: &str| {
            all.clone()
                .or_else(|| get(cat))
                .or_else(|| lang.clone())
                .unwrap_or_else(|| "POSIX".into())
        };
        if let Some(name) = ops.first() {
            let ctype = effective("LC_CTYPE");
            return match name.as_str() {
                "charmap" => {
                    let utf8 = installed(&ctype)
                        && ctype
                            .to_ascii_lowercase()
                            .replace('-', "")
                            .ends_with("utf8");
                    ctx.stdout
                        .line(if utf8 { "UTF-8" } else { "ANSI_X3.4-1968" });
                    0
                }
                _ => {
                    ctx.error("locale", &format!("unknown name \"{name}\""));
                    1
                }
            };
        }
        let bad_ctype = !installed(&effective("LC_CTYPE"));
        let bad_msgs = !installed(&effective("LC_MESSAGES"));
        let bad_all = CATS.iter().any(|c| !installed(&effective(c)));
        if bad_ctype {
            ctx.stderr
                .line("locale: Cannot set LC_CTYPE to default locale: No such file or directory");
        }
        if bad_msgs {
            ctx.stderr.line(
                "locale: Cannot set LC_MESSAGES to default locale: No such file or directory",
            );
        }
        if bad_all {
            ctx.stderr
                .line("locale: Cannot set LC_ALL to default locale: No such file or directory");
        }
        let mut out = format!(
            "LANG={}\nLANGUAGE={}\n",
            lang.clone().unwrap_or_default(),
            get("LANGUAGE").unwrap_or_default()
        );
        for c in CATS {
            match (all.as_ref(), get(c)) {
                (None, Some(v)) => out.push_str(&format!("{c}={v}\n")),
                _ => out.push_str(&format!("{c}=\"{}\"\n", effective(c))),
            }
        }
        out.push_str(&format!("LC_ALL={}\n", all.unwrap_or_default()));
        ctx.stdout.write_str(&out);
        0
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::run;

    #[test]
    fn from_the_environment() {
        let r = run("locale", &[], "/", b"");
        assert!(r.stdout.starts_with(
            "LANG=C.UTF-8\nLANGUAGE=\nLC_CTYPE=\"C.UTF-8\"\nLC_NUMERIC=\"C.UTF-8\"\n"
        ));
        assert!(
            r.stdout
                .ends_with("LC_IDENTIFICATION=\"C.UTF-8\"\nLC_ALL=\n")
        );
        assert_eq!(r.stderr, "");
        assert_eq!(
            run("locale", &["-a"], "/", b"").stdout,
            "C\nC.utf8\nen_US.utf8\nPOSIX\n"
        );
        assert_eq!(run("locale", &["charmap"], "/", b"").stdout, "UTF-8\n");
        let r = run("locale", &["FOO"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("locale: unknown name \"FOO\"\n", 1)
        );
        let r = run("locale", &["-Y"], "/", b"");
        assert_eq!(r.code, 64);
    }
}
