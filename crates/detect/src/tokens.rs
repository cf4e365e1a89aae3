//! Honeytokens: decoy secrets planted per session, and the detection of their use.
//!
//! [`mint`] derives each session's secrets from the sensor's token key and the session id
//! with HMAC-SHA256, so they are unique per session, format-valid (`AKIA` + 16 base32 for an
//! AWS key id, an OpenSSH private key block, a JWT-shaped kube token) and never real. The
//! runtime writes the files into the session's filesystem. Then:
//! - [`TokenWatch`] (per session) sees a token *read* when its value appears in a command's
//!   output, *searched* when that command was a search, *copied* or *exfiltrated* when a
//!   command names its file with a copying or sending tool, and *used* when its value appears
//!   in a command line;
//! - [`TokenIndex`] (shared by all sessions, bounded) maps values back to the session that
//!   received them, so a value that shows up later as a password or in a command of any
//!   session links the two (`token_reused`).

use std::collections::{HashMap, HashSet, VecDeque};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use miragepot_event::{PlantedToken, SessionId, TokenAction, TokenKind, TokenTouched};
use sha2::Sha256;

use crate::normalize::cap;

/// One planted decoy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Honeytoken {
    /// What it is.
    pub kind: TokenKind,
    /// Absolute path of its file.
    pub path: String,
    /// The secret value reported in events.
    pub value: String,
    /// Strings whose appearance means the secret was seen (the value and, for some kinds, a
    /// second secret of the same file).
    pub needles: Vec<String>,
    /// The whole file.
    pub content: String,
    /// File mode.
    pub mode: u32,
    /// Whether the content goes after an existing file's content (`.bash_history`).
    pub append: bool,
}

impl Honeytoken {
    /// The event form.
    pub fn planted(&self) -> PlantedToken {
        PlantedToken {
            token: self.kind,
            path: self.path.clone(),
            value: self.value.clone(),
        }
    }
}

