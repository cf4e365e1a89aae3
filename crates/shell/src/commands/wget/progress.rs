//! wget's number formats (`human_readable`, `print_decimal`, rates and times) and its two
//! progress displays: the dot rows of a non-tty log and the final frame of the bar.

/// wget's `human_readable (n, 10, 1)`: `512`, `1.2K`, `45K`, `1.5M`.
pub(crate) fn human_readable(n: u64) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let powers = ['K', 'M', 'G', 'T', 'P', 'E'];
    let mut n = n;
    for (i, p) in powers.iter().enumerate() {
        if n / 1024 < 1024 || i == powers.len() - 1 {
            let val = n as f64 / 1024.0;
            return if val < 10.0 {
                format!("{val:.1}{p}")
            } else {
                format!("{val:.0}{p}")
            };
        }
        n /= 1024;
    }
    n.to_string()
}

/// wget's `print_decimal`.
pub(super) fn print_decimal(x: f64) -> String {
    if x >= 9.95 {
        format!("{x:.0}")
    } else if x >= 0.95 {
        format!("{x:.1}")
    } else if x >= 0.001 {
        // `%.1g`: one significant digit.
        let e = x.log10().floor();
        let scale = 10f64.powf(e);
        let d = (x / scale).round() * scale;
        let digits = (-e).max(0.0) as usize;
        format!("{d:.digits$}")
    } else if x >= 0.0005 {
        format!("{x:.3}")
    } else {
        "0".into()
    }
}

/// wget's `calc_rate` (powers of 1024): the rate and its unit index.
pub(super) fn calc_rate(bytes: u64, secs: f64) -> (f64, usize) {
    let secs = if secs <= 0.0 { 0.000_000_5 } else { secs };
    let mut r = bytes as f64 / secs;
    let mut u = 0;
    while r >= 1024.0 && u < 4 {
        r /= 1024.0;
        u += 1;
    }
    (r, u)
}

/// `%.*f` with wget's precision rule for rates.
pub(super) fn rate_num(r: f64) -> String {
    if r >= 99.95 {
        format!("{r:.0}")
    } else if r >= 9.995 {
        format!("{r:.1}")
    } else {
        format!("{r:.2}")
    }
}

/// wget's `retr_rate`: `52.1 MB/s`.
pub(super) fn retr_rate(bytes: u64, secs: f64) -> String {
    let (r, u) = calc_rate(bytes, secs);
    let names = ["B/s", "KB/s", "MB/s", "GB/s", "TB/s"];
    format!("{} {}", rate_num(r), names.get(u).copied().unwrap_or("B/s"))
}

/// wget's `secs_to_human_time`.
pub(super) fn human_time(secs: f64) -> String {
    let s = (secs + 0.5) as u64;
    let (d, h, m, s2) = (s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
    if d > 0 {
        format!("{d}d {h}h {m}m {s2}s")
    } else if h > 0 {
        format!("{h}h {m}m {s2}s")
    } else if m > 0 {
        format!("{m}m {s2}s")
    } else {
        format!("{}s", print_decimal(secs))
    }
}

/// wget's `eta_to_human_short (secs, true)`.
pub(super) fn eta_short(secs: u64) -> String {
    if secs < 100 {
        format!("{secs}s")
    } else if secs < 100 * 60 {
        format!("{}m{}s", secs / 60, secs % 60)
    } else if secs < 48 * 3600 {
        format!("{}h{}m", secs / 3600, secs % 3600 / 60)
    } else {
        format!("{}d{}h", secs / 86400, secs % 86400 / 3600)
    }
}

/// The dot progress (default style: 1K a dot, 10 a cluster, 50 a row), ending with the
/// blank line after it. `total` bytes arrive evenly over `secs`.
pub(super) fn dots(total: u64, secs: f64) -> String {
    const ROW: u64 = 50 * 1024;
    let rate = total as f64 / secs.max(0.000_001);
    let names = [' ', 'K', 'M', 'G', 'T'];
    let stats = |out: &mut String, shown: u64, row_bytes: u64, dt: f64| {
        let pct = if total == 0 {
            100
        } else {
            (100.0 * shown as f64 / total as f64) as u64
        };
        let (r, u) = calc_rate(row_bytes, dt);
        out.push_str(&format!(
            "{pct:3}% {:>4}{}",
            rate_num(r),
            names.get(u).copied().unwrap_or(' ')
        ));
    };
    let mut out = String::new();
    let ndots = (total / 1024).min(100_000);
    let mut rows = 0u64;
    let mut dots = 0u64;
    let mut last_t = 0.0;
    for _ in 0..ndots {
        if dots == 0 {
            out.push_str(&format!("\n{:>6}K", rows * 50));
        }
        if dots.is_multiple_of(10) {
            out.push(' ');
        }
        out.push('.');
        dots += 1;
        if dots >= 50 {
            rows += 1;
            dots = 0;
            let shown = rows * ROW;
            let t = shown as f64 / rate;
            stats(&mut out, shown, ROW, t - last_t);
            let eta = t * total.saturating_sub(shown) as f64 / shown as f64;
            out.push_str(&format!(" {}", eta_short((eta + 0.5) as u64)));
            last_t = t;
        }
    }
    if dots == 0 {
        out.push_str(&format!("\n{:>6}K", rows * 50));
    }
    for i in dots..50 {
        if i.is_multiple_of(10) {
            out.push(' ');
        }
        out.push(' ');
    }
    let this_row = total - rows * ROW;
    stats(&mut out, total, this_row, secs - last_t);
    if secs >= 10.0 {
        out.push_str(&format!("={}", eta_short((secs + 0.5) as u64)));
    } else {
        out.push_str(&format!("={}s", print_decimal(secs)));
    }
    out.push_str("\n\n");
    out
}

/// The last frame of the bar progress on a terminal `cols` wide (wget 1.21's
/// `create_image`: 20 columns of name, percentage, bar, size, rate, `in` time).
pub(super) fn bar(name: &str, total: u64, secs: f64, cols: u32) -> String {
    let width = usize::try_from(cols).unwrap_or(80).clamp(45, 500) - 1;
    let shown: String = name.chars().take(19).collect();
    let size = {
        let mut v = total as f64;
        let mut u = "";
        for unit in ["K", "M", "G", "T"] {
            if v < 1024.0 {
                break;
            }
            v /= 1024.0;
            u = unit;
        }
        if u.is_empty() {
            total.to_string()
        } else {
            format!("{v:.2}{u}")
        }
    };
    let rate = if secs < 0.05 {
        "--.-KB/s".to_string()
    } else {
        let (r, u) = calc_rate(total, secs);
        let r = if r >= 99.95 {
            format!("{r:4.0}")
        } else if r >= 9.995 {
            format!("{r:4.1}")
        } else {
            format!("{r:4.2}")
        };
        let units = ["B/s", "KB/s", "MB/s", "GB/s", "TB/s"];
        format!("{r}{}", units.get(u).copied().unwrap_or("B/s"))
    };
    let eta = if secs >= 10.0 {
        format!("    in {}", eta_short((secs + 0.5) as u64))
    } else {
        format!("    in {}s", print_decimal(secs))
    };
    let progress = width.saturating_sub(20 + 4 + 2 + 8 + 10 + 15);
    let bar = if progress >= 5 {
        format!("[{}>]", "=".repeat(progress - 1))
    } else {
        String::new()
    };
    let line = format!("{shown:<20}100%{bar} {size:>7}  {rate}{eta:<15}");
    format!("{line:<width$}")
}
