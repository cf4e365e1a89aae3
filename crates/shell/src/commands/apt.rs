//! Debian's package tools over the persona's package list, on a box whose package lists
//! are current: `apt`/`apt-get` (`update`, `install`, `upgrade`, `remove`, `list
//! --installed`, `show`) where nothing new is ever installed (installed packages are
//! "already the newest version", others cannot be located, exit 100), the lock errors for
//! non-root users, and `dpkg` (`-l` in dpkg's column format, `-s`, `-L` refusal,
//! `--print-architecture`, `--get-selections`, `--version`).

use super::{CmdCtx, Command};
use crate::persona::Package;

const APT_VERSION: &str = "apt 2.6.1 (amd64)";
const DPKG_VERSION: &str = include_str!("adminhelp/dpkg.version");
const DPKG_HELP: &str = include_str!("adminhelp/dpkg.help");
const APT_HELP: &str = include_str!("adminhelp/apt.help");
const APT_GET_HELP: &str = include_str!("adminhelp/apt-get.help");

/// `apt`.
pub struct Apt;
/// `apt-get`.
pub struct AptGet;
/// `dpkg`.
pub struct Dpkg;

impl Command for Apt {
    fn name(&self) -> &'static str {
        "apt"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/apt"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        apt(ctx, args, true)
    }
}

impl Command for AptGet {
    fn name(&self) -> &'static str {
        "apt-get"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/apt-get"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        apt(ctx, args, false)
    }
}

fn find<'a>(ctx: &'a CmdCtx<'_>, name: &str) -> Option<&'a Package> {
    let base = name.split_once('=').map_or(name, |(n, _)| n);
    let base = base.split_once(':').map_or(base, |(n, _)| n);
    ctx.persona.packages.iter().find(|p| p.name == base)
}

fn apt_error(ctx: &mut CmdCtx<'_>, front: bool, msg: &str) {
    if front {
        ctx.stderr
            .line(&format!("\x1b[1;31mE: \x1b[0m{msg}\x1b[0m"));
    } else {
        ctx.stderr.line(&format!("E: {msg}"));
    }
}

