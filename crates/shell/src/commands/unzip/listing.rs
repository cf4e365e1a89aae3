//! Listings for `unzip`: `-l` (short), `-v` (verbose, with methods, ratios and CRCs), and
//! ZipInfo mode (`unzip -Z`: the default one-line-per-member format and `-1`), formatted
//! as Info-ZIP's `list.c` and `zipinfo.c` format them (Debian prints dates year first).

use super::archive::{self, Member, Zip};
use super::extract::{EOCD_TEXT, central_error, maybe_exe, selected};
use super::{Job, Opts, find_archive, pk, say_err, shown};
use crate::commands::CmdCtx;
use crate::commands::util::utc;

/// Info-ZIP's name for a compression method (`Defl:#` gets the level letter).
pub(super) fn method_name(method: u16) -> String {
    match method {
        0 => "Stored",
        1 => "Shrunk",
        2 => "Reduce1",
        3 => "Reduce2",
        4 => "Reduce3",
        5 => "Reduce4",
        6 => "Implode",
        7 => "Token",
        8 => "Defl:#",
        9 => "Def64#",
        10 => "ImplDCL",
        12 => "BZip2",
        14 => "LZMA",
        18 => "Terse",
        19 => "IBMLZ77",
        97 => "WavPack",
        98 => "PPMd",
        n => return format!("Unk:{n:03}"),
    }
    .to_string()
}

/// The method column of `-v`: `Defl:N` with the deflate level letter.
fn method_column(m: &Member) -> String {
    let name = method_name(m.method);
    match name.strip_suffix('#') {
        Some(stem) if m.method == 8 || m.method == 9 => {
            let level = ['N', 'X', 'F', 'S'];
            let c = level
                .get(usize::from((m.flags >> 1) & 3))
                .copied()
                .unwrap_or('N');
            format!("{stem}{c}")
        }
        _ => name,
    }
}

/// Info-ZIP's `ratio()`: the space saved, in tenths of a percent (negative when it grew).
fn ratio(uc: u64, c: u64) -> i64 {
    if uc == 0 {
        return 0;
    }
    let (uc, c) = (i128::from(uc), i128::from(c));
    let r = if uc > 2_000_000 {
        let denom = uc / 1000;
        if uc >= c {
            (uc - c + (denom >> 1)) / denom
        } else {
            -((c - uc + (denom >> 1)) / denom)
        }
    } else if uc >= c {
        (1000 * (uc - c) + (uc >> 1)) / uc
    } else {
        -((1000 * (c - uc) + (uc >> 1)) / uc)
    };
    i64::try_from(r).unwrap_or(0)
}

/// The `Cmpr` column: ` 53%`, `-20%`, `100%`.
fn factor(uc: u64, c: u64) -> String {
    let r = ratio(uc, c);
    let (sgn, f) = if r < 0 {
        ('-', (-r + 5) / 10)
    } else {
        (' ', (r + 5) / 10)
    };
    if f == 100 {
        "100%".into()
    } else {
        format!("{sgn}{f}%")
    }
}

/// Year, month, day, hour, minute of a member: the UT field in UTC, else the DOS fields.
fn when(m: &Member) -> (i64, u32, u32, u32, u32) {
    match m.ut_mtime {
        Some(t) => {
            let d = utc(t);
            (
                i64::from(d.year()),
                u32::from(u8::from(d.month())),
                u32::from(d.day()),
                u32::from(d.hour()),
                u32::from(d.minute()),
            )
        }
        None => {
            let (y, mo, d, h, mi, _) = archive::dos_fields(m.dos);
            (i64::from(y), mo, d, h, mi)
        }
    }
}

/// Compressed size without the 12-byte encryption header.
fn csize(m: &Member) -> u64 {
    if m.encrypted() {
        m.csize.saturating_sub(12)
    } else {
        m.csize
    }
}