/// Deterministic bytes for (`session`, `label`).
fn prf(key: &[u8], session: SessionId, label: &str) -> [u8; 32] {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(session.0.as_bytes());
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Bytes for (`session`, `label`), any length (HMAC in counter mode).
fn stream(key: &[u8], session: SessionId, label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut n = 0u32;
    while out.len() < len {
        out.extend_from_slice(&prf(key, session, &format!("{label}#{n}")));
        n += 1;
    }
    out.truncate(len);
    out
}

fn pick(bytes: &[u8], alphabet: &[u8]) -> String {
    bytes
        .iter()
        .filter_map(|b| alphabet.get(usize::from(*b) % alphabet.len()))
        .map(|&c| char::from(c))
        .collect()
}

const UPPER32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const B64ISH: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A password-like secret: 16 characters, letters and digits with one symbol inside.
fn password(key: &[u8], session: SessionId, label: &str) -> String {
    let b = prf(key, session, label);
    let mut p = pick(b.get(..16).unwrap_or(&[]), ALNUM);
    let sym = match b.get(16).copied().unwrap_or(0) % 4 {
        0 => '#',
        1 => '%',
        2 => '@',
        _ => '_',
    };
    let at = 3 + usize::from(b.get(17).copied().unwrap_or(0)) % 10;
    if p.is_char_boundary(at) {
        p.insert(at, sym);
    }
    p
}

/// The session's decoys for a user whose home is `home`.
pub fn mint(key: &[u8], session: SessionId, home: &str) -> Vec<Honeytoken> {
    let home = home.trim_end_matches('/');
    let home = if home.is_empty() { "/root" } else { home };
    let mut out = Vec::with_capacity(6);

    let key_id = format!("AKIA{}", pick(&stream(key, session, "aws.id", 16), UPPER32));
    let secret = pick(&stream(key, session, "aws.secret", 40), B64ISH);
    out.push(Honeytoken {
        kind: TokenKind::AwsKey,
        path: format!("{home}/.aws/credentials"),
        content: format!(
            "[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\nregion = eu-central-1\n"
        ),
        needles: vec![key_id.clone(), secret],
        value: key_id,
        mode: 0o600,
        append: false,
    });

    let db = password(key, session, "dotenv");
    out.push(Honeytoken {
        kind: TokenKind::DotenvPassword,
        path: format!("{home}/.env"),
        content: format!(
            "APP_ENV=production\nAPP_DEBUG=false\nAPP_URL=https://shop.internal\n\nDB_CONNECTION=mysql\nDB_HOST=10.0.3.12\nDB_PORT=3306\nDB_DATABASE=shop\nDB_USERNAME=shop_app\nDB_PASSWORD={db}\n\nREDIS_HOST=127.0.0.1\nREDIS_PORT=6379\n"
        ),
        needles: vec![db.clone()],
        value: db,
        mode: 0o600,
        append: false,
    });

    let (pem, unique_line) = private_key(key, session);
    out.push(Honeytoken {
        kind: TokenKind::SshPrivateKey,
        path: format!("{home}/.ssh/id_rsa"),
        content: pem,
        needles: vec![unique_line.clone()],
        value: unique_line,
        mode: 0o600,
        append: false,
    });

    let hist = password(key, session, "history");
    out.push(Honeytoken {
        kind: TokenKind::HistoryPassword,
        path: format!("{home}/.bash_history"),
        content: format!(
            "cd /var/www/html\nls -la\nmysql -u root -p'{hist}' wordpress\nsystemctl restart nginx\ntail -n 50 /var/log/nginx/error.log\ndf -h\nexit\n"
        ),
        needles: vec![hist.clone()],
        value: hist,
        mode: 0o600,
        append: true,
    });

    let wp = password(key, session, "wordpress");
    let salts: Vec<String> = (0..4)
        .map(|i| pick(&stream(key, session, &format!("wp.salt{i}"), 64), B64ISH))
        .collect();
    out.push(Honeytoken {
        kind: TokenKind::WordpressDbPassword,
        path: "/var/www/html/wp-config.php".into(),
        content: wp_config(&wp, &salts),
        needles: vec![wp.clone()],
        value: wp,
        mode: 0o640,
        append: false,
    });

    let kube = kube_token(key, session);
    let ca = base64::engine::general_purpose::STANDARD.encode(stream(key, session, "kube.ca", 96));
    out.push(Honeytoken {
        kind: TokenKind::KubeToken,
        path: format!("{home}/.kube/config"),
        content: format!(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: https://10.0.3.20:6443\n  name: prod\ncontexts:\n- context:\n    cluster: prod\n    user: admin\n  name: prod-admin\ncurrent-context: prod-admin\nkind: Config\npreferences: {{}}\nusers:\n- name: admin\n  user:\n    token: {kube}\n"
        ),
        needles: vec![kube.clone()],
        value: kube,
        mode: 0o600,
        append: false,
    });
    out
}

fn wp_config(pw: &str, salts: &[String]) -> String {
    let salt = |i: usize| salts.get(i).map_or("", String::as_str);
    format!(
        "<?php\n/**\n * The base configuration for WordPress\n *\n * @package WordPress\n */\n\n// ** Database settings ** //\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_USER', 'wp_admin' );\ndefine( 'DB_PASSWORD', '{pw}' );\ndefine( 'DB_HOST', 'localhost' );\ndefine( 'DB_CHARSET', 'utf8mb4' );\ndefine( 'DB_COLLATE', '' );\n\ndefine( 'AUTH_KEY',         '{}' );\ndefine( 'SECURE_AUTH_KEY',  '{}' );\ndefine( 'LOGGED_IN_KEY',    '{}' );\ndefine( 'NONCE_KEY',        '{}' );\n\n$table_prefix = 'wp_';\n\ndefine( 'WP_DEBUG', false );\n\nif ( ! defined( 'ABSPATH' ) ) {{\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}}\n\nrequire_once ABSPATH . 'wp-settings.php';\n",
        salt(0),
        salt(1),
        salt(2),
        salt(3)
    )
}

/// A JWT-shaped service-account token.
fn kube_token(key: &[u8], session: SessionId) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let kid = b64.encode(stream(key, session, "kube.kid", 20));
    let header = b64.encode(format!("{{\"alg\":\"RS256\",\"kid\":\"{kid}\"}}"));
    let sub = pick(
        &stream(key, session, "kube.sub", 5),
        b"abcdefghijklmnopqrstuvwxyz0123456789",
    );
    let payload = b64.encode(format!(
        "{{\"iss\":\"kubernetes/serviceaccount\",\"kubernetes.io/serviceaccount/namespace\":\"kube-system\",\"kubernetes.io/serviceaccount/secret.name\":\"admin-token-{sub}\",\"sub\":\"system:serviceaccount:kube-system:admin\"}}"
    ));
    let sig = b64.encode(stream(key, session, "kube.sig", 256));
    format!("{header}.{payload}.{sig}")
}