fn apt(ctx: &mut CmdCtx<'_>, args: &[String], front: bool) -> i32 {
    let mut words = Vec::new();
    for a in args.iter().skip(1) {
        match a.as_str() {
            "-h" | "--help" => {
                ctx.stdout
                    .write_str(if front { APT_HELP } else { APT_GET_HELP });
                return 0;
            }
            "-v" | "--version" => {
                ctx.stdout.line(APT_VERSION);
                if !front {
                    ctx.stdout.line("Supported modules:\n*Ver: Standard .deb\n*Pkg:  Debian dpkg interface (Priority 30)\n Pkg:  Debian APT solver interface (Priority -1000)\n Pkg:  Debian APT planner interface (Priority -1000)\n S.L: 'deb' Standard Debian binary tree\n S.L: 'deb-src' Standard Debian source tree\n Idx: EDSP scenario file\n Idx: EIPP scenario file\n Idx: Debian Source Index\n Idx: Debian Package Index\n Idx: Debian Translation Index\n Idx: Debian dpkg status file\n Idx: Debian deb file\n Idx: Debian dsc file\n Idx: Debian control file");
                }
                return 0;
            }
            "-o" | "-c" | "-t" | "--target-release" | "--option" => {}
            s if s.starts_with("--") => {
                let opt = s.trim_start_matches("--");
                let known = [
                    "yes",
                    "assume-yes",
                    "quiet",
                    "no-install-recommends",
                    "fix-missing",
                    "force-yes",
                    "allow-unauthenticated",
                    "reinstall",
                    "purge",
                    "installed",
                    "upgradable",
                    "allow-downgrades",
                    "allow-remove-essential",
                    "allow-change-held-packages",
                    "fix-broken",
                    "dry-run",
                    "simulate",
                    "download-only",
                    "auto-remove",
                    "autoremove",
                    "assume-no",
                    "no-upgrade",
                    "only-upgrade",
                    "show-progress",
                    "verbose-versions",
                ];
                if !known.contains(&opt.split('=').next().unwrap_or("")) {
                    apt_error(
                        ctx,
                        front,
                        &format!("Command line option {s} is not boolean"),
                    );
                    return 100;
                }
            }
            s if s.starts_with('-') && s.len() > 1 => {
                if let Some(c) = s.chars().skip(1).find(|c| !"yqfmsdbuV".contains(*c)) {
                    apt_error(
                        ctx,
                        front,
                        &format!(
                            "Command line option '{c}' [from {s}] is not understood in combination with the other options."
                        ),
                    );
                    return 100;
                }
            }
            w => words.push(w.to_string()),
        }
    }
    let Some((cmd, pkgs)) = words.split_first() else {
        if front {
            ctx.stdout.write_str(APT_HELP);
        } else {
            ctx.stdout.write_str(APT_GET_HELP);
        }
        ctx.stderr.line("E: No command given");
        return if front { 1 } else { 100 };
    };
    if front && !ctx.stdout_is_tty && cmd != "list" && cmd != "show" && cmd != "search" {
        ctx.stderr.write_str(
            "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n",
        );
    }
    let done = if ctx.stdout_is_tty { " Done" } else { "" };
    let reading = |ctx: &mut CmdCtx<'_>| {
        ctx.stdout.line(&format!("Reading package lists...{done}"));
        ctx.stdout
            .line(&format!("Building dependency tree...{done}"));
        ctx.stdout
            .line(&format!("Reading state information...{done}"));
    };
    let root = ctx.user.uid == 0;
    match cmd.as_str() {
        "update" => {
            if !root {
                ctx.stdout.line(&format!("Reading package lists...{done}"));
                apt_error(
                    ctx,
                    front,
                    "Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)",
                );
                apt_error(ctx, front, "Unable to lock directory /var/lib/apt/lists/");
                return 100;
            }
            ctx.sys.pace_ms = ctx.sys.pace_ms.saturating_add(1800);
            ctx.stdout
                .line("Hit:1 http://deb.debian.org/debian bookworm InRelease");
            ctx.stdout
                .line("Hit:2 http://deb.debian.org/debian bookworm-updates InRelease");
            ctx.stdout
                .line("Hit:3 http://deb.debian.org/debian-security bookworm-security InRelease");
            ctx.stdout.line(&format!("Reading package lists...{done}"));
            if front {
                ctx.stdout
                    .line(&format!("Building dependency tree...{done}"));
                ctx.stdout
                    .line(&format!("Reading state information...{done}"));
                ctx.stdout.line("All packages are up to date.");
            }
            0
        }
        "install" | "reinstall" | "upgrade" | "dist-upgrade" | "full-upgrade" | "remove"
        | "purge" | "autoremove" => {
            if !root {
                apt_error(
                    ctx,
                    front,
                    "Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)",
                );
                apt_error(
                    ctx,
                    front,
                    "Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?",
                );
                return 100;
            }
            reading(ctx);
            if cmd.ends_with("upgrade") {
                ctx.stdout.line(&format!("Calculating upgrade...{done}"));
            }
            let mut failed = false;
            for p in pkgs.iter().take(1000) {
                match (find(ctx, p).cloned(), cmd.as_str()) {
                    (Some(pkg), "remove" | "purge") => {
                        ctx.stdout.line(&format!("Some packages could not be removed: {} is required by other installed packages.", pkg.name));
                        failed = true;
                    }
                    (None, "remove" | "purge") => {
                        ctx.stdout
                            .line(&format!("Package '{p}' is not installed, so not removed"));
                    }
                    (Some(pkg), _) => ctx.stdout.line(&format!(
                        "{} is already the newest version ({}).",
                        pkg.name, pkg.version
                    )),
                    (None, _) => {
                        apt_error(ctx, front, &format!("Unable to locate package {p}"));
                        failed = true;
                    }
                }
            }
            if failed {
                return 100;
            }
            ctx.stdout
                .line("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
            0
        }
        "list" => {
            ctx.stdout.line(&format!("Listing...{done}"));
            let pat = pkgs.iter().find(|p| !p.starts_with('-'));
            let lines: Vec<String> = ctx
                .persona
                .packages
                .iter()
                .filter(|p| pat.is_none_or(|x| glob(&p.name, x)))
                .map(|p| format!("{}/stable,now {} {} [installed]", p.name, p.version, p.arch))
                .collect();
            for l in lines {
                ctx.stdout.line(&l);
            }
            0
        }
        "show" | "policy" | "search" | "clean" | "autoclean" | "check" => {
            if cmd == "show" {
                for p in pkgs {
                    match find(ctx, p).cloned() {
                        Some(pkg) => {
                            ctx.stdout.write_str(&format!("Package: {}\nVersion: {}\nArchitecture: {}\nAPT-Manual-Installed: no\nAPT-Sources: /var/lib/dpkg/status\nDescription: {}\n\n", pkg.name, pkg.version, pkg.arch, pkg.description));
                        }
                        None => {
                            apt_error(ctx, front, "No packages found");
                            return 100;
                        }
                    }
                }
            } else if cmd == "check" {
                reading(ctx);
            }
            0
        }
        other => {
            apt_error(ctx, front, &format!("Invalid operation {other}"));
            100
        }
    }
}

