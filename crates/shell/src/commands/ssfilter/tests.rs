//! Filter parsing and matching, with the errors iproute2 6.1.0's ss gives (captured on
//! Debian 12).

use super::*;

fn words(s: &str) -> Vec<String> {
    s.split(' ').map(str::to_string).collect()
}

fn svc(name: &str) -> Option<u16> {
    match name {
        "ssh" => Some(22),
        "https" => Some(443),
        _ => None,
    }
}

fn sock(listen: bool, local: (&str, u16), peer: (&str, Option<u16>)) -> Sock {
    Sock {
        v6: local.0.contains(':'),
        listen,
        recv_q: 0,
        send_q: 0,
        local: (local.0.into(), local.1),
        peer: (peer.0.into(), peer.1),
        pid: 1,
        cmd: "sshd".into(),
        fd: 3,
    }
}

#[test]
fn expressions_select_sockets() {
    let lis = sock(true, ("0.0.0.0", 22), ("0.0.0.0", None));
    let lis6 = sock(true, ("::", 22), ("::", None));
    let est = sock(false, ("10.0.3.17", 22), ("203.0.113.9", Some(50022)));
    let out = sock(false, ("10.0.3.17", 41000), ("198.51.100.7", Some(443)));
    let all = [&lis, &lis6, &est, &out];
    let cases: &[(&str, [bool; 4])] = &[
        ("sport = :22", [true, true, true, false]),
        ("sport == 22", [true, true, true, false]),
        ("sport eq :ssh", [true, true, true, false]),
        ("dport = :443", [false, false, false, true]),
        ("dport = :https", [false, false, false, true]),
        ("( sport = :22 or dport = :22 )", [true, true, true, false]),
        ("sport = :22 and dport != :0", [false, false, true, false]),
        ("sport = :22 dport != :0", [false, false, true, false]),
        ("not sport = :22", [false, false, false, true]),
        ("! ( sport = :22 )", [false, false, false, true]),
        ("sport gt :1000", [false, false, false, true]),
        // Left to right, as ss's grammar: (A or B) and C (checked on Debian 12).
        (
            "sport < 1000 or dport >= 443 and sport > 30000",
            [false, false, false, true],
        ),
        ("src 10.0.0.0/8", [false, false, true, true]),
        ("src 10.0.3.17:22", [false, false, true, false]),
        ("src :22", [true, true, true, false]),
        ("src *:41000", [false, false, false, true]),
        ("dst 203.0.113.9", [false, false, true, false]),
        ("dst [::]", [false, true, false, false]),
        ("src 0.0.0.0/0", [true, false, true, true]),
    ];
    for (expr, want) in cases {
        let f = parse(&words(expr), &svc).expect(expr);
        let got: Vec<bool> = all.iter().map(|s| f.keeps(s)).collect();
        assert_eq!(got, want, "{expr}");
    }
    // One quoted argument is split into words too.
    let f = parse(&["sport = :22 or dport = :443".to_string()], &svc).expect("quoted");
    assert!(f.keeps(&out) && f.keeps(&est));
}

#[test]
fn state_words_come_first() {
    let f = parse(&words("state listening"), &svc).expect("state");
    assert_eq!(f.states, Some(LISTEN));
    let f = parse(
        &words("state established state listening sport = :22"),
        &svc,
    )
    .expect("two");
    assert_eq!(f.states, Some(ESTABLISHED | LISTEN));
    let f = parse(&words("exclude listening"), &svc).expect("exclude");
    assert_eq!(f.states, Some(ALL & !LISTEN));
    let f = parse(&words("state connected"), &svc).expect("connected");
    assert_eq!(f.states, Some(CONNECTED));
    assert_eq!(
        parse(&words("sport = :22"), &svc).expect("none").states,
        None
    );
}

#[test]
fn refusals_read_as_ss_writes_them() {
    let cases: &[(&str, FilterError)] = &[
        ("state bogus", FilterError::WrongState("bogus".into())),
        ("state", FilterError::Incomplete),
        ("foo", FilterError::Prefix("foo".into())),
        ("(sport = :22)", FilterError::Prefix("(sport".into())),
        ("sport=:22", FilterError::Prefix("sport=".into())),
        ("!( sport = :22 )", FilterError::Prefix("!(".into())),
        ("127.0.0.1", FilterError::Syntax),
        ("( sport = :22", FilterError::Syntax),
        ("sport = :22 and", FilterError::Syntax),
        ("sport", FilterError::Syntax),
        ("sport =", FilterError::Syntax),
        ("dst", FilterError::Syntax),
        ("sport = :nosuchsvc", FilterError::Port("nosuchsvc".into())),
    ];
    for (line, want) in cases {
        assert_eq!(
            parse(&words(line), &svc).err().as_ref(),
            Some(want),
            "{line}"
        );
    }
    assert_eq!(
        FilterError::Prefix("foo".into()).message(),
        (
            "Error: an inet prefix is expected rather than \"foo\".\nCannot parse dst/src address.\n"
                .to_string(),
            1
        )
    );
    assert_eq!(
        FilterError::WrongState("bogus".into()).message(),
        ("ss: wrong state name: bogus\n".to_string(), 255)
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let deep = format!("{}sport = :22{}", "( ".repeat(500), " )".repeat(500));
    assert_eq!(
        parse(&[deep], &svc).err(),
        Some(FilterError::Syntax),
        "nesting past 64 levels is refused, not a stack overflow"
    );
}