/// An OpenSSH private key block (RSA-sized, random inside) and one of its body lines that
/// is unique to the session.
fn private_key(key: &[u8], session: SessionId) -> (String, String) {
    let mut blob: Vec<u8> = Vec::with_capacity(1900);
    let put = |blob: &mut Vec<u8>, b: &[u8]| {
        blob.extend_from_slice(&u32::try_from(b.len()).unwrap_or(0).to_be_bytes());
        blob.extend_from_slice(b);
    };
    blob.extend_from_slice(b"openssh-key-v1\0");
    put(&mut blob, b"none");
    put(&mut blob, b"none");
    put(&mut blob, b"");
    blob.extend_from_slice(&1u32.to_be_bytes());
    let n = stream(key, session, "rsa.n", 385);
    let mut public = Vec::new();
    put(&mut public, b"ssh-rsa");
    put(&mut public, &[1, 0, 1]);
    put(&mut public, &n);
    put(&mut blob, &public);
    let private = stream(key, session, "rsa.private", 1380);
    put(&mut blob, &private);
    let body = base64::engine::general_purpose::STANDARD.encode(&blob);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(70)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    // Line 3 holds modulus bytes: it differs between sessions.
    let unique = lines.get(3).copied().unwrap_or_default().to_string();
    let pem = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----\n",
        lines.join("\n")
    );
    (pem, unique)
}

/// Words that make a command naming a token's file a copy or an exfiltration.
const COPY_TOOLS: &[&str] = &["cp", "mv", "rsync", "tar", "zip", "ln", "dd", "install"];
const SEND_TOOLS: &[&str] = &[
    "scp", "curl", "wget", "nc", "ncat", "netcat", "base64", "xxd", "ftp", "tftp", "mail",
    "sendmail", "socat", "openssl", "gzip",
];
const SEARCH_TOOLS: &[&str] = &[
    "grep", "egrep", "fgrep", "find", "rg", "ack", "awk", "locate",
];

fn command_words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || matches!(c, ';' | '|' | '&' | '(' | ')' | '`'))
        .map(|w| w.rsplit('/').next().unwrap_or(w))
}

fn mentions_file(line: &str, path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let tail = match path.rsplitn(3, '/').collect::<Vec<_>>().as_slice() {
        [file, dir, _] if dir.starts_with('.') => format!("{dir}/{file}"),
        _ => name.to_string(),
    };
    line.match_indices(tail.as_str()).any(|(i, _)| {
        let before = line.get(..i).and_then(|s| s.chars().last());
        let after = line.get(i + tail.len()..).and_then(|s| s.chars().next());
        before.is_none_or(|c| c == '/' || c == '~' || c.is_whitespace() || c == '"' || c == '\'')
            && after.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
    })
}

/// One session's watch over its own tokens.
#[derive(Debug, Clone, Default)]
pub struct TokenWatch {
    tokens: Vec<Honeytoken>,
    reported: HashSet<(TokenKind, TokenAction)>,
}

impl TokenWatch {
    /// Watches `tokens`.
    pub fn new(tokens: Vec<Honeytoken>) -> Self {
        TokenWatch {
            tokens,
            reported: HashSet::new(),
        }
    }

    /// The tokens watched.
    pub fn tokens(&self) -> &[Honeytoken] {
        &self.tokens
    }

    fn hit(&mut self, t: usize, action: TokenAction, line: &str, out: &mut Vec<TokenTouched>) {
        let Some(tok) = self.tokens.get(t) else {
            return;
        };
        if self.reported.insert((tok.kind, action)) {
            out.push(TokenTouched {
                token: tok.kind,
                path: tok.path.clone(),
                action,
                evidence: cap(line, 512).to_string(),
            });
        }
    }