impl Command for Dpkg {
    fn name(&self) -> &'static str {
        "dpkg"
    }
    fn paths(&self) -> &'static [&'static str] {
        &["/usr/bin/dpkg"]
    }
    fn run(&self, ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
        let Some(action) = args.get(1) else {
            ctx.stderr.line("dpkg: error: need an action option\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !");
            return 2;
        };
        let rest: Vec<String> = args.iter().skip(2).cloned().collect();
        match action.as_str() {
            "--help" | "-?" => {
                ctx.stdout.write_str(DPKG_HELP);
                0
            }
            "--version" => {
                ctx.stdout.write_str(DPKG_VERSION);
                0
            }
            "--print-architecture" => {
                ctx.stdout.line("amd64");
                0
            }
            "--print-foreign-architectures" => 0,
            "-l" | "--list" => dpkg_list(ctx, &rest),
            "-s" | "--status" | "-p" | "--print-avail" => dpkg_status(ctx, &rest),
            "--get-selections" => {
                let lines: Vec<String> = ctx
                    .persona
                    .packages
                    .iter()
                    .filter(|p| rest.is_empty() || rest.iter().any(|r| glob(&p.name, r)))
                    .map(|p| {
                        let name = if p.arch == "all" || p.arch == "amd64" {
                            p.name.clone()
                        } else {
                            format!("{}:{}", p.name, p.arch)
                        };
                        let tabs = "\t".repeat(6usize.saturating_sub(name.len() / 8).max(1));
                        format!("{name}{tabs}install")
                    })
                    .collect();
                for l in lines {
                    ctx.stdout.line(&l);
                }
                0
            }
            "-L" | "--listfiles" => {
                let mut st = 0;
                for p in &rest {
                    if find(ctx, p).is_none() {
                        ctx.stderr.line(&format!("dpkg-query: package '{p}' is not installed\nUse dpkg --contents (= dpkg-deb --contents) to list archive files contents."));
                        st = 1;
                    } else {
                        ctx.stdout.line("/.");
                    }
                }
                st
            }
            "-i" | "--install" | "-r" | "--remove" | "-P" | "--purge" | "--configure" | "-a" => {
                if ctx.user.uid != 0 {
                    ctx.stderr
                        .line("dpkg: error: requested operation requires superuser privilege");
                    return 2;
                }
                if matches!(action.as_str(), "-i" | "--install") {
                    let mut st = 0;
                    for f in &rest {
                        if !ctx.fs.exists(ctx.cwd, f) {
                            ctx.stderr.line(&format!("dpkg: error: cannot access archive '{f}': No such file or directory"));
                            st = 2;
                        } else {
                            ctx.stderr.line(&format!("dpkg-deb: error: '{f}' is not a Debian format archive\ndpkg: error processing archive {f} (--install):\n dpkg-deb --control subprocess returned error exit status 2\nErrors were encountered while processing:\n {f}"));
                            st = 1;
                        }
                    }
                    return st;
                }
                0
            }
            a if a.starts_with('-') => {
                ctx.stderr.line(&format!("dpkg: error: unknown option {a}\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !"));
                2
            }
            _ => {
                ctx.stderr.line("dpkg: error: need an action option\n\nType dpkg --help for help about installing and deinstalling packages [*];\nUse 'apt' or 'aptitude' for user-friendly package management;\nType dpkg -Dhelp for a list of dpkg debug flag values;\nType dpkg --force-help for a list of forcing options;\nType dpkg-deb --help for help about manipulating *.deb files;\n\nOptions marked [*] produce a lot of output - pipe it through 'less' or 'more' !");
                2
            }
        }
    }
}

/// fnmatch-style `*` and `?` matching, as dpkg and apt match package patterns.
fn glob(name: &str, pat: &str) -> bool {
    let n: Vec<char> = name.chars().collect();
    let p: Vec<char> = pat.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < n.len() {
        match p.get(j) {
            Some('*') => {
                star = Some((j, i));
                j += 1;
            }
            Some(c) if *c == '?' || Some(c) == n.get(i) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((sj, si)) => {
                    j = sj + 1;
                    i = si + 1;
                    star = Some((sj, si + 1));
                }
                None => return false,
            },
        }
    }
    p.get(j..).unwrap_or(&[]).iter().all(|c| *c == '*')
}