/// `unzip -l` / `unzip -v` on an opened archive.
pub(super) fn list(ctx: &mut CmdCtx<'_>, o: &Opts, job: &Job<'_>, zip: &Zip) -> i32 {
    let long = o.vflag > 1;
    if o.qflag < 2 {
        ctx.stdout.write_str(if long {
            " Length   Method    Size  Cmpr    Date    Time   CRC-32   Name\n--------  ------  ------- ---- ---------- ----- --------  ----\n"
        } else {
            "  Length      Date    Time    Name\n---------  ---------- -----   ----\n"
        });
    }
    let mut matched = vec![false; job.include.len()];
    let mut xmatched = vec![false; job.exclude.len()];
    let (mut count, mut tot_u, mut tot_c) = (0u64, 0u64, 0u64);
    for m in &zip.members {
        if !selected(o, job, &m.name, &mut matched, &mut xmatched) {
            continue;
        }
        count += 1;
        let c = csize(m);
        tot_u = tot_u.saturating_add(m.usize);
        tot_c = tot_c.saturating_add(c);
        let (y, mo, d, h, mi) = when(m);
        let name = shown(&m.name);
        if long {
            ctx.stdout.line(&format!(
                "{:>8}  {:<7}{:>8} {:>4} {y:04}-{mo:02}-{d:02} {h:02}:{mi:02} {:08x}  {name}",
                m.usize,
                method_column(m),
                c,
                factor(m.usize, c),
                m.crc
            ));
        } else {
            ctx.stdout.line(&format!(
                "{:>9}  {y:04}-{mo:02}-{d:02} {h:02}:{mi:02}   {name}",
                m.usize
            ));
        }
        if ctx.stdout.is_full() {
            break;
        }
    }
    if let Some(n) = zip.bad_central {
        say_err(ctx, o, &central_error(n));
        return pk::BADERR;
    }
    if o.qflag < 2 {
        let s = if count == 1 { "" } else { "s" };
        if long {
            ctx.stdout.write_str(&format!(
                "--------          -------  ---                            -------\n{tot_u:>8}         {tot_c:>8} {:>4}                            {count} file{s}\n",
                factor(tot_u, tot_c)
            ));
        } else {
            ctx.stdout.write_str(&format!(
                "---------                     -------\n{tot_u:>9}                     {count} file{s}\n"
            ));
        }
    }
    if count == 0 { pk::FIND } else { 0 }
}