    /// A command line arrived: copies, sends and uses. Each pipeline of the line (split at
    /// `;`, `&&`, `||` and `&`) is judged on its own, so `wget x; cat ~/.env` is not a send.
    pub fn on_input(&mut self, line: &str) -> Vec<TokenTouched> {
        let mut out = Vec::new();
        let line = cap(line, crate::normalize::MAX_LINE);
        let flat = line.replace("||", ";");
        for pipeline in flat.split([';', '&', '\n']) {
            let words: Vec<&str> = command_words(pipeline).collect();
            let copies = words.iter().any(|w| COPY_TOOLS.contains(w));
            let sends = words.iter().any(|w| SEND_TOOLS.contains(w));
            for t in 0..self.tokens.len() {
                let Some(tok) = self.tokens.get(t) else {
                    continue;
                };
                if tok.needles.iter().any(|n| pipeline.contains(n.as_str())) {
                    let action = if sends {
                        TokenAction::Exfiltrate
                    } else {
                        TokenAction::Use
                    };
                    self.hit(t, action, line, &mut out);
                } else if mentions_file(pipeline, &tok.path) {
                    if sends {
                        self.hit(t, TokenAction::Exfiltrate, line, &mut out);
                    } else if copies {
                        self.hit(t, TokenAction::Copy, line, &mut out);
                    }
                }
            }
        }
        out
    }

    /// A command line finished with `output`: reads and searches.
    pub fn on_output(&mut self, line: &str, output: &str) -> Vec<TokenTouched> {
        let mut out = Vec::new();
        let search = command_words(line).any(|w| SEARCH_TOOLS.contains(&w));
        for t in 0..self.tokens.len() {
            let Some(tok) = self.tokens.get(t) else {
                continue;
            };
            if tok.needles.iter().any(|n| output.contains(n.as_str())) {
                let action = if search {
                    TokenAction::Search
                } else {
                    TokenAction::Read
                };
                self.hit(t, action, line, &mut out);
            }
        }
        out
    }
}

/// A token found again: which, and the session that received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reuse {
    /// Which token.
    pub kind: TokenKind,
    /// The session it was planted in.
    pub session: SessionId,
}

/// All sessions' token values, for finding them again. Bounded: past `cap` values the
/// oldest are forgotten (and counted).
#[derive(Debug, Clone)]
pub struct TokenIndex {
    map: HashMap<String, Reuse>,
    order: VecDeque<String>,
    cap: usize,
    evicted: u64,
}

/// Shortest word looked up in the index.
const MIN_NEEDLE: usize = 12;

impl TokenIndex {
    /// An index holding at most `cap` values.
    pub fn new(cap: usize) -> Self {
        TokenIndex {
            map: HashMap::new(),
            order: VecDeque::new(),
            cap: cap.max(1),
            evicted: 0,
        }
    }

    /// Remembers the tokens planted in `session`.
    pub fn insert(&mut self, session: SessionId, tokens: &[PlantedToken]) {
        for t in tokens {
            if t.value.len() < MIN_NEEDLE {
                continue;
            }
            let reuse = Reuse {
                kind: t.token,
                session,
            };
            if self.map.insert(t.value.clone(), reuse).is_none() {
                self.order.push_back(t.value.clone());
            }
            while self.order.len() > self.cap {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                    self.evicted += 1;
                }
            }
        }
    }

    /// Values remembered.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Values forgotten to stay under the cap.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The token a password is, if any.
    pub fn password(&self, password: &str) -> Option<Reuse> {
        self.map.get(password).copied()
    }

    /// Tokens of sessions other than `own` that appear in a command line (as a word, or the
    /// value of `-p…`, `key=…` or `'…'`).
    pub fn in_line(&self, line: &str, own: SessionId) -> Vec<Reuse> {
        let mut out: Vec<Reuse> = Vec::new();
        let line = cap(line, crate::normalize::MAX_LINE);
        for word in line.split(|c: char| {
            c.is_whitespace() || matches!(c, '\'' | '"' | ';' | '|' | '&' | '=' | ',')
        }) {
            let word = word
                .strip_prefix("-p")
                .filter(|w| !w.is_empty())
                .unwrap_or(word);
            if word.len() < MIN_NEEDLE {
                continue;
            }
            if let Some(r) = self
                .map
                .get(word)
                .filter(|r| r.session != own && !out.contains(r))
            {
                out.push(*r);
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "tokens_tests.rs"]
mod tests;
