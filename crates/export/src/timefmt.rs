//! UTC timestamp renderings shared by the export formats.
//!
//! Design choice: the strings are assembled from the date's parts with `format!` instead of a
//! `time` format description, so rendering is infallible (no `Result` to unwrap) and the
//! precision is fixed per use: microseconds for Cowrie and CSV (Cowrie's `…20.592876Z`),
//! milliseconds for STIX (`created`/`modified` are defined to millisecond precision) and the
//! transcript. Known limit: a year outside 0000–9999 renders with a sign, which is not
//! RFC 3339; the store cannot hold such a time in practice.

use time::{OffsetDateTime, UtcOffset};

/// `ts` in UTC; a time whose UTC form is out of range is kept in its own offset.
pub(crate) fn utc(ts: OffsetDateTime) -> OffsetDateTime {
    ts.checked_to_offset(UtcOffset::UTC).unwrap_or(ts)
}

/// `2020-02-05T03:50:20.592876Z`: ISO-8601 UTC with microseconds (Cowrie's `timestamp`).
pub(crate) fn iso_micros(ts: OffsetDateTime) -> String {
    let t = utc(ts);
    format!("{}.{:06}Z", date_time(t), t.microsecond())
}

/// `2020-02-05T03:50:20.592Z`: RFC 3339 UTC with milliseconds (STIX timestamps).
pub(crate) fn iso_millis(ts: OffsetDateTime) -> String {
    let t = utc(ts);
    format!("{}.{:03}Z", date_time(t), t.millisecond())
}

/// `03:50:20.592`: the UTC time of day with milliseconds (transcript lines).
pub(crate) fn hms_millis(ts: OffsetDateTime) -> String {
    let t = utc(ts);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `2020-02-05 03:50:20.592 UTC`: a readable UTC date and time (transcript header).
pub(crate) fn readable(ts: OffsetDateTime) -> String {
    let t = utc(ts);
    format!(
        "{:04}-{:02}-{:02} {} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        hms_millis(t)
    )
}

fn date_time(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_utc_with_fixed_precision() {
        let ts = OffsetDateTime::from_unix_timestamp_nanos(1_580_874_620_592_876_123).unwrap();
        assert_eq!(iso_micros(ts), "2020-02-05T03:50:20.592876Z");
        assert_eq!(iso_millis(ts), "2020-02-05T03:50:20.592Z");
        assert_eq!(hms_millis(ts), "03:50:20.592");
        assert_eq!(readable(ts), "2020-02-05 03:50:20.592 UTC");
        let east = ts.to_offset(UtcOffset::from_hms(5, 30, 0).unwrap());
        assert_eq!(iso_micros(east), "2020-02-05T03:50:20.592876Z");
    }
}