/// ZipInfo's permission column: Unix modes as `ls -l` shows them (`?` for no type), DOS
/// attributes as `-rw-a--`.
fn zi_mode(m: &Member) -> String {
    if m.host != 3 {
        let a = m.external & 0xff;
        let dir = a & 0x10 != 0;
        let flag = |bit: u32, c: char| if a & bit != 0 { c } else { '-' };
        let s: String = [
            if dir { 'd' } else { '-' },
            'r',
            if a & 1 != 0 { '-' } else { 'w' },
            if dir { 'x' } else { '-' },
            flag(0x20, 'a'),
            flag(0x02, 'h'),
            flag(0x04, 's'),
        ]
        .iter()
        .collect();
        return format!("{s:<10}");
    }
    let mode = m.unix_mode();
    let mut s = String::with_capacity(10);
    s.push(match mode & 0o170_000 {
        0o040_000 => 'd',
        0o120_000 => 'l',
        0o100_000 => '-',
        0o020_000 => 'c',
        0o060_000 => 'b',
        0o010_000 => 'p',
        0o140_000 => 's',
        _ => '?',
    });
    for (shift, special, lower) in [(6u32, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(match (bits & 1 != 0, mode & special != 0) {
            (true, true) => lower,
            (false, true) => lower.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// One ZipInfo short line.
fn zi_line(m: &Member) -> String {
    let host = match m.host {
        0 => "fat",
        3 => "unx",
        6 => "hpf",
        10 => "ntf",
        11 => "vft",
        19 => "mac",
        _ => "???",
    };
    let tb = match (m.internal & 1 != 0, m.encrypted()) {
        (true, false) => 't',
        (false, false) => 'b',
        (true, true) => 'T',
        (false, true) => 'B',
    };
    let ex = match (m.has_extra, m.flags & 8 != 0) {
        (false, false) => '-',
        (true, false) => 'x',
        (false, true) => 'l',
        (true, true) => 'X',
    };
    let meth = match m.method {
        0 => "stor".to_string(),
        8 => format!(
            "def{}",
            ['N', 'X', 'F', 'S']
                .get(usize::from((m.flags >> 1) & 3))
                .copied()
                .unwrap_or('N')
        ),
        14 => "lzma".into(),
        12 => "bzp2".into(),
        9 => "d64N".into(),
        n => format!("u{n:03}"),
    };
    let (y, mo, d, h, mi) = when(m);
    let mon = crate::commands::util::MONTHS
        .get(usize::try_from(mo.saturating_sub(1)).unwrap_or(0))
        .copied()
        .unwrap_or("???");
    format!(
        "{}  {}.{} {host} {:>8} {tb}{ex} {meth} {:02}-{mon}-{d:02} {h:02}:{mi:02} {}",
        zi_mode(m),
        m.made_by / 10,
        m.made_by % 10,
        m.usize,
        y.rem_euclid(100),
        shown(&m.name)
    )
}

/// `unzip -Z [-1...] ARCHIVE [LIST] [-x XLIST]`: ZipInfo's default listing, or names only.
pub(super) fn zipinfo(ctx: &mut CmdCtx<'_>, args: &[String]) -> i32 {
    let mut names_only = false;
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
        let body = if i == 0 {
            a.get(2..).unwrap_or("")
        } else {
            a.get(1..).unwrap_or("")
        };
        names_only |= body.contains('1');
        i += 1;
    }
    let rest = args.get(i..).unwrap_or(&[]);
    let Some((zipname, specs)) = rest.split_first() else {
        ctx.stdout.write_str(include_str!("../help/zipinfo.usage"));
        return 0;
    };
    let (mut include, mut exclude, mut in_x) = (Vec::new(), Vec::new(), false);
    for s in specs {
        if s == "-x" {
            in_x = true;
        } else if in_x {
            exclude.push(s.clone());
        } else {
            include.push(s.clone());
        }
    }
    let Some(f) = find_archive(ctx, zipname) else {
        ctx.stdout.line(&format!(
            "zipinfo:  cannot find or open {zipname}, {zipname}.zip or {zipname}.ZIP."
        ));
        return pk::NOZIP;
    };
    let o = Opts::default();
    let (found, data) = (f.name.as_str(), f.data.as_slice());
    let job = Job {
        zipname,
        found,
        data,
        exec: f.exec,
        include: &include,
        exclude: &exclude,
    };
    let Ok(zip) = archive::open(data) else {
        ctx.stdout
            .write_str(&format!("Archive:  {found}\n[{found}]\n{EOCD_TEXT}"));
        if f.exec {
            ctx.stdout.write_str(&maybe_exe(found));
        }
        ctx.stdout.write_str(&format!(
            "zipinfo:  cannot find zipfile directory in one of {zipname} or\n          {zipname}.zip, and cannot find {zipname}.ZIP, period.\n"
        ));
        return pk::NOZIP;
    };
    let header = !names_only && job.all();
    if header {
        ctx.stdout.write_str(&format!(
            "Archive:  {found}\nZip file size: {} bytes, number of entries: {}\n",
            data.len(),
            zip.total
        ));
    }
    let mut matched = vec![false; include.len()];
    let mut xmatched = vec![false; exclude.len()];
    let (mut count, mut tot_u, mut tot_c) = (0u64, 0u64, 0u64);
    for m in &zip.members {
        if !selected(&o, &job, &m.name, &mut matched, &mut xmatched) {
            continue;
        }
        count += 1;
        tot_u = tot_u.saturating_add(m.usize);
        tot_c = tot_c.saturating_add(csize(m));
        if names_only {
            ctx.stdout.line(&shown(&m.name));
        } else {
            ctx.stdout.line(&zi_line(m));
        }
        if ctx.stdout.is_full() {
            break;
        }
    }
    if header {
        let s = if count == 1 { "" } else { "s" };
        let r = ratio(tot_u, tot_c);
        let sign = if r < 0 { "-" } else { "" };
        ctx.stdout.line(&format!(
            "{count} file{s}, {tot_u} bytes uncompressed, {tot_c} bytes compressed:  {sign}{}.{}%",
            r.abs() / 10,
            r.abs() % 10
        ));
    }
    let mut rc = 0;
    for (spec, hit) in include.iter().zip(&matched) {
        if !hit {
            ctx.stderr
                .line(&format!("caution: filename not matched:  {spec}"));
            rc = pk::FIND;
        }
    }
    rc
}