fn dpkg_list(ctx: &mut CmdCtx<'_>, pats: &[String]) -> i32 {
    let pkgs: Vec<Package> = ctx
        .persona
        .packages
        .iter()
        .filter(|p| pats.is_empty() || pats.iter().any(|x| glob(&p.name, x)))
        .cloned()
        .collect();
    let missing: Vec<&String> = pats
        .iter()
        .filter(|x| !pkgs.iter().any(|p| glob(&p.name, x)))
        .collect();
    for m in &missing {
        ctx.stderr
            .line(&format!("dpkg-query: no packages found matching {m}"));
    }
    if pkgs.is_empty() {
        return 1;
    }
    let w =
        |f: &dyn Fn(&Package) -> usize, min: usize| pkgs.iter().map(f).max().unwrap_or(0).max(min);
    let (nw, vw, aw) = (
        w(&|p| p.name.chars().count(), 14),
        w(&|p| p.version.chars().count(), 12),
        w(&|p| p.arch.chars().count(), 12),
    );
    let dw = w(&|p| p.description.chars().count(), 33);
    ctx.stdout.line("Desired=Unknown/Install/Remove/Purge/Hold");
    ctx.stdout
        .line("| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend");
    ctx.stdout
        .line("|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)");
    ctx.stdout.line(&format!(
        "||/ {:nw$} {:vw$} {:aw$} Description",
        "Name", "Version", "Architecture"
    ));
    ctx.stdout.line(&format!(
        "+++-{}-{}-{}-{}",
        "=".repeat(nw),
        "=".repeat(vw),
        "=".repeat(aw),
        "=".repeat(dw)
    ));
    for p in &pkgs {
        ctx.stdout.line(&format!(
            "ii  {:nw$} {:vw$} {:aw$} {}",
            p.name, p.version, p.arch, p.description
        ));
    }
    i32::from(!missing.is_empty())
}

fn dpkg_status(ctx: &mut CmdCtx<'_>, names: &[String]) -> i32 {
    if names.is_empty() {
        ctx.stderr.line("dpkg-query: error: --status needs at least one package name argument\n\nUse --help for help about querying packages.");
        return 2;
    }
    let mut st = 0;
    for (i, n) in names.iter().enumerate() {
        match find(ctx, n).cloned() {
            Some(p) => {
                if i > 0 {
                    ctx.stdout.line("");
                }
                ctx.stdout.write_str(&format!(
                    "Package: {}\nStatus: install ok installed\nPriority: optional\nArchitecture: {}\nVersion: {}\nDescription: {}\n",
                    p.name, p.arch, p.version, p.description
                ));
            }
            None => {
                ctx.stderr.line(&format!("dpkg-query: package '{n}' is not installed and no information is available\nUse dpkg --info (= dpkg-deb --info) to examine archive files."));
                st = 1;
            }
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use crate::commands::testutil::{run, run_piped};

    #[test]
    fn apt_install_never_installs() {
        let r = run_piped("apt-get", &["install", "-y", "curl", "masscan"], "/", b"");
        assert_eq!(
            r.stdout,
            "Reading package lists...\nBuilding dependency tree...\nReading state information...\ncurl is already the newest version (7.88.1-10+deb12u15).\n"
        );
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("E: Unable to locate package masscan\n", 100)
        );
        let r = run("apt", &["install", "wget"], "/", b"");
        assert!(r.stdout.ends_with("wget is already the newest version (1.21.3-1+deb12u1).\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n"));
        let r = run_piped("apt", &["update"], "/", b"");
        assert!(
            r.stderr
                .contains("WARNING: apt does not have a stable CLI interface.")
        );
        assert!(
            r.stdout
                .starts_with("Hit:1 http://deb.debian.org/debian bookworm InRelease\n")
        );
    }

    #[test]
    fn dpkg_formats() {
        let r = run_piped("dpkg", &["-l", "adduser"], "/", b"");
        assert_eq!(
            r.stdout,
            "Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version      Architecture Description\n+++-==============-============-============-=================================\nii  adduser        3.134        all          add and remove users and groups\n"
        );
        let r = run("dpkg", &["-l", "nosuchpkg"], "/", b"");
        assert_eq!(
            (r.stderr.as_str(), r.code),
            ("dpkg-query: no packages found matching nosuchpkg\n", 1)
        );
        assert_eq!(
            run("dpkg", &["--print-architecture"], "/", b"").stdout,
            "amd64\n"
        );
        let r = run("dpkg", &["-s", "nosuch"], "/", b"");
        assert_eq!(r.code, 1);
        let r = run("dpkg", &["-s", "sudo"], "/", b"");
        assert!(
            r.stdout
                .starts_with("Package: sudo\nStatus: install ok installed\n")
        );
    }
}
